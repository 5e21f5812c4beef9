"""`keypick accounts add | list | check | remove`: your own platform cookies, stored encrypted."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from keypick.accounts import router as account_router
from keypick.accounts import service as account_service
from keypick.bounds import INT64_MAX
from keypick.cli.common import console, fail, ready_runtime, run, settings
from keypick.enums import resolve_platform

app = typer.Typer(help="Your own platform accounts (cookies, encrypted at rest).", no_args_is_help=True)


def _platform(name: str) -> str:
    try:
        return resolve_platform(name).value
    except ValueError as exc:
        fail(str(exc))
        raise


@app.command("add")
def add(
    platform: Annotated[str, typer.Argument(help="Platform or short name.")],
    cookie_file: Annotated[Path | None, typer.Option(help="Read the cookie string from this file.")] = None,
    label: Annotated[str | None, typer.Option(help="A name for this account.")] = None,
) -> None:
    """Store an account; the cookie string is read from --cookie-file or standard input (not argv: shell history)."""
    name = _platform(platform)
    if cookie_file is not None:
        if not cookie_file.is_file():
            fail(f"{cookie_file} is not a file")
        cookie = cookie_file.read_text(encoding="utf-8")
    else:
        if sys.stdin.isatty():
            console.print("Paste the Cookie header value, then press Enter:")
        cookie = sys.stdin.readline()
    cfg = settings()

    async def main() -> None:
        runtime = await ready_runtime(cfg)
        async with runtime.sessions() as session:
            row, created = await account_service.add(
                session, platform=name, cookie=cookie, cipher=runtime.cipher(), label=label, source="cli"
            )
        names = ", ".join(account_service.cookie_names(runtime.cipher().decrypt(row.cookie_encrypted)))
        console.print(f"{'added' if created else 'refreshed'} {name} account #{row.id} ({row.label}); cookies: {names}")
        await runtime.aclose()

    run(main())


@app.command("list")
def list_accounts(platform: Annotated[str | None, typer.Argument(help="Only this platform.")] = None) -> None:
    """List accounts: status, health, cooldown, uses (never the cookie values)."""
    name = _platform(platform) if platform else None
    cfg = settings()

    async def main() -> None:
        runtime = await ready_runtime(cfg)
        async with runtime.sessions() as session:
            rows = await account_service.list_accounts(session, platform=name)
        console.print(f"{len(rows)} account(s)")
        for r in rows:
            item = account_service.public(r)
            rest = (
                f" cooling down until {r.cooldown_until:%Y-%m-%d %H:%M} ({r.cooldown_reason})"
                if r.cooldown_until
                else ""
            )
            checked = f"{r.last_checked_at:%Y-%m-%d %H:%M}" if r.last_checked_at else "never"
            console.print(f"#{r.id:<4} {r.platform:<12} {r.label:<20} {r.status:<8} healthy={item['healthy']} "
                          f"checked={checked} uses={r.uses}{rest}", soft_wrap=True, highlight=False)  # fmt: skip
        await runtime.aclose()

    run(main())


@app.command("check")
def check(platform: Annotated[str, typer.Argument(help="Platform whose accounts to check.")]) -> None:
    """Run the platform's login check for each account: valid, expired or unknown."""
    name = _platform(platform)
    cfg = settings()

    async def main() -> None:
        runtime = await ready_runtime(cfg)
        for item in await account_router.check_accounts(runtime, name):
            detail = f" ({item['detail']})" if item["detail"] else ""
            console.print(f"#{item['id']} {item['label']}: {item['status']}{detail}", soft_wrap=True)
        await runtime.aclose()

    run(main())


@app.command("remove")
def remove(
    platform: Annotated[str, typer.Argument(help="Platform.")],
    account_id: Annotated[
        int | None,
        typer.Option("--id", min=1, max=INT64_MAX, help="Only this account (default: all of the platform)."),
    ] = None,
) -> None:
    """Delete accounts."""
    name = _platform(platform)
    cfg = settings()

    async def main() -> None:
        runtime = await ready_runtime(cfg)
        async with runtime.sessions() as session:
            deleted = await account_service.remove(session, platform=name, account_id=account_id)
        console.print(f"deleted {deleted} {name} account(s)")
        await runtime.aclose()
        if not deleted:
            raise SystemExit(1)

    run(main())
