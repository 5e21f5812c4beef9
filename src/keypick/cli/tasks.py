"""`keypick tasks list | show ID | cancel ID` (reads the local database directly)."""

from __future__ import annotations

from typing import Annotated

import typer

from keypick.cli.common import console, print_ledger, ready_runtime, run, settings
from keypick.enums import TaskStatus
from keypick.tasks import service as task_service

app = typer.Typer(help="List, inspect and cancel tasks.", no_args_is_help=False, invoke_without_command=True)


@app.callback()
def _default(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is None:
        list_tasks(status=None, limit=20)


@app.command("list")
def list_tasks(
    status: Annotated[TaskStatus | None, typer.Option(help="Only this status.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help="How many, newest first (1..200).")] = 20,
) -> None:
    """List tasks, newest first."""
    cfg = settings()

    async def main() -> None:
        runtime = await ready_runtime(cfg)
        async with runtime.sessions() as session:
            total, rows = await task_service.list_tasks(session, status=status, limit=limit, offset=0)
        # Plain aligned lines: full ids must survive narrow terminals (a table would truncate them).
        console.print(f"{total} task(s), newest first")
        header = f"{'id':<32}  {'status':<9}  {'platform':<11}  {'done':>4}  {'created UTC':<11}  keywords"
        console.print(f"[bold]{header}[/]", soft_wrap=True)
        for t in rows:
            created = t.created_at.strftime("%m-%d %H:%M")
            console.print(f"{t.id:<32}  {t.status:<9}  {t.platform:<11}  {t.progress:>4.0%}  {created:<11}  "
                          f"{', '.join(t.keywords)}", soft_wrap=True, highlight=False)  # fmt: skip
        await runtime.engine.dispose()

    run(main())


@app.command("show")
def show(task_id: str) -> None:
    """Show a task: status, per-keyword coverage and its event log."""
    cfg = settings()

    async def main() -> None:
        runtime = await ready_runtime(cfg)
        async with runtime.sessions() as session:
            task = await task_service.get(session, task_id=task_id)
            units = await task_service.units(session, task_id=task_id)
            events = await task_service.events(session, task_id=task_id)
            posts = await task_service.hit_count(session, task_id=task_id)
        console.print(f"[bold]{task.id}[/] {task.status} · {task.platform} · {posts} posts · {task.progress:.0%}")
        if task.error:
            console.print(f"[red]{task.error}[/]")
        print_ledger(units, title="coverage per keyword")
        for e in events[-20:]:
            console.print(f"  {e.at:%H:%M:%S} {e.kind}: {e.message}")
        await runtime.engine.dispose()

    run(main())


@app.command("cancel")
def cancel(task_id: str) -> None:
    """Cancel a pending or running task (a running worker stops at its next request)."""
    cfg = settings()

    async def main() -> None:
        runtime = await ready_runtime(cfg)
        async with runtime.sessions() as session:
            task = await task_service.request_cancel(session, task_id=task_id)
        console.print(f"task {task_id}: cancel requested (status {task.status})")
        await runtime.engine.dispose()

    run(main())
