"""`keypick crawl`: one-shot crawl with a live progress bar and a summary table."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError as PydanticValidationError
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from keypick.api.runtime import Runtime
from keypick.cli.common import check_out, console, fail, print_ledger, ready_runtime, run, settings
from keypick.crawler.engine import TaskRunner
from keypick.enums import SortBy, TaskStatus
from keypick.export import exporters
from keypick.history.export import COMMENT_FIELDS
from keypick.platforms import registry
from keypick.platforms.base import CrawlMode
from keypick.tasks import results as task_results
from keypick.tasks import service as task_service
from keypick.tasks.schemas import CrawlRequest

OUT_HELP = (
    "Write the posts to FILE.csv, .jsonl, .json, .md or .xlsx (one row or line per post; csv, jsonl, json and md "
    "hold posts only). With --comments an .xlsx adds a comments sheet."
)


def crawl(
    platform: Annotated[str, typer.Argument(help="weibo (wb), xiaohongshu (xhs), douyin (dy), ...")],
    keywords: Annotated[list[str], typer.Argument(help="One or more keywords (author ids with --creator).")],
    max_results: Annotated[int, typer.Option("--max", help="Posts per keyword (1..1000).")] = 50,
    since: Annotated[str, typer.Option(help="Time range: 1d 3d 7d 30d 90d 6m 1y all, or A,B dates.")] = "all",
    sort: Annotated[SortBy, typer.Option(help="hot, recent, likes, comments, shares.")] = SortBy.HOT,
    comments: Annotated[bool, typer.Option("--comments", help="Collect comments and replies too.")] = False,
    max_comments: Annotated[int, typer.Option(help="Comments per post when --comments.")] = 20,
    authors: Annotated[bool, typer.Option("--authors", help="Fetch author profiles too.")] = False,
    min_likes: Annotated[int, typer.Option(help="Drop posts with fewer likes.")] = 0,
    exclude: Annotated[list[str] | None, typer.Option(help="Drop posts containing this word (repeatable).")] = None,
    out: Annotated[Path | None, typer.Option(help=OUT_HELP)] = None,
    creator: Annotated[bool, typer.Option("--creator", help="KEYWORDS are author ids: collect their posts.")] = False,
    mode: Annotated[CrawlMode, typer.Option(help="search, or creator (the same as --creator).")] = CrawlMode.SEARCH,
    content_type: Annotated[str, typer.Option("--type", help="Native type filter: all, video, image, ...")] = "all",
) -> None:
    """Crawl now, in this process, and print a summary (optionally export the results)."""
    try:
        request = CrawlRequest(
            platform=platform, keywords=keywords, max_results=max_results, time_range=since, sort_by=sort,
            include_comments=comments, max_comments_per_post=max_comments, crawl_author_details=authors,
            min_likes=min_likes, exclude_keywords=exclude or [], mode=CrawlMode.CREATOR if creator else mode,
            content_type=content_type,
        )  # fmt: skip
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        fail(f"{'.'.join(map(str, first['loc']))}: {first['msg'].removeprefix('Value error, ')}")
    if out is not None:
        check_out(out, exporters.FORMATS)
    if not registry.is_available(request.platform):
        fail(f"{request.platform} is not available in this version")
    cfg = settings()
    status = run(_crawl(cfg, request, out))
    raise typer.Exit(0 if status in (TaskStatus.COMPLETED, TaskStatus.PARTIAL) else 1)


async def _crawl(cfg: Any, request: CrawlRequest, out: Path | None) -> TaskStatus:
    runtime = await ready_runtime(cfg)
    async with runtime.sessions() as session:
        task, _ = await task_service.create(session, request=request, idempotency_key=None)
        task = await task_service.claim_next_by_id(session, task_id=task.id, owner="cli", lease=3600)
    await runtime.import_env_cookies()
    runner = TaskRunner(sessions=runtime.sessions, adapter_factory=runtime.adapter, owner="cli", lease=3600,
                        accounts=runtime.account_pool())  # fmt: skip
    console.print(f"task [bold]{task.id}[/] · {request.platform} · {', '.join(request.keywords)}")
    job = asyncio.create_task(runner.run(task.id))
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[info]}"),
                  TimeElapsedColumn(), console=console) as bar:  # fmt: skip
        line = bar.add_task("crawling", total=1.0, info="")
        try:
            while not job.done():
                await asyncio.wait({job}, timeout=0.5)
                await _refresh(runtime, task.id, bar, line)
        except (KeyboardInterrupt, asyncio.CancelledError):
            async with runtime.sessions() as session:
                await task_service.request_cancel(session, task_id=task.id)
            job.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await job
        await _refresh(runtime, task.id, bar, line)
    status = await _summary(runtime, task.id)
    if out is not None:
        await _export(runtime, task.id, out, comments=request.include_comments)
    await runtime.aclose()
    return status


async def _refresh(runtime: Runtime, task_id: str, bar: Progress, line: Any) -> None:
    async with runtime.sessions() as session:
        task = await task_service.get(session, task_id=task_id)
        posts = await task_service.hit_count(session, task_id=task_id)
    bar.update(line, completed=task.progress, info=f"{posts} posts · {task.status}")


async def _summary(runtime: Runtime, task_id: str) -> TaskStatus:
    async with runtime.sessions() as session:
        task = await task_service.get(session, task_id=task_id)
        units = await task_service.units(session, task_id=task_id)
    print_ledger(units, title=f"task {task_id}: {task.status}")
    return TaskStatus(task.status)


async def _export(runtime: Runtime, task_id: str, out: Path, *, comments: bool) -> None:
    rows: list[dict[str, Any]] = []
    offset = 0
    async with runtime.sessions() as session:
        while True:
            _, page = await task_results.task_results(session, task_id=task_id, sort_by=SortBy.HOT,
                                                      limit=500, offset=offset, with_comments=comments)  # fmt: skip
            rows.extend(page)
            offset += 500
            if len(page) < 500:
                break
    xlsx = exporters.format_of(out) == "xlsx"
    # The comments sheet, as `keypick export --comments` writes it: the posts' stored comments, post by post.
    sheet = [c for row in rows for c in row.pop("comment_list", [])] if comments else []
    extra = (COMMENT_FIELDS, sheet) if comments and xlsx else None
    count = exporters.write_file(out, rows, columns=task_results.RESULT_FIELDS, comments=extra)
    if extra is not None:
        note = f" and {len(sheet)} comments (sheet comments)"
    elif comments:
        note = f" (posts only; an .xlsx adds the comments, or: keypick export FILE.xlsx --comments --task {task_id})"
    else:
        note = ""
    console.print(f"wrote {count} posts{note} to {out}", soft_wrap=True, highlight=False)
