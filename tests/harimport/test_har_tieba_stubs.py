"""A Tieba user's thread list (myThread) gives stubs without text; the thread's page_pc in the same HAR
completes its stub whichever entry comes first, and a later list never empties a thread stored in full.

Both answers are real signed sandbox requests recorded as a browser saves them (creator_har.py,
sandbox_har.py); no capture of either exists, the sandbox serves the real sample posts with the user as
author. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from keypick.content.models import AuthorRow, PostRow
from keypick.harimport.service import NO_KEYWORD
from keypick.platforms import registry

from . import creator_har as ch
from .sandbox_har import ANCHOR, Recorder, as_utc


async def _import(client: Any, *entries: dict[str, Any]) -> dict[str, Any]:
    har = {"log": {"version": "1.2", "entries": list(entries)}}
    response = await client.http.post("/api/import/har", content=json.dumps(har, ensure_ascii=False).encode(),
                                      headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


async def _rows(client: Any) -> dict[str, tuple[Any, ...]]:
    async with client.app.state.runtime.sessions() as session:
        rows = await session.scalars(select(PostRow).where(PostRow.platform == "tieba"))
        return {r.platform_post_id: (r.pk, r.title, r.content, r.author_id, r.author_name, r.comments, r.publish_time,
                                     r.platform_data) for r in rows}  # fmt: skip


async def _nickname(client: Any) -> str | None:
    async with client.app.state.runtime.sessions() as session:
        mine = (AuthorRow.platform == "tieba", AuthorRow.platform_author_id == ch.TIEBA_PORTRAIT)
        row = await session.scalar(select(AuthorRow).where(*mine))
        assert row is not None
        return row.nickname


async def _units(client: Any, task_id: str) -> dict[str, int]:
    status = (await client.http.get(f"/api/crawl/status/{task_id}")).json()
    return {u["keyword"]: u["new_items"] for u in status["units"]}


@pytest.mark.parametrize("page_first", [False, True], ids=["list_then_page", "page_then_list"])
async def test_a_stub_and_its_page_pc_end_as_the_full_thread(api: Any, database_url: str, page_first: bool) -> None:
    rec = Recorder()
    try:
        listing = (await ch.tieba_threads(rec)).json()
        tids = [str(t["thread_info"]["tid"]) for t in listing["data"]["list"]]
        page = await rec.page_pc(tids[0])
    finally:
        await rec.aclose()
    list_entry, page_entry = rec.entries
    (full,) = registry.parse_raw("tieba", "detail", page, fetched_at=ANCHOR)  # the thread as page_pc alone gives it
    assert full.content and full.author == "用户甲" and full.author_id == ch.TIEBA_PORTRAIT

    async with api(workers=0, database_url=database_url) as client:
        order = (page_entry, list_entry) if page_first else (list_entry, page_entry)
        report = await _import(client, *order)
        assert report["recognised"] == {"tieba creator_posts": 1, "tieba detail": 1} and report["skipped"] == 0
        assert report["posts"] == len(tids) == 20 and report["comments"] > 0
        rows = await _rows(client)
        assert set(rows) == set(tids)
        _, title, content, author_id, author, comments, published, data = rows[tids[0]]
        assert (title, content, author_id, author, comments) == (full.title, full.content, ch.TIEBA_PORTRAIT,
                                                                 "用户甲", full.comments)  # fmt: skip
        assert published == full.publish_time and data["forum_id"] == full.platform_data["forum_id"]
        assert "content_is_snippet" not in data
        for tid in tids[1:]:  # the others stay stubs until a crawl (or their page_pc) completes them
            _, title, content, author_id, _, _, published, data = rows[tid]
            assert content == "" and data["content_is_snippet"] is True and title and published
            assert author_id == ch.TIEBA_PORTRAIT
        # The profile keeps the page_pc's nickname, though 19 stubs name the same user without one.
        assert await _nickname(client) == "用户甲"
        assert await _units(client, report["task_id"]) == {ch.TIEBA_PORTRAIT: 20, NO_KEYWORD: 1}

        # The list alone, later: the stored full thread is not emptied by its stub; the unit still lists it.
        later = await _import(client, list_entry)
        assert later["recognised"] == {"tieba creator_posts": 1} and later["posts"] == 20
        assert await _rows(client) == rows and await _nickname(client) == "用户甲"
        assert await _units(client, later["task_id"]) == {ch.TIEBA_PORTRAIT: 20}
        results = (await client.http.get(f"/api/crawl/task/{later['task_id']}/results",
                                         params={"keyword": ch.TIEBA_PORTRAIT, "page_size": 50})).json()  # fmt: skip
        by_id = {r["id"]: r for r in results["results"]}
        assert set(by_id) == set(tids) and by_id[tids[0]]["content"] == full.content
        async with client.app.state.runtime.sessions() as session:
            first_seen = await session.scalar(select(PostRow.first_seen_at).where(PostRow.pk == rows[tids[0]][0]))
        assert first_seen == as_utc(ANCHOR)  # when the browser received the answers
