"""`keypick search`, `keypick export`, `keypick stats`: the stored history from the command line."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError as PydanticValidationError
from rich.table import Table

from keypick.bounds import MAX_OFFSET
from keypick.cli.common import check_out, console, fail, ready_runtime, run, settings
from keypick.export import exporters
from keypick.history import aggregate as history_aggregate
from keypick.history import export as history_export
from keypick.history import service as history_service
from keypick.history.filters import DataFilter

PlatformOpt = Annotated[list[str] | None, typer.Option("--platform", "-p", help="Platform (repeatable).")]
TaskOpt = Annotated[list[str] | None, typer.Option("--task", help="Task id (repeatable).")]
KeywordOpt = Annotated[list[str] | None, typer.Option("--keyword", "-k", help="Crawl keyword (repeatable).")]


def _filter(platform: list[str] | None, task: list[str] | None, keyword: list[str] | None) -> DataFilter:
    try:
        return DataFilter(platforms=platform or [], task_ids=task or [], keywords=keyword or [])
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        fail(f"{first['loc'][0]}: {first['msg'].removeprefix('Value error, ')}")
        raise


#: A query may start with an exclusion ("-速溶 拿铁"): a word after "-" is not taken for an unknown option.
SEARCH_SETTINGS = {"ignore_unknown_options": True}


def search(
    query: Annotated[str, typer.Argument(help='Words, "quoted phrases", -exclusions (Chinese is segmented).')],
    platform: PlatformOpt = None,
    task: TaskOpt = None,
    keyword: KeywordOpt = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help="How many results, 1..200.")] = 20,
    offset: Annotated[int, typer.Option(min=0, max=MAX_OFFSET, help="Skip this many results (paging).")] = 0,
    sort: Annotated[str, typer.Option(help="relevant, recent, hot, likes, comments or shares.")] = "relevant",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """Full-text search of the stored posts, best match first.

    A query may start with an exclusion: keypick search '-速溶 拿铁'.

    If that first word has Latin letters, put -- before the query: keypick search -- '-apple 拿铁'
    (without it, letters such as p and k are read as the options -p and -k).
    """
    if query.startswith("--"):
        fail(f"no such option: {query} (a search query does not start with --)")
    f = _filter(platform, task, keyword)
    cfg = settings()

    async def main() -> dict[str, Any]:
        runtime = await ready_runtime(cfg)
        async with runtime.sessions() as session:
            found = await history_service.search(
                session, query, f, sort=sort, limit=limit, offset=offset, window=cfg.search_rank_window
            )
        await runtime.aclose()
        return found

    found = run(main())
    if as_json:
        for item in found["results"]:
            typer.echo(json.dumps(item, ensure_ascii=False))
        return
    about = "" if found["total_exact"] else "about "
    ranked = "" if found["ranked"] >= found["total"] else f" (relevance over the newest {found['ranked']})"
    console.print(f"{about}{found['total']} match(es) for {query!r}{ranked}", highlight=False)
    for item in found["results"]:
        snippet = item["snippet"].replace("<mark>", "[bold yellow]").replace("</mark>", "[/]")
        console.print(f"[cyan]{item['platform']}[/] {item['id']}  ♥{item['likes'] or 0}  {snippet}", soft_wrap=True)


def export(
    out: Annotated[Path, typer.Argument(help="FILE.csv, .jsonl, .json, .md or .xlsx")],
    platform: PlatformOpt = None,
    task: TaskOpt = None,
    keyword: KeywordOpt = None,
    comments: Annotated[bool, typer.Option("--comments", help="XLSX: add a comments sheet.")] = False,
    fields: Annotated[str | None, typer.Option(help="Comma list of post fields (default: all).")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many posts (newest rows first).")] = None,
    plain_ids: Annotated[bool, typer.Option("--plain-ids", help='CSV: ids as plain values, not ="…".')] = False,
) -> None:
    """Export stored posts (streamed: memory stays flat for any size)."""
    fmt = check_out(out, exporters.FORMATS, option="OUT")
    f = _filter(platform, task, keyword)
    try:
        request = history_export.ExportRequest(**f.model_dump(), format=fmt, include_comments=comments,
                                               fields=fields or [], limit=limit, excel_ids=not plain_ids)  # fmt: skip
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        fail(f"{first['loc'][0]}: {first['msg'].removeprefix('Value error, ')}")
    cfg = settings()

    async def main() -> int:
        runtime = await ready_runtime(cfg)
        if fmt == "xlsx":
            path = await history_export.write_xlsx(runtime.sessions, request)
            # move, not rename: the temporary directory may be on another file system
            shutil.move(path, out)
            # The temporary file was private (0600); the export gets the mode any file the user writes gets.
            umask = os.umask(0)
            os.umask(umask)
            out.chmod(0o666 & ~umask)
            count = -1
        else:
            from keypick.export.stream import atext_chunks

            count = 0

            async def counted() -> AsyncIterator[dict[str, Any]]:
                nonlocal count
                async for row in history_export.post_rows(runtime.sessions, f, limit=request.limit):
                    count += 1
                    yield row

            with out.open("w", encoding="utf-8", newline="") as fh:
                async for chunk in atext_chunks(fmt, counted(), request.columns, excel_ids=request.excel_ids):
                    fh.write(chunk)
        await runtime.aclose()
        return count

    count = run(main())
    console.print(f"wrote {out}" + (f" ({count} posts)" if count >= 0 else ""), soft_wrap=True, highlight=False)


def stats(
    platform: PlatformOpt = None,
    task: TaskOpt = None,
    keyword: KeywordOpt = None,
    by: Annotated[
        str | None, typer.Option(help="Chart posts per day, week, month, platform, author, keyword, tag.")
    ] = None,
    metrics: Annotated[str, typer.Option(help="With --by: comma list of posts, engagement, authors, sentiment.")] = (
        "posts,engagement,authors"
    ),
    tz: Annotated[str, typer.Option(help="With --by: time zone of day/week/month buckets.")] = "Asia/Shanghai",
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Counts and time ranges of the stored history, per platform; --by day charts the volume."""
    f = _filter(platform, task, keyword)
    cfg = settings()
    wanted = [m.strip() for m in metrics.split(",") if m.strip()]

    async def main() -> dict[str, Any]:
        runtime = await ready_runtime(cfg)
        async with runtime.sessions() as session:
            if by is None:
                body = await history_service.stats(session, f)
            else:
                body = await history_aggregate.aggregate(session, f, group=by, metrics=wanted, tz_name=tz, limit=5000)
        await runtime.aclose()
        return body

    body = run(main())
    if as_json:
        typer.echo(json.dumps(body, ensure_ascii=False, default=str))
        return
    if by is not None:
        _chart(body)
        return
    console.print(f"{body['posts']} posts · {body['comments']} comments · {body['authors']} authors · "
                  f"engagement {body['engagement']}")  # fmt: skip
    console.print(f"published {body['published_from'] or '-'} → {body['published_to'] or '-'}", highlight=False)
    table = Table(title="per platform")
    table.add_column("platform")
    table.add_column("posts", justify="right")
    table.add_column("engagement", justify="right")
    for name, item in sorted(body["by_platform"].items()):
        table.add_row(name, str(item["posts"]), str(item["engagement"]))
    console.print(table)


def _chart(body: dict[str, Any]) -> None:
    """Print aggregate buckets as a table with a bar of the first metric."""
    first = body["metrics"][0]
    table = Table(title=f"{first} per {body['aggregate_by']}" + (f" ({body['tz']})" if body["aggregate_by"] in
                                                                  ("day", "week", "month") else ""))  # fmt: skip
    table.add_column(body["aggregate_by"], overflow="fold")
    for metric in body["metrics"]:
        table.add_column(metric, justify="right")
    table.add_column("")
    top = max((float(b[first] or 0) for b in body["buckets"]), default=0.0) or 1.0
    for b in body["buckets"]:
        bar = "█" * max(1, round(30 * float(b[first] or 0) / top)) if b[first] else ""
        table.add_row(str(b["key"]), *("" if b[m] is None else str(b[m]) for m in body["metrics"]), bar)
    console.print(table)
