"""KuaishouAdapter over httpx.MockTransport with the real PlatformHttp + Slot and a fake page signer.

No real Kuaishou capture exists: answers are the sandbox's reshaping of the real douyin samples
(kuaishou_data.py). Error mapping: test_client_errors.py.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from keypick.browser.scripts import KS_FIND_REALM_JS
from keypick.exceptions import ConfigError, DataFetchError, RateLimited
from keypick.platforms.base import SearchOptions
from keypick.platforms.kuaishou.constants import FALLBACK_USER_AGENT
from keypick.platforms.kuaishou.parsers import parse_search_page
from tests.platforms.kuaishou.mock_platform import BROWSER_UA, COOKIE, adapter_factory, ok_json
from tests.platforms.kuaishou.payloads import (
    FETCHED_AT,
    KEYWORD,
    real_user_id,
    reshaped_profile_feed,
    reshaped_search,
    sandbox_data,
)

SEARCH_URL = "https://www.kuaishou.com/rest/v/search/feed"
PROFILE_URL = "https://www.kuaishou.com/rest/v/profile/feed"


async def test_search_is_signed_by_the_page_and_sends_the_signed_bytes() -> None:
    page1, page2 = reshaped_search(), reshaped_search(page=2)
    async with adapter_factory() as build:
        adapter, recorder, signer = build(ok_json(page1), ok_json(page2))
        first = await adapter.search(KEYWORD, cursor=None, options=SearchOptions())
        second = await adapter.search(KEYWORD, cursor=first.next_cursor, options=SearchOptions())
    assert len(first.posts) == 20 and first.skipped == 1 and len(second.posts) == 20
    sid = page1["searchSessionId"]
    assert first.next_cursor == {"pcursor": "2", "search_session_id": sid}
    expected = [{"keyword": KEYWORD, "pcursor": "1", "page": "search", "searchSessionId": ""},
                {"keyword": KEYWORD, "pcursor": "2", "page": "search", "searchSessionId": sid}]  # fmt: skip
    for index, (request, body) in enumerate(zip(recorder.requests, expected, strict=True), start=1):
        assert request.method == "POST" and str(request.url).split("?")[0] == SEARCH_URL
        assert request.url.query.decode() == f"__NS_hxfalcon=sig-{index}&caver=2"
        # The bytes sent are the compact JSON the page signed (key order kept, Chinese unescaped).
        assert request.content == json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        assert request.headers["content-type"] == "application/json;charset=UTF-8"
        assert request.headers["user-agent"] == BROWSER_UA and request.headers["cookie"] == COOKIE
        assert request.headers["origin"] == "https://www.kuaishou.com"
    for call, body in zip(signer.signs, expected, strict=True):
        assert call["page_url"] == "https://www.kuaishou.com/?isHome=1"
        assert call["init_script"] == KS_FIND_REALM_JS and call["cookies"] == COOKIE
        assert call["arg"]["url"] == "/rest/v/search/feed" and call["arg"]["requestBody"] == body
        assert call["arg"]["query"] == {"caver": 2} and call["arg"]["form"] == {}
    # The browser's UA is asked once, on the same page and context as the signer.
    (ua_call,) = [c for c in signer.calls if c not in signer.signs]
    assert ua_call["init_script"] == KS_FIND_REALM_JS and ua_call["page_url"] == "https://www.kuaishou.com/?isHome=1"


async def test_sandbox_routes_the_signing_page_and_the_api() -> None:
    async with adapter_factory() as build:
        adapter, recorder, signer = build(ok_json(reshaped_search()), sandbox_url="http://127.0.0.1:9")
        await adapter.search(KEYWORD, cursor=None, options=SearchOptions())
    assert {c["page_url"] for c in signer.calls} == {"http://127.0.0.1:9/www.kuaishou.com/?isHome=1"}
    assert str(recorder.requests[0].url).startswith("http://127.0.0.1:9/www.kuaishou.com/rest/v/search/feed?")


async def test_last_page_has_no_next_cursor() -> None:
    async with adapter_factory() as build:
        adapter, _, _ = build(ok_json(reshaped_search() | {"pcursor": "no_more"}))
        page = await adapter.search(KEYWORD, cursor={"pcursor": "5", "search_session_id": "s"}, options=SearchOptions())
    assert page.next_cursor is None and len(page.posts) == 20
    assert not adapter.time_ordered(SearchOptions())  # relevance order: no time-window stop


async def test_complete_fetches_the_detail_only_for_a_card_without_time() -> None:
    search = reshaped_search()
    posts = parse_search_page(search, fetched_at=FETCHED_AT).posts
    bare = next(p for p in posts if p.publish_time is None).model_copy(update={"task_id": "t1"})
    timed = next(p for p in posts if p.publish_time is not None)
    detail = {"data": {"visionVideoDetail": _sandbox_detail(bare.id)}}
    async with adapter_factory() as build:
        adapter, recorder, signer = build(ok_json(detail))
        assert await adapter.complete(timed) is timed
        assert recorder.requests == []
        full = await adapter.complete(bare)
    assert full.publish_time is not None and full.task_id == "t1" and full.platform_data["from_detail"] is True
    body = recorder.body()
    assert body["operationName"] == "visionVideoDetail" and body["variables"] == {"photoId": bare.id, "page": "search"}
    assert "visionVideoDetail(" in body["query"]
    assert recorder.requests[0].url.query == b"" and signer.signs == []  # GraphQL is unsigned


def _sandbox_detail(photo_id: str) -> dict[str, Any]:
    """The full object the sandbox's detail gives for a video of the first search page (timestamp included)."""
    data = sandbox_data()
    data.feeds(KEYWORD, 1)
    found = data.detail(photo_id)
    assert found is not None and "timestamp" in found["photo"]
    return found


async def test_comments_page_through_roots_and_every_reply_page() -> None:
    data, photo = sandbox_data(), "3xcommentsphoto"

    def platform(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if request.url.path.endswith("/sublist"):
            root = data.root(body["photoId"], body["rootCommentId"])
            assert root is not None and isinstance(body["rootCommentId"], int)
            return ok_json({"result": 1, **(data.replies(photo, root, body["pcursor"]) or {})})
        page = data.comment_page(body["photoId"], body["pcursor"])
        assert page is not None
        return ok_json({"result": 1, **data.comments(photo, page)})

    post = parse_search_page(reshaped_search(), fetched_at=FETCHED_AT).posts[0].model_copy(update={"id": photo})
    async with adapter_factory() as build:
        adapter, recorder, signer = build(platform)
        comments, cursor, calls = [], None, 0
        while True:
            page = await adapter.comments(post, cursor=cursor)
            comments += page.comments
            calls += 1
            if page.next_cursor is None:
                break
            json.dumps(page.next_cursor)  # the cursor stays plain JSON
            cursor = page.next_cursor
    roots = [r for p in (1, 2, 3) for r in data.comments(photo, p)["rootCommentsV2"]]
    replies = sum(r["commentCount"] for r in roots)
    assert len(comments) == len(roots) + replies == len({c.comment_id for c in comments})
    assert sum(c.parent_id is None for c in comments) == len(roots)
    by_id = {c.comment_id: c for c in comments}
    assert all(c.parent_id in by_id and by_id[c.parent_id].parent_id is None for c in comments if c.parent_id)
    assert calls == len(recorder.requests) and signer.signs == []  # comments are unsigned
    # Replies come right after their root page, before the next root page.
    paths = [r.url.path.rsplit("/", 1)[1] for r in recorder.requests]
    assert paths[0] == "list" and paths[1] == "sublist" and paths.count("list") == 3
    assert recorder.body(0) == {"photoId": photo, "pcursor": ""}


async def test_author_and_login_check() -> None:
    async with adapter_factory() as build:
        adapter, recorder, _ = build(
            ok_json({"data": {"visionProfile": {"result": 1, "userProfile": {
                "ownerCount": {"fan": 5, "follow": 6, "photo": 7, "photo_public": 7},
                "profile": {"user_id": "3xu1", "user_name": "名", "gender": "F", "headurl": "https://h",
                            "user_text": "t"},
            }}}}),
            ok_json({"data": {"visionProfileUserList": {"result": 1, "pcursor": "no_more"}}}),
            ok_json({"result": 109, "error_msg": "请先登录"}),
        )  # fmt: skip
        author = await adapter.author("3xu1")
        assert author.nickname == "名" and author.gender == "female" and author.followers == 5
        assert recorder.body(0)["variables"] == {"userId": "3xu1"}
        assert await adapter.check_login() is True
        assert recorder.body(1)["operationName"] == "visionProfileUserList"
        assert await adapter.check_login() is False
        no_cookie, _, _ = build(cookie=None)
        assert await no_cookie.check_login() is None


async def test_without_a_browser_search_says_what_to_install() -> None:
    async with adapter_factory() as build:
        no_comments = {"result": 1, "rootCommentsV2": [], "pcursorV2": "no_more"}
        adapter, recorder, _ = build(ok_json(no_comments), browser=False)
        with pytest.raises(ConfigError, match=r"keypick\[browser\]"):
            await adapter.search(KEYWORD, cursor=None, options=SearchOptions())
        assert recorder.requests == []
        post = parse_search_page(reshaped_search(), fetched_at=FETCHED_AT).posts[0]
        page = await adapter.comments(post, cursor=None)  # unsigned: works, with a desktop UA
    assert page.comments == [] and recorder.requests[0].headers["user-agent"] == FALLBACK_USER_AGENT


async def test_an_empty_signature_is_a_clear_error() -> None:
    async with adapter_factory() as build:
        adapter, recorder, signer = build(ok_json(reshaped_search()))
        signer.signature = ""
        with pytest.raises(DataFetchError, match="signer returned"):
            await adapter.search(KEYWORD, cursor=None, options=SearchOptions())
    assert recorder.requests == []


async def test_author_posts_are_signed_by_the_page_and_follow_the_pcursor() -> None:
    user_id, _ = real_user_id()
    data = sandbox_data()
    page1 = reshaped_profile_feed(user_id, 1, pcursor=data.profile_cursor(user_id, 2), data=data)
    page2 = reshaped_profile_feed(user_id, 2, pcursor="no_more", data=data)
    async with adapter_factory() as build:
        adapter, recorder, signer = build(ok_json(page1), ok_json(page2))
        first = await adapter.author_posts(user_id, cursor=None)
        second = await adapter.author_posts(user_id, cursor=first.next_cursor)
    assert len(first.posts) == 20 and {p.author_id for p in first.posts} == {user_id}
    assert first.next_cursor == {"pcursor": page1["pcursor"]} and second.next_cursor is None
    expected = [{"user_id": user_id, "pcursor": "", "page": "profile"},
                {"user_id": user_id, "pcursor": page1["pcursor"], "page": "profile"}]  # fmt: skip
    for index, (request, body) in enumerate(zip(recorder.requests, expected, strict=True), start=1):
        assert request.method == "POST" and str(request.url).split("?")[0] == PROFILE_URL
        assert request.url.query.decode() == f"__NS_hxfalcon=sig-{index}&caver=2"
        assert request.content == json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        assert request.headers["cookie"] == COOKIE and request.headers["user-agent"] == BROWSER_UA
    # One fresh signature per request, each of its own path and body.
    assert [(c["arg"]["url"], c["arg"]["requestBody"]) for c in signer.signs] == [
        ("/rest/v/profile/feed", body) for body in expected
    ]


async def test_author_posts_stop_on_a_pcursor_that_does_not_move() -> None:
    user_id, _ = real_user_id()
    async with adapter_factory() as build:
        adapter, _, _ = build(ok_json(reshaped_profile_feed(user_id, pcursor="same")))
        page = await adapter.author_posts(user_id, cursor={"pcursor": "same"})
    assert len(page.posts) == 20 and page.next_cursor is None


async def test_author_posts_rate_limit_is_retried_then_raised() -> None:
    user_id, _ = real_user_id()
    async with adapter_factory() as build:
        adapter, recorder, signer = build(ok_json({"result": 2}), max_retries=2)
        with pytest.raises(RateLimited) as caught:
            await adapter.author_posts(user_id, cursor=None)
    assert caught.value.endpoint == "creator_posts" and len(recorder.requests) == 3
    assert len(signer.signs) == 1  # signed once per call, before PlatformHttp's retries (as search)
