"""HAR import of reply pages that do not name their post by itself: Zhihu child_comment (the URL names the
root comment only) and Tieba 楼中楼 (/p/comment, thread and floor in the query); per-platform post lookup;
re-imports that change nothing. Every HAR entry is a real sandbox request recorded as a browser saves it
(tests/harimport/sandbox_har.py), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from keypick.cli.main import app as cli
from keypick.content import service as content_service
from keypick.content.models import CommentRow, PostRow
from keypick.db import utcnow
from keypick.harimport.service import NO_POST, NO_ROOT
from keypick.platforms import registry
from keypick.platforms.tieba.parsers import parse_search_html
from tests.samples import load_sample

from .sandbox_har import ANCHOR, Recorder, as_utc, child_path, next_offset, root_path, zhihu_search_params
from .test_har_import import TIMELINE_POST, _entry, _text

ROOT_QUERY = {"order": "score", "offset": "", "limit": 10}
CHILD_QUERY = {"order": "sort", "offset": "", "limit": 10}


@pytest.fixture
async def recorder() -> AsyncIterator[Recorder]:
    """A sandbox recorder (fixed seed and anchor)."""
    rec = Recorder()
    yield rec
    await rec.aclose()


async def _import(client: Any, har: dict[str, Any]) -> dict[str, Any]:
    response = await client.http.post("/api/import/har", content=json.dumps(har, ensure_ascii=False).encode(),
                                      headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    # Every entry is accounted for once: recognised (something stored) or skipped (with its reason).
    assert report["entries"] == sum(report["recognised"].values()) + report["skipped"], report
    return report


async def _comments(client: Any, platform: str) -> set[tuple[str, str, int, str | None, str | None]]:
    async with client.app.state.runtime.sessions() as session:
        rows = await session.scalars(select(CommentRow).where(CommentRow.platform == platform))
        return {(r.platform_comment_id, r.platform_post_id, r.post_pk, r.parent_comment_id,
                 r.platform_data.get("root_id")) for r in rows}  # fmt: skip


async def _post_pks(client: Any) -> dict[tuple[str, str], int]:
    async with client.app.state.runtime.sessions() as session:
        rows = await session.execute(select(PostRow.platform, PostRow.platform_post_id, PostRow.pk))
        return {(platform, pid): pk for platform, pid, pk in rows.all()}


async def _counts(client: Any) -> tuple[int, int]:
    async with client.app.state.runtime.sessions() as session:
        posts = await session.scalar(select(func.count()).select_from(PostRow))
        comments = await session.scalar(select(func.count()).select_from(CommentRow))
    return int(posts or 0), int(comments or 0)


async def _zhihu_answers(rec: Recorder, *, record: bool = True) -> list[dict[str, Any]]:
    payload = await rec.zhihu("/api/v4/search_v3", zhihu_search_params("咖啡"), record=record)
    return [
        i["object"] for i in payload["data"] if i.get("type") == "search_result" and i["object"]["type"] == "answer"
    ]


async def test_zhihu_child_comments_find_their_post_through_the_root(
    api: Any, database_url: str, recorder: Recorder
) -> None:
    answer, other = (await _zhihu_answers(recorder))[:2]
    roots = await recorder.zhihu(root_path(answer["id"]), ROOT_QUERY)
    search_entry, root_entry = recorder.entries
    big = next(r for r in roots["data"] if r["child_comment_count"] > 10)  # two child pages
    small = next(r for r in roots["data"] if 0 < r["child_comment_count"] <= 10)
    first = await recorder.zhihu(child_path(big["id"]), CHILD_QUERY)
    second = await recorder.zhihu(child_path(big["id"]), CHILD_QUERY | {"offset": next_offset(first)})
    assert second["paging"]["is_end"] is True
    child_entries = recorder.entries[2:]
    await recorder.zhihu(child_path(small["id"]), CHILD_QUERY)
    later_entry = recorder.entries[-1]
    # A root of another answer: its root page is fetched (the sandbox only knows roots it served) but not saved.
    stranger = (await recorder.zhihu(root_path(other["id"]), ROOT_QUERY, record=False))["data"]
    await recorder.zhihu(child_path(next(r for r in stranger if r["child_comment_count"])["id"]), CHILD_QUERY)
    unknown_entry = recorder.entries[-1]
    children = {c["id"]: c for c in first["data"] + second["data"]}
    assert len(children) == big["child_comment_count"]

    async with api(workers=0, database_url=database_url) as client:
        # The child pages come before their root page in the file: order does not matter.
        har = recorder.har(*child_entries, search_entry, root_entry)
        report = await _import(client, har)
        assert report["recognised"] == {"zhihu search": 1, "zhihu comments": 1, "zhihu replies": 2}, report
        assert report["skipped"] == 0 and report["comments"] == len(roots["data"]) + len(children)
        pk = (await _post_pks(client))[("zhihu", answer["id"])]
        stored = {row[0]: row for row in await _comments(client, "zhihu")}
        for cid, raw in children.items():
            _, post_id, post_pk, parent, root = stored[cid]
            assert (post_id, post_pk, root) == (answer["id"], pk, big["id"])
            # The parser's parent is the comment answered: the root, or a reply of the same root.
            assert parent == raw["reply_comment_id"] and parent in {big["id"], *children}
        assert sum(stored[cid][3] == big["id"] for cid in children) >= len(children) // 2
        assert all(stored[r["id"]][3] is None for r in roots["data"])

        # Later: a child page whose root is only in the database, from the import above.
        later = await _import(client, recorder.har(later_entry))
        assert later["recognised"] == {"zhihu replies": 1} and later["comments"] == small["child_comment_count"]
        rows = await _comments(client, "zhihu")
        mine = {row for row in rows if row[4] == small["id"]}
        assert len(mine) == small["child_comment_count"] and {row[1:4] for row in mine} == {(answer["id"], pk,
                                                                                            small["id"])}  # fmt: skip

        # A child page whose root is nowhere: skipped with the reason, nothing stored, no task.
        unknown = await _import(client, recorder.har(unknown_entry))
        assert unknown["skipped"] == 1 and unknown["skipped_reasons"] == {f"zhihu replies: {NO_ROOT}": 1}
        assert unknown["task_id"] is None and unknown["skipped_examples"][0]["url"].startswith(
            "https://www.zhihu.com/api/v4/comment_v5/comment/"
        )
        assert await _comments(client, "zhihu") == rows

        # Importing the first HAR again changes no row and reports the same counts.
        before = await _counts(client)
        again = await _import(client, har)
        assert {k: again[k] for k in ("recognised", "posts", "comments", "skipped")} == {
            k: report[k] for k in ("recognised", "posts", "comments", "skipped")
        }
        assert await _counts(client) == before and await _comments(client, "zhihu") == rows


async def test_tieba_search_thread_and_sub_replies(api: Any, database_url: str, recorder: Recorder) -> None:
    html = (await recorder.tieba_get("/f/search/res", {"qw": "咖啡", "pn": 1})).text
    threads = parse_search_html(html, fetched_at=ANCHOR).posts
    tid = threads[0].id
    page = await recorder.page_pc(tid)
    fid = page["forum"]["id"]
    big = next(f for f in page["post_list"] if f["sub_post_number"] > 10)
    small = next(f for f in page["post_list"] if 0 < f["sub_post_number"] <= 10)
    lzl = {"tid": tid, "fid": fid}
    for floor, pages in ((big, 3), (small, 1)):  # big's third page is past the end: empty
        for pn in range(1, pages + 1):
            await recorder.tieba_get("/p/comment", lzl | {"pid": floor["id"], "pn": pn})
    # 楼中楼 of a thread that is nowhere in this HAR nor stored: search page 2 and its page_pc are not saved.
    html_2 = (await recorder.tieba_get("/f/search/res", {"qw": "咖啡", "pn": 2}, record=False)).text
    other = parse_search_html(html_2, fetched_at=ANCHOR).posts[0].id
    elsewhere = await recorder.page_pc(other, record=False)
    floor = next(f for f in elsewhere["post_list"] if f["sub_post_number"])
    await recorder.tieba_get("/p/comment", {"tid": other, "fid": elsewhere["forum"]["id"], "pid": floor["id"], "pn": 1})
    await recorder.tieba_get("/p/comment", lzl | {"pn": 1})  # no pid: whose replies would they be?
    entries = recorder.entries

    async with api(workers=0, database_url=database_url) as client:
        report = await _import(client, recorder.har(*entries))
        assert report["recognised"] == {"tieba search": 1, "tieba detail": 1, "tieba replies": 3}, report
        assert report["skipped_reasons"] == {
            "tieba replies: nothing to store in the response (an empty page)": 1,
            f"tieba replies: {NO_POST}": 1,
            "tieba replies page without pid in its URL": 1,
        }
        floors = [f for f in page["post_list"] if f["floor"] != 1]  # floor 1 is the thread itself
        subs = big["sub_post_number"] + small["sub_post_number"]
        assert report["comments"] == len(floors) + subs
        pk = (await _post_pks(client))[("tieba", tid)]
        rows = await _comments(client, "tieba")
        assert {r[1:3] for r in rows} == {(tid, pk)}
        by_parent: dict[str | None, int] = {}
        for row in rows:
            by_parent[row[3]] = by_parent.get(row[3], 0) + 1
        assert by_parent == {None: len(floors), str(big["id"]): big["sub_post_number"],
                             str(small["id"]): small["sub_post_number"]}  # fmt: skip
        assert {r[0] for r in rows if r[3] is None} == {str(f["id"]) for f in floors}
        async with client.app.state.runtime.sessions() as session:
            post = await session.scalar(select(PostRow).where(PostRow.pk == pk))
            assert post is not None and post.first_seen_at == as_utc(ANCHOR)  # when the browser saw it
        status = (await client.http.get(f"/api/crawl/status/{report['task_id']}")).json()
        assert status["keywords"] == ["咖啡"]

        before = await _counts(client)
        again = await _import(client, recorder.har(*entries))
        assert again["comments"] == report["comments"] and again["posts"] == report["posts"]
        assert again["skipped_reasons"] == report["skipped_reasons"]
        assert await _counts(client) == before and await _comments(client, "tieba") == rows


async def test_post_ids_are_looked_up_per_platform(api: Any, database_url: str, recorder: Recorder) -> None:
    answer = (await _zhihu_answers(recorder))[0]
    await recorder.zhihu(root_path(answer["id"]), ROOT_QUERY)
    search_entry, root_entry = recorder.entries
    # A collision made on purpose: the real Weibo timeline post stored under the Zhihu answer's id.
    weibo = registry.parse_raw("weibo", "search", load_sample("weibo", "getindex_user_timeline-1.json"))[0]
    async with api(workers=0, database_url=database_url) as client:
        async with client.app.state.runtime.sessions() as session:
            await content_service.upsert_posts(session, [weibo.model_copy(update={"id": answer["id"]})], now=utcnow())
            await session.commit()
        # Zhihu comments of that id: the Weibo post is not theirs.
        orphan = await _import(client, recorder.har(root_entry))
        assert orphan["skipped_reasons"] == {f"zhihu comments: {NO_POST}": 1} and orphan["task_id"] is None
        assert await _comments(client, "zhihu") == set()
        # Once the Zhihu answer is stored, its comments go to it, not to the Weibo post of the same id.
        await _import(client, recorder.har(search_entry))
        report = await _import(client, recorder.har(root_entry))
        assert report["recognised"] == {"zhihu comments": 1} and report["comments"] == 10
        pks = await _post_pks(client)
        assert pks[("zhihu", answer["id"])] != pks[("weibo", answer["id"])]
        assert {row[2] for row in await _comments(client, "zhihu")} == {pks[("zhihu", answer["id"])]}

        # Within one HAR too: a Zhihu answer whose id is rewritten to the Weibo post's, beside that post.
        search = json.loads(search_entry["response"]["content"]["text"])
        obj = next(i["object"] for i in search["data"] if i.get("object", {}).get("id") == answer["id"])
        obj["id"] = TIMELINE_POST
        clash = {**search_entry, "response": {"status": 200, "content": {"text": json.dumps(search)}}}
        wb = "https://m.weibo.cn"
        both = await _import(client, recorder.har(
            clash,
            _entry(f"{wb}/api/container/getIndex?containerid=1076031331994986", _text("weibo",
                                                                                      "getindex_user_timeline-1.json")),
            _entry(f"{wb}/comments/hotflow?id={TIMELINE_POST}&mid={TIMELINE_POST}", _text("weibo", "hotflow-1.json")),
        ))  # fmt: skip
        assert both["recognised"] == {"zhihu search": 1, "weibo search": 1, "weibo comments": 1}, both
        pks = await _post_pks(client)
        weibo_pk, zhihu_pk = pks[("weibo", TIMELINE_POST)], pks[("zhihu", TIMELINE_POST)]
        assert weibo_pk != zhihu_pk
        async with client.app.state.runtime.sessions() as session:
            on_weibo = await session.scalar(select(func.count()).where(CommentRow.post_pk == weibo_pk))
            on_zhihu = await session.scalar(select(func.count()).where(CommentRow.post_pk == zhihu_pk))
        assert on_weibo == both["comments"] > 0 and on_zhihu == 0


def test_cli_reports_the_reply_kinds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async def record() -> dict[str, Any]:
        rec = Recorder()
        try:
            answer = (await _zhihu_answers(rec))[0]
            roots = (await rec.zhihu(root_path(answer["id"]), ROOT_QUERY))["data"]
            await rec.zhihu(child_path(next(r for r in roots if r["child_comment_count"])["id"]), CHILD_QUERY)
            # A root the sandbox served but this HAR never saw: its replies cannot be placed.
            other = (await _zhihu_answers(rec, record=False))[1]
            stranger = (await rec.zhihu(root_path(other["id"]), ROOT_QUERY, record=False))["data"]
            await rec.zhihu(child_path(next(r for r in stranger if r["child_comment_count"])["id"]), CHILD_QUERY)
            html = (await rec.tieba_get("/f/search/res", {"qw": "咖啡", "pn": 1})).text
            page = await rec.page_pc(parse_search_html(html, fetched_at=ANCHOR).posts[0].id)
            floor = next(f for f in page["post_list"] if f["sub_post_number"])
            await rec.tieba_get("/p/comment", {"tid": page["thread"]["id"], "fid": page["forum"]["id"],
                                               "pid": floor["id"], "pn": 1})  # fmt: skip
            return rec.har()
        finally:
            await rec.aclose()

    monkeypatch.setenv("KEYPICK_DATA_DIR", str(tmp_path / "data"))
    har = tmp_path / "replies.har"
    har.write_text(json.dumps(asyncio.run(record()), ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(har)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["recognised"] == {"zhihu search": 1, "zhihu comments": 1, "zhihu replies": 1, "tieba search": 1,
                                    "tieba detail": 1, "tieba replies": 1}  # fmt: skip
    assert report["skipped_reasons"] == {f"zhihu replies: {NO_ROOT}": 1} and report["comments_skipped"] == 0
