"""`keypick insights`: the insights of stored posts, as tables or JSON."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from pydantic import ValidationError as PydanticValidationError
from rich.table import Table

from keypick.cli.common import console, fail, ready_runtime, run, settings
from keypick.config import Settings
from keypick.db import utcnow
from keypick.insights import service as insights_service
from keypick.insights.schemas import InsightQuery, Insights

TaskOpt = Annotated[list[str] | None, typer.Option("--task", help="Only posts of this task (repeatable).")]
PlatformOpt = Annotated[list[str] | None, typer.Option("--platform", help="Only this platform (repeatable).")]
KeywordOpt = Annotated[list[str] | None, typer.Option("--keyword", help="Only posts found by this keyword.")]
MinPostsOpt = Annotated[int, typer.Option(help="Below this many posts the data is called too thin.")]


def build_query(model: type[InsightQuery], **values: Any) -> Any:
    """Return the query model, exiting with the field and reason when an option is invalid."""
    try:
        return model(**{k: v for k, v in values.items() if v is not None})
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        fail(f"{'.'.join(map(str, first['loc']))}: {first['msg'].removeprefix('Value error, ')}")


async def load_insights(cfg: Settings, query: InsightQuery) -> tuple[Insights, Any]:
    """Return the insights of the query and the dataset they were computed on."""
    runtime = await ready_runtime(cfg)
    try:
        async with runtime.sessions() as session:
            dataset = await insights_service.load(session, query=query)
        return await insights_service.compute(dataset, query=query, now=utcnow()), dataset
    finally:
        await runtime.aclose()


def _ids(values: list[str], total: int) -> str:
    return ", ".join(values[:5]) + (f" (+{total - min(5, len(values))})" if total > min(5, len(values)) else "")


def _table(title: str, headers: list[str], rows: list[list[Any]]) -> None:
    table = Table(title=title, title_justify="left")
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


def print_insights(ins: Insights) -> None:
    """Print the insights as tables."""
    s = ins.sample
    console.print(
        f"[bold]{s.posts}[/] posts (of {s.available} matching), published {s.first_published} → {s.last_published}",
        soft_wrap=True,
    )
    if not s.sufficient:
        console.print(f"[yellow]{s.note}[/]", soft_wrap=True)
    _table(
        "Top keywords",
        ["keyword", "posts", "score", "post ids"],
        [[k.word, k.post_count, k.score, _ids(k.post_ids, k.post_count)] for k in ins.keywords],
    )
    sent = ins.sentiment
    if sent.split:
        _table(
            f"Sentiment (SnowNLP, mean {sent.mean})",
            ["band", "posts", "share", "post ids"],
            [[b.label, b.post_count, f"{b.share:.0%}", _ids(b.post_ids, b.post_count)] for b in sent.split],
        )
    console.print(f"[dim]{sent.caveat}[/]", soft_wrap=True)
    _table(
        f"Volume by day ({ins.volume.timezone})",
        ["date", "posts", "likes", "post ids"],
        [[d.date, d.posts, d.likes, _ids(d.post_ids, d.posts)] for d in ins.volume.days],
    )
    if ins.volume.trend:
        console.print(f"trend: {ins.volume.trend.direction} ({ins.volume.trend.slope_per_day:+.2f} posts/day)")
    _table(
        "Top posts",
        ["id", "platform", "engagement", "excerpt"],
        [[p.id, p.platform, p.engagement, p.excerpt] for p in ins.top_posts],
    )
    _table(
        "Top authors",
        ["author", "posts", "engagement", "post ids"],
        [
            [a.author or a.author_id, a.post_count, a.engagement, _ids(a.post_ids, a.post_count)]
            for a in ins.top_authors
        ],
    )
    _table(
        "Top hashtags",
        ["tag", "posts", "post ids"],
        [[t.tag, t.post_count, _ids(t.post_ids, t.post_count)] for t in ins.top_hashtags],
    )
    if ins.velocity:
        _table(
            "Likes per hour",
            ["id", "likes/hour", "snapshots"],
            [[v.id, v.likes_per_hour, v.snapshots] for v in ins.velocity],
        )
    if ins.near_duplicates:
        _table(
            "Near-duplicates", ["size", "post ids"], [[c.size, _ids(c.post_ids, c.size)] for c in ins.near_duplicates]
        )
    for note in ins.notes:
        console.print(f"[dim]- {note}[/]", soft_wrap=True)


def insights(
    task: TaskOpt = None,
    platform: PlatformOpt = None,
    keyword: KeywordOpt = None,
    min_posts: MinPostsOpt = 30,
    tz: Annotated[str, typer.Option(help="Time zone of the per-day buckets.")] = "Asia/Shanghai",
    top: Annotated[int, typer.Option(help="Length of the top lists.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the insights document as JSON.")] = False,
) -> None:
    """Show what the stored posts say: keywords, sentiment, volume, top posts, each citing post ids."""
    query = build_query(
        InsightQuery, task_ids=task, platforms=platform, keywords=keyword, min_posts=min_posts, tz=tz, top_n=top
    )
    ins, _ = run(load_insights(settings(), query))
    if as_json:
        typer.echo(ins.model_dump_json(indent=2))
    else:
        print_insights(ins)
