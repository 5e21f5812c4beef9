"""`keypick`: serve, worker, mcp, sandbox, crawl, tasks, parse, db, doctor."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from pathlib import Path
from typing import Annotated

import typer

from keypick import __version__, migrate
from keypick.cli import accounts as accounts_cmd
from keypick.cli import crawl as crawl_cmd
from keypick.cli import doctor as doctor_cmd
from keypick.cli import history as history_cmd
from keypick.cli import parse as parse_cmd
from keypick.cli import tasks as tasks_cmd
from keypick.cli.common import console, fail, ready_runtime, run, settings
from keypick.exceptions import ConfigError
from keypick.insights import cli as insights_cmd
from keypick.reports import cli as report_cmd
from keypick.search import pg_index

app = typer.Typer(help="KeyPick: collect and understand social-media conversation by keyword.",
                  no_args_is_help=True, add_completion=False)  # fmt: skip
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(tasks_cmd.app, name="tasks")
app.add_typer(accounts_cmd.app, name="accounts")
app.command("crawl")(crawl_cmd.crawl)
app.command("parse")(parse_cmd.parse)
app.command("doctor")(doctor_cmd.doctor)
app.command("search", context_settings=history_cmd.SEARCH_SETTINGS)(history_cmd.search)
app.command("export")(history_cmd.export)
app.command("stats")(history_cmd.stats)
app.command("insights")(insights_cmd.insights)
app.command("report")(report_cmd.report)


@app.command()
def version() -> None:
    """Print the version."""
    console.print(__version__)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default: loopback without API keys).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: PORT or 8000).")] = None,
    workers: Annotated[int | None, typer.Option(help="Tasks run at once in this process (0: API only).")] = None,
    sandbox: Annotated[bool, typer.Option("--sandbox", help="Also run the offline sandbox and crawl it.")] = False,
    sandbox_port: Annotated[int, typer.Option(help="Port of the --sandbox replay server.")] = 8765,
) -> None:
    """Run the API with in-process workers (the embedded default: SQLite in ./data)."""
    import uvicorn

    from keypick.api.app import create_app

    overrides: dict[str, object] = {"host": host, "port": port}
    if sandbox:
        overrides["sandbox_url"] = f"http://127.0.0.1:{sandbox_port}"
    cfg = settings(**overrides)
    try:
        api = create_app(cfg, workers=workers)
    except ConfigError as exc:
        fail(exc.message)
    # Fail in one line, before workers start, rather than with uvicorn's traceback after they did.
    _port_free(cfg.bind_host, cfg.port, "choose another with --port or PORT")
    if sandbox:
        _port_free("127.0.0.1", sandbox_port, "choose another with --sandbox-port")
    servers = [uvicorn.Server(uvicorn.Config(api, host=cfg.bind_host, port=cfg.port, log_config=None))]
    if sandbox:
        from keypick.sandbox import create_sandbox_app

        sb = create_sandbox_app()
        servers.append(uvicorn.Server(uvicorn.Config(sb, host="127.0.0.1", port=sandbox_port, log_config=None)))
        console.print(f"[yellow]sandbox mode:[/] platform requests go to {cfg.sandbox_url} (offline replay)")
    console.print(f"KeyPick {__version__} on http://{cfg.bind_host}:{cfg.port}  (docs: /docs, db: "
                  f"{cfg.resolved_database_url.split('://')[0]})")  # fmt: skip

    async def main() -> None:
        await asyncio.gather(*(s.serve() for s in servers))

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())


def _port_free(host: str, port: int, hint: str) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            fail(f"cannot listen on {host}:{port}: {exc.strerror}; {hint}")


@app.command()
def worker(
    concurrency: Annotated[int | None, typer.Option(help="Tasks run at once (default KEYPICK_WORKERS).")] = None,
) -> None:
    """Run crawl workers only (the `worker` process group); they claim tasks from the database."""
    cfg = settings()

    async def main() -> None:
        runtime = await ready_runtime(cfg)
        pool = runtime.make_pool(concurrency or cfg.workers or 1)
        pool.start()
        if cfg.metrics_port:
            from keypick.api import metrics_server

            metrics_server.start(runtime)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        console.print(f"worker {pool.owner}: {pool.concurrency} slots on {runtime.engine.dialect.name}")
        await stop.wait()
        await pool.stop()
        await runtime.aclose()

    run(main())


@app.command("mcp")
def mcp_stdio(
    workers: Annotated[
        int | None,
        typer.Option(
            help="Crawls run at once in this process (0: leave them to `keypick worker`; default KEYPICK_WORKERS)."
        ),
    ] = None,
) -> None:
    """Serve the MCP tools over stdio (Claude Desktop, Cursor, ...) against the local database."""
    from keypick.mcp import stdio

    cfg = settings()  # logs go to stderr: stdout is the protocol channel
    with contextlib.suppress(KeyboardInterrupt):
        run(stdio.serve(cfg, workers=cfg.workers if workers is None else workers))


@app.command()
def sandbox(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    host: Annotated[str, typer.Option(help="Interface (loopback by default).")] = "127.0.0.1",
    fault: Annotated[list[str] | None, typer.Option(help="Inject a fault, e.g. http_432@after=2 (repeatable).")] = None,
    pages: Annotated[int, typer.Option(help="Search pages per keyword before results end.")] = 5,
) -> None:
    """Replay real captured platform responses offline, with optional faults."""
    from keypick.sandbox import parse_fault
    from keypick.sandbox.main import run_sandbox

    try:
        faults = [parse_fault(f) for f in fault or []]
    except ValueError as exc:
        fail(f"--fault: {exc}")
    console.print(f"sandbox on http://{host}:{port}  (set KEYPICK_SANDBOX_URL=http://{host}:{port})")
    run_sandbox(host=host, port=port, faults=faults, pages=pages)


@app.command("import")
def import_har(file: Annotated[Path, typer.Argument(help="A HAR file saved from the browser's DevTools.")]) -> None:
    """Ingest the platform API responses found in a HAR file (searches, details, comments, authors' post lists)."""
    import json

    from keypick.harimport import service as har_service

    if not file.is_file():
        fail(f"{file} is not a file")
    try:
        har = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        fail(f"{file} is not JSON: {exc}")
    cfg = settings()

    async def main() -> dict[str, object]:
        runtime = await ready_runtime(cfg)
        report = await har_service.import_har(runtime.sessions, har, name=file.name)
        await runtime.aclose()
        return report.as_dict()

    report = run(main())
    console.print_json(data=report)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations (also done at every start)."""
    cfg = settings()

    async def main() -> tuple[str | None, str]:
        runtime = await ready_runtime(cfg)
        rev = await migrate.current(runtime.engine)
        async with runtime.engine.connect() as conn:
            index = await conn.run_sync(pg_index.describe)
        await runtime.engine.dispose()
        return rev, index

    rev, index = run(main())
    console.print(f"database at revision {rev} ({cfg.resolved_database_url.split('://')[0]}), search index {index}")
