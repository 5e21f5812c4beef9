"""XiaohongshuAdapter.author_posts over httpx.MockTransport: the user_posted request it signs and sends, its
cursor, and the feed call that completes a listed note with that note's own token and source. The list answers
are real search sample items under the documented user_posted fields (no capture of the list exists)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from keypick.exceptions import DataFetchError, RiskControl, VerificationRequired
from keypick.sandbox.xiaohongshu import signature_problem
from tests.platforms.xiaohongshu.mock_platform import MakeAdapter, adapter_factory, ok_json
from tests.platforms.xiaohongshu.payloads import A1, FETCHED_AT, sample

NOW_MS = int(FETCHED_AT.timestamp() * 1000)
USER = "3600bc5f000000000b09828e"
USER_TOKEN = "ABqjFwQVaCC0slr7d99ZozueVfzG8oe1ejkMCBR85O034="
LINK = (
    f"https://www.xiaohongshu.com/user/profile/{USER}?xsec_token={USER_TOKEN.replace('=', '%3D')}&xsec_source=pc_note"
)


@pytest.fixture
async def make_adapter() -> AsyncIterator[MakeAdapter]:
    async with adapter_factory() as build:
        yield build


def listed(cursor: str | None = None, has_more: bool = True) -> dict[str, Any]:
    """A user_posted answer of the 9 notes of search_notes-2, listed with xsec_source pc_user."""
    notes = []
    for item in sample("search_notes-2")["data"]["items"]:
        if item["model_type"] == "note":
            card = item["note_card"]
            note = {"note_id": item["id"], "xsec_token": item["xsec_token"], "xsec_source": "pc_user",
                    "type": card["type"], "user": card["user"], "interact_info": card["interact_info"],
                    "cover": card["cover"]}  # fmt: skip
            if "display_title" in card:
                note["display_title"] = card["display_title"]
            notes.append(note)
    last = notes[-1]["note_id"] if cursor is None else cursor
    return {"code": 0, "success": True, "msg": "成功", "data": {"notes": notes, "cursor": last, "has_more": has_more}}


async def test_first_page_request_is_signed_over_the_exact_query(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(listed()))
    page = await adapter.author_posts(LINK, cursor=None)
    request = rec.last
    assert (request.method, request.url.host, request.url.path) == ("GET", "edith.xiaohongshu.com",
                                                                     "/api/sns/web/v1/user_posted")  # fmt: skip
    assert request.url.query.decode() == (
        f"num=30&cursor=&user_id={USER}&image_formats=jpg,webp,avif&xsec_token={USER_TOKEN.replace('=', '%3D')}"
        "&xsec_source=pc_feed"
    )  # insertion order, commas literal: the bytes that were signed
    assert signature_problem(request.headers, request.url.raw_path.decode(), A1, NOW_MS) is None
    assert len(page.posts) == 9 and page.skipped == 0
    assert page.next_cursor == {"cursor": page.posts[-1].id}
    assert all(p.platform_data["xsec_source"] == "pc_user" for p in page.posts)


async def test_cursor_chaining_and_the_end(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(listed()), ok_json(listed(cursor="stuck")), ok_json(listed(has_more=False)))
    first = await adapter.author_posts(USER, cursor=None)
    assert rec.params(0)["xsec_token"] == "" and rec.params(0)["user_id"] == USER  # a bare id has no token
    assert (await adapter.author_posts(USER, cursor={"cursor": "stuck"})).next_cursor is None  # did not move
    assert (await adapter.author_posts(USER, cursor=first.next_cursor)).next_cursor is None  # has_more false
    assert rec.params(2)["cursor"] == first.posts[-1].id


async def test_complete_sends_the_notes_own_token_and_source(make_adapter: MakeAdapter) -> None:
    feed = sample("feed-2")  # feed-2 is the note of search_notes-2's first item
    adapter, rec = make_adapter(ok_json(listed()), ok_json(feed))
    note = (await adapter.author_posts(USER, cursor=None)).posts[0]
    done = await adapter.complete(note)
    body = rec.body(1)
    assert body["source_note_id"] == note.id == done.id
    item = sample("search_notes-2")["data"]["items"][0]
    assert (body["xsec_token"], body["xsec_source"]) == (item["xsec_token"], "pc_user")
    assert done.platform_data["detail"] == "feed" and done.publish_time is not None


async def test_bad_keyword_and_risk_answers(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json({"code": 300011, "success": False, "msg": "当前账号存在异常"}))
    with pytest.raises(DataFetchError, match="neither a Xiaohongshu user id"):
        await adapter.author_posts("not-a-user", cursor=None)
    assert rec.requests == []
    with pytest.raises(RiskControl):
        await adapter.author_posts(USER, cursor=None)
    verify = httpx.Response(461, headers={"Verifytype": "102", "Verifyuuid": "x"})
    adapter, _ = make_adapter(verify)
    with pytest.raises(VerificationRequired, match="HTTP 461"):
        await adapter.author_posts(USER, cursor=None)
