"""`keypick report`: the insights of stored posts as a Markdown or self-contained HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from keypick.cli.common import check_out, console, fail, run, settings
from keypick.config import Settings
from keypick.exceptions import KeyPickError
from keypick.insights.cli import KeywordOpt, MinPostsOpt, PlatformOpt, TaskOpt, build_query, load_insights
from keypick.reports import config as report_config
from keypick.reports import service as report_service
from keypick.reports.config import ReportSettings
from keypick.reports.schemas import ReportFormat, ReportQuery, SummaryMode


async def _build(cfg: Settings, query: ReportQuery, report_settings: ReportSettings) -> str:
    kind = report_service.provider_kind(query.summary, report_settings)
    ins, dataset = await load_insights(cfg, query)
    summary = None
    if kind is not None and dataset.posts:
        console.print(f"[dim]summarising {len(dataset.posts)} posts with {kind}...[/]", highlight=False)
        summary = await report_service.make_summary(dataset.posts, ins, kind=kind, settings=report_settings)
    return report_service.render(ins, summary, ReportFormat(query.format))


def report(
    task: TaskOpt = None,
    platform: PlatformOpt = None,
    keyword: KeywordOpt = None,
    fmt: Annotated[
        ReportFormat | None, typer.Option("--format", help="md or html (default: the --out suffix, else md).")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Write to FILE.md or FILE.html instead of printing.")] = None,
    summary: Annotated[SummaryMode, typer.Option(help="auto (LLM, then Dify, if configured), none, llm, dify.")] = (
        SummaryMode.AUTO
    ),
    min_posts: MinPostsOpt = 30,
    tz: Annotated[str, typer.Option(help="Time zone of the per-day buckets.")] = "Asia/Shanghai",
) -> None:
    """Write a report of the stored posts: charts, top lists and (optionally) a cited LLM summary."""
    if out is not None:
        suffix = ReportFormat(check_out(out, [f.value for f in ReportFormat]))
        if fmt is not None and fmt != suffix:
            fail(f"--out {out} names a .{suffix.value} file but --format is {fmt.value}: change one of them")
        fmt = suffix
    fmt = fmt or ReportFormat.MD
    query = build_query(
        ReportQuery,
        task_ids=task,
        platforms=platform,
        keywords=keyword,
        format=fmt,
        summary=summary,
        min_posts=min_posts,
        tz=tz,
    )
    try:
        report_settings = report_config.load()
        report_service.provider_kind(query.summary, report_settings)
    except KeyPickError as exc:
        fail(exc.message)
    text = run(_build(settings(), query, report_settings))
    if out is None:
        typer.echo(text)
        return
    out.write_text(text, encoding="utf-8")
    console.print(f"wrote {fmt.value} report to {out}")
