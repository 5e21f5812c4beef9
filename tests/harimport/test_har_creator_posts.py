"""HAR import of the six author's-list answers ("<platform> creator_posts"): recognised at their real URLs,
stored through the same parsers and tables as a creator crawl, under the author id as the unit keyword;
a re-import changes no row; a business-error answer is skipped with its reason. On SQLite and PostgreSQL.

Every entry is a real, signed request to the in-process sandbox recorded as a browser saves it (see
creator_har.py); no capture of these lists exists, the sandbox serves real sample items under the
documented envelopes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from keypick.cli.main import app as cli
from keypick.content.models import AuthorRow, EngagementSnapshotRow, PostRow

from . import creator_har as ch
from .sandbox_har import Recorder

Pages = Callable[[Recorder], Awaitable[list[dict[str, Any]]]]


@dataclass(frozen=True)
class Case:
    """One platform: how its two list pages and its error answer are recorded, and what the import says."""

    platform: str
    pages: Pages  #: records pages 1 and 2 (the second asked with the first's cursor); returns their JSON
    fault: str  #: the sandbox fault that turns the next list answer into a business error
    fail: Callable[[Recorder], Awaitable[Any]]  #: records one list answer (under `fault`)
    keyword: str  #: the unit keyword: the author id as the request names it
    reason: str  #: the skip reason of the error answer


async def _xhs(rec: Recorder) -> list[dict[str, Any]]:
    first = (await ch.xhs_posted(rec)).json()
    return [first, (await ch.xhs_posted(rec, cursor=first["data"]["cursor"])).json()]


async def _douyin(rec: Recorder) -> list[dict[str, Any]]:
    first = (await ch.douyin_posts(rec)).json()
    return [first, (await ch.douyin_posts(rec, max_cursor=first["max_cursor"])).json()]


async def _bili(rec: Recorder) -> list[dict[str, Any]]:
    return [(await ch.bili_space(rec, pn=pn)).json() for pn in (1, 2)]


async def _kuaishou(rec: Recorder) -> list[dict[str, Any]]:
    first = (await ch.kuaishou_profile(rec)).json()
    return [first, (await ch.kuaishou_profile(rec, pcursor=first["pcursor"])).json()]


async def _zhihu(rec: Recorder) -> list[dict[str, Any]]:
    return [await ch.zhihu_answers(rec, offset=offset) for offset in (0, 20)]


async def _tieba(rec: Recorder) -> list[dict[str, Any]]:
    return [(await ch.tieba_threads(rec, pn=pn)).json() for pn in (1, 2)]


async def _tieba_unknown_user(rec: Recorder) -> None:
    await ch.tieba_threads(rec, portrait="tb.1.nobody")  # the replay's own answer: error_code 4 用户不存在


CASES = [
    Case("xiaohongshu", _xhs, "business_error@path=/api/sns/web/v1/user_posted", ch.xhs_posted, ch.XHS_USER,
         "xiaohongshu creator_posts: risk_control: code 300012 网络连接异常，请检查网络设置或重启试试 "
         "(IP blocked ('network connection error'))"),
    Case("douyin", _douyin, "business_error@path=/aweme/v1/web/aweme/post/", ch.douyin_posts, ch.SEC_UID,
         "douyin creator_posts: data_fetch_error: status_code=20003 status_msg=系统繁忙，请稍后再试"),
    Case("bilibili", _bili, "business_error@path=/x/space/wbi/arc/search", ch.bili_space, ch.BILI_MID,
         "bilibili creator_posts: risk_control: code -412 (请求被拦截: the request was intercepted by risk control)"),
    Case("kuaishou", _kuaishou, "business_error:2@path=/rest/v/profile/feed", ch.kuaishou_profile, ch.KS_USER,
         "kuaishou creator_posts: rate_limited: 'result 2': too many requests, back off: 请求失败"),
    # The site's page asks by url_token: that is the unit, while the answers carry the author's 32-hex id.
    Case("zhihu", _zhihu, "business_error:40362@path=/api/v4/members", lambda rec: ch.zhihu_answers(rec, status=403),
         ch.ZHIHU_AUTHOR["url_token"],
         "zhihu creator_posts: HTTP 403: risk_control: 您当前请求存在异常，暂时限制本次访问 (您当前请求存在异常: "
         "the account or IP is restricted)"),
    Case("tieba", _tieba, "", lambda rec: _tieba_unknown_user(rec), ch.TIEBA_PORTRAIT,
         "tieba creator_posts: data_fetch_error: error_code=4 用户不存在"),
]  # fmt: skip


async def _import(client: Any, har: dict[str, Any]) -> dict[str, Any]:
    response = await client.http.post("/api/import/har", content=json.dumps(har, ensure_ascii=False).encode(),
                                      headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    assert report["entries"] == sum(report["recognised"].values()) + report["skipped"], report
    return report


async def _rows(client: Any, platform: str) -> dict[str, tuple[Any, ...]]:
    """platform post id → the stored row's pk, author, text and counts."""
    async with client.app.state.runtime.sessions() as session:
        rows = await session.scalars(select(PostRow).where(PostRow.platform == platform))
        return {r.platform_post_id: (r.pk, r.author_id, r.author_name, r.title, r.content, r.likes, r.comments,
                                     r.publish_time, r.url) for r in rows}  # fmt: skip


async def _totals(client: Any) -> tuple[int, int]:
    async with client.app.state.runtime.sessions() as session:
        posts = await session.scalar(select(func.count()).select_from(PostRow))
        authors = await session.scalar(select(func.count()).select_from(AuthorRow))
    return int(posts or 0), int(authors or 0)


async def _snapshots(client: Any) -> int:
    async with client.app.state.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(EngagementSnapshotRow)) or 0)


@pytest.mark.parametrize("case", CASES, ids=[c.platform for c in CASES])
async def test_author_lists_are_stored_under_the_author_id(api: Any, database_url: str, case: Case) -> None:
    rec = Recorder()
    try:
        pages = await case.pages(rec)
        if case.fault:
            await rec.faults(case.fault)
        await case.fail(rec)
        await rec.faults()
    finally:
        await rec.aclose()
    listed = [ch.listing(case.platform, page) for page in pages]
    ids = [i for page in listed for i in page.ids]
    assert len(ids) == len(set(ids)) and all(page.ids for page in listed)  # two full, distinct pages
    label = f"{case.platform} creator_posts"

    async with api(workers=0, database_url=database_url) as client:
        report = await _import(client, rec.har())
        assert report["recognised"] == {label: 2} and report["posts"] == len(ids), report
        assert report["skipped_reasons"] == {case.reason: 1}
        rows = await _rows(client, case.platform)
        assert set(rows) == set(ids)
        assert {row[1] for row in rows.values()} == {listed[0].author_id}  # every post by the list's author
        status = (await client.http.get(f"/api/crawl/status/{report['task_id']}")).json()
        assert status["status"] == "completed" and status["keywords"] == [case.keyword]
        assert status["params"]["creators"] == [case.keyword]
        (unit,) = status["units"]
        assert (unit["platform"], unit["keyword"], unit["new_items"], unit["duplicates"]) == (
            case.platform, case.keyword, len(ids), 0)  # fmt: skip
        results = (await client.http.get(f"/api/crawl/task/{report['task_id']}/results",
                                         params={"keyword": case.keyword, "page_size": 100})).json()  # fmt: skip
        assert results["total"] == len(ids) and {r["id"] for r in results["results"]} == set(ids)

        # The same HAR again: the same report, the same rows (pks included), one more snapshot per post.
        totals, snapshots = await _totals(client), await _snapshots(client)
        again = await _import(client, rec.har())
        same = ("recognised", "posts", "comments", "authors", "skipped", "skipped_reasons")
        assert {k: again[k] for k in same} == {k: report[k] for k in same}
        assert await _rows(client, case.platform) == rows and await _totals(client) == totals
        assert await _snapshots(client) == snapshots + len(ids)
        unit = (await client.http.get(f"/api/crawl/status/{again['task_id']}")).json()["units"][0]
        assert (unit["keyword"], unit["new_items"], unit["duplicates"]) == (case.keyword, len(ids), 0)


def test_cli_import_reports_the_lists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async def record() -> dict[str, Any]:
        rec = Recorder()
        try:
            await ch.douyin_posts(rec)
            await ch.tieba_threads(rec)
            await ch.zhihu_answers(rec)
            return rec.har()
        finally:
            await rec.aclose()

    monkeypatch.setenv("KEYPICK_DATA_DIR", str(tmp_path / "data"))
    har = tmp_path / "profiles.har"
    har.write_text(json.dumps(asyncio.run(record()), ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(har)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["recognised"] == {"douyin creator_posts": 1, "tieba creator_posts": 1, "zhihu creator_posts": 1}
    assert report["posts"] == 18 + 20 + 20 and report["skipped"] == 0
