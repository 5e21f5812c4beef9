"""`keypick doctor`: check configuration, database, Redis, accounts and reachability."""

from __future__ import annotations

from typing import Any

import httpx
import typer
from rich.table import Table
from sqlalchemy import text

from keypick import migrate
from keypick.cli.common import console, settings
from keypick.config import Settings
from keypick.crawler.http import sandbox_route
from keypick.db import create_engine
from keypick.platforms import registry

#: One cheap public URL per platform for the reachability probe (any HTTP answer means reachable).
PROBES = {
    "weibo": "https://m.weibo.cn/api/config",
    "xiaohongshu": "https://edith.xiaohongshu.com/",
    "douyin": "https://www.douyin.com/",
    "kuaishou": "https://www.kuaishou.com/",
    "bilibili": "https://api.bilibili.com/x/web-interface/nav",
    "tieba": "https://tieba.baidu.com/",
    "zhihu": "https://www.zhihu.com/",
}
Row = tuple[str, str, str]  # check, result (ok/warn/fail), detail


def _config(cfg: Settings) -> list[Row]:
    rows: list[Row] = []
    try:
        warnings = cfg.check()
        rows.append(("config", "ok", f"environment={cfg.environment}, {len(cfg.api_keys)} API key(s)"))
        rows += [("config", "warn", w) for w in warnings]
    except Exception as exc:
        rows.append(("config", "fail", str(exc)))
    return rows


async def _database(cfg: Settings) -> Row:
    engine = create_engine(cfg.resolved_database_url)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        rev = await migrate.current(engine)
        state = "ok" if rev else "warn"
        return ("database", state, f"{engine.dialect.name}, revision {rev or 'none (run keypick db upgrade)'}")
    except Exception as exc:
        return ("database", "fail", f"{engine.dialect.name}: {type(exc).__name__}: {exc}"[:200])
    finally:
        await engine.dispose()


async def _redis(cfg: Settings) -> Row:
    if not cfg.redis_url:
        return ("redis", "ok", "not configured (in-process cache and limits)")
    import redis.asyncio as aioredis

    client: Any = aioredis.from_url(cfg.redis_url, socket_connect_timeout=3)
    try:
        await client.ping()
        return ("redis", "ok", "reachable")
    except Exception as exc:
        return ("redis", "fail", f"{type(exc).__name__}: {exc}"[:200])
    finally:
        await client.aclose()


async def _reach(cfg: Settings) -> list[Row]:
    rows: list[Row] = []
    async with httpx.AsyncClient(timeout=5, follow_redirects=False) as client:
        if cfg.sandbox_url:
            try:
                r = await client.get(f"{cfg.sandbox_url}/_sandbox/health")
                rows.append(
                    ("sandbox", "ok" if r.status_code == 200 else "fail", f"{cfg.sandbox_url} → {r.status_code}")
                )
            except httpx.HTTPError as exc:
                rows.append(("sandbox", "fail", f"{cfg.sandbox_url}: {type(exc).__name__}"))
        for platform in registry.INFOS:
            url = sandbox_route(PROBES[platform.value], cfg.sandbox_url)
            try:
                r = await client.get(url, headers={"User-Agent": cfg.user_agent_mobile})
                rows.append((f"reach {platform.value}", "ok", f"HTTP {r.status_code}"))
            except httpx.HTTPError as exc:
                rows.append((f"reach {platform.value}", "warn", f"{type(exc).__name__} (offline?)"))
    return rows


async def _accounts(cfg: Settings) -> Row:
    from keypick.accounts import service as account_service
    from keypick.db import session_factory, utcnow

    engine = create_engine(cfg.resolved_database_url)
    try:
        async with session_factory(engine)() as session:
            rows = await account_service.list_accounts(session)
    except Exception as exc:
        return ("accounts", "warn", f"cannot read accounts: {type(exc).__name__}")
    finally:
        await engine.dispose()
    if not rows:
        return ("accounts", "ok", "none stored (Weibo, Bilibili and Tieba search work without one)")
    now = utcnow()
    per: dict[str, list[int]] = {}
    for r in rows:
        per.setdefault(r.platform, [0, 0])[0] += 1
        per[r.platform][1] += int(account_service.healthy(r, now))
    detail = ", ".join(f"{p}: {h}/{n} healthy" for p, (n, h) in sorted(per.items()))
    return ("accounts", "ok" if all(h for _, h in per.values()) else "warn", detail)


def doctor() -> None:
    """Print a table of checks; exit 1 if any failed."""
    import asyncio

    cfg = settings()

    async def main() -> list[Row]:
        rows = _config(cfg)
        rows.append(await _database(cfg))
        rows.append(await _redis(cfg))
        rows.append(await _accounts(cfg))
        rows += await _reach(cfg)
        return rows

    rows = asyncio.run(main())
    table = Table(title="keypick doctor")
    for col in ("check", "result", "detail"):
        table.add_column(col)
    colors = {"ok": "green", "warn": "yellow", "fail": "red"}
    for check, result, detail in rows:
        table.add_row(check, f"[{colors[result]}]{result}[/]", detail)
    console.print(table)
    raise typer.Exit(1 if any(r[1] == "fail" for r in rows) else 0)
