"""The Xiaohongshu replay over HTTP (in process): search, feed, comments, replies, pages, checks, risk answers.

Requests are built and signed by the adapter's own signing module (xhshow), with the real clock:
the replay checks X-T against its wall clock and decodes X-S.
"""

from __future__ import annotations

import itertools
import json
import time
from datetime import UTC, datetime
from typing import Any, Literal

import httpx
import pytest

from keypick.exceptions import DataFetchError
from keypick.platforms.xiaohongshu import parsers as xp
from keypick.platforms.xiaohongshu.signing import Signer, base_headers, encode_body, encode_query, make_search_id
from keypick.platforms.xiaohongshu.signing import parse_cookie as xp_cookie
from keypick.sandbox import create_sandbox_app

from .conftest import ANCHOR, make_client

API, WEB = "/edith.xiaohongshu.com", "/www.xiaohongshu.com"
SEARCH, FEED = "/api/sns/web/v1/search/notes", "/api/sns/web/v1/feed"
COMMENTS, SUB = "/api/sns/web/v2/comment/page", "/api/sns/web/v2/comment/sub/page"
A1 = "19a3c2b1e4fcafebabe1234567890abcdef1234567890abcdef"
COOKIE = f"a1={A1}; webId=0123456789abcdef0123456789abcdef; web_session=040069b5f3c1e2d4a6b8c0d2e4f6a8b0"
SEARCH_ID = make_search_id(int(time.time() * 1000), 7)
_SIGNER = Signer()


async def call(
    client: httpx.AsyncClient, method: Literal["GET", "POST"], path: str, data: dict[str, Any], *,
    cookie: str = COOKIE, signed_for: str | None = None, content: bytes | None = None, drop: tuple[str, ...] = (),
    **extra: str,
) -> httpx.Response:  # fmt: skip
    """Send a call signed as the adapter does (for `signed_for`, else `cookie`); `content` replaces the signed body."""
    headers = base_headers(user_agent="Mozilla/5.0 test", cookie=cookie, json_body=method == "POST")
    cookies = {"a1": A1} | xp_cookie(signed_for or cookie)
    headers |= _SIGNER.sign(method, path, cookies=cookies, data=data, timestamp=time.time())
    headers |= extra
    for name in drop:
        headers.pop(name, None)
    if method == "GET":
        return await client.get(f"{API}{path}?{encode_query(data)}", headers=headers)
    return await client.post(f"{API}{path}", content=content or encode_body(data), headers=headers)


def search_body(keyword: str, page: int = 1, **changes: Any) -> dict[str, Any]:
    """The search body the adapter sends."""
    body = {"keyword": keyword, "page": page, "page_size": 20, "search_id": SEARCH_ID, "sort": "general",
            "note_type": 0}  # fmt: skip
    return body | changes


async def search(client: httpx.AsyncClient, keyword: str, page: int = 1) -> dict[str, Any]:
    response = await call(client, "POST", SEARCH, search_body(keyword, page))
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()
    assert payload["success"] is True, payload
    return payload


def notes(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for i in payload["data"]["items"] if i["model_type"] == "note"]


def feed_body(item: dict[str, Any], token: str | None = None) -> dict[str, Any]:
    return {"source_note_id": item["id"], "image_formats": ["jpg", "webp", "avif"], "extra": {"need_body_topic": 1},
            "xsec_source": "pc_search", "xsec_token": item["xsec_token"] if token is None else token}  # fmt: skip


def comment_query(item: dict[str, Any], cursor: str = "") -> dict[str, Any]:
    return {"note_id": item["id"], "cursor": cursor, "top_comment_id": "", "image_formats": "jpg,webp,avif",
            "xsec_token": item["xsec_token"]}  # fmt: skip


def sub_query(item: dict[str, Any], root: str, cursor: str) -> dict[str, Any]:
    return {"note_id": item["id"], "root_comment_id": root, "num": "10", "cursor": cursor, "top_comment_id": "",
            "image_formats": "jpg,webp,avif", "xsec_token": item["xsec_token"]}  # fmt: skip


async def test_search_is_deterministic_and_seeded(client: httpx.AsyncClient) -> None:
    first = await call(client, "POST", SEARCH, search_body("咖啡", 2))
    again = await call(client, "POST", SEARCH, search_body("咖啡", 2))
    assert first.content == again.content
    async with make_client(create_sandbox_app(anchor=ANCHOR, seed="other")) as other:
        theirs = {i["id"] for i in notes(await search(other, "咖啡"))}
    assert not theirs & {i["id"] for i in notes(await search(client, "咖啡"))}


async def test_pages_keywords_ids_tokens_and_the_related_search_card(client: httpx.AsyncClient) -> None:
    seen: list[str] = []
    for keyword in ("咖啡", "手冲"):
        for page in range(1, 6):
            payload = await search(client, keyword, page)
            items = payload["data"]["items"]
            assert len(items) == (21 if page == 1 else 20)
            if page == 1:
                assert items[5]["model_type"] == "rec_query" and items[5]["rec_query"]["title"] == "相关搜索"
            seen += [i["id"] for i in notes(payload)]
            assert all(len(i["xsec_token"]) == 46 and i["xsec_token"].startswith("AB") for i in notes(payload))
    assert len(seen) == 200 == len(set(seen))
    assert all(len(i) == 24 and int(i, 16) >= 0 for i in seen)


async def test_paging_ends_with_has_more_false() -> None:
    async with make_client(create_sandbox_app(pages=2, anchor=ANCHOR)) as client:
        assert (await search(client, "咖啡"))["data"]["has_more"] is True
        last = await search(client, "咖啡", 2)
        assert last["data"]["has_more"] is False and len(notes(last)) == 20
        assert (await search(client, "咖啡", 3))["data"] == {"has_more": False, "items": []}
        assert (await search(client, "空空如也"))["data"] == {"has_more": False, "items": []}


async def test_newest_first_and_card_dates_agree_with_ids(client: httpx.AsyncClient) -> None:
    times, texts = [], []
    for page in range(1, 4):
        for item in notes(await search(client, "咖啡", page)):
            times.append(datetime.fromtimestamp(int(item["id"][:8], 16), tz=UTC))  # ObjectId-shaped ids
            texts.append(item["note_card"]["corner_tag_info"][0]["text"])
    assert all(a > b for a, b in itertools.pairwise(times))
    assert times[0] <= ANCHOR and (ANCHOR - times[-1]).days >= 2
    assert texts[0].endswith("分钟前") and any(t.endswith("小时前") for t in texts) and any("昨天" in t for t in texts)
    parsed = [p.publish_time for p in xp.parse_search_page(await search(client, "咖啡"), fetched_at=ANCHOR).posts]
    pairs = zip(parsed, times[:20], strict=True)
    assert all(p is not None and abs((p - t).total_seconds()) < 86400 for p, t in pairs)


async def test_keyword_is_in_titles_and_real_users_are_kept(client: httpx.AsyncClient) -> None:
    items = notes(await search(client, "手冲"))
    titled = [i for i in items if "display_title" in i["note_card"]]
    assert titled and len(titled) < len(items)  # some real items have no display_title
    assert all(i["note_card"]["display_title"].startswith("手冲｜") for i in titled)
    assert {i["note_card"]["user"]["nickname"] for i in items} <= {f"用户{c}" for c in "甲乙丙丁戊己庚辛壬"}


async def test_feed_carries_the_card_and_the_keyword(client: httpx.AsyncClient) -> None:
    items = notes(await search(client, "咖啡"))
    for item in items[:4]:
        response = await call(client, "POST", FEED, feed_body(item), **{"x-rap-param": "x"})
        post = xp.parse_feed(response.json(), fetched_at=ANCHOR)
        assert post is not None and post.id == item["id"]
        card = item["note_card"]
        assert post.author_id == card["user"]["user_id"] and str(post.likes) == card["interact_info"]["liked_count"]
        assert post.tags[0] == "咖啡" and "咖啡" in post.content + (post.title or "")
        assert post.publish_time == datetime.fromtimestamp(int(item["id"][:8], 16), tz=UTC)
        assert post.platform_data["note_type"] == card["type"]
        assert bool(post.videos) is (card["type"] == "video")


async def test_feed_needs_the_issued_token(client: httpx.AsyncClient) -> None:
    item = notes(await search(client, "咖啡"))[0]
    wrong = (await call(client, "POST", FEED, feed_body(item, token="ABwrong="))).json()
    assert (wrong["code"], wrong["success"], wrong["msg"]) == (-1, False, "访问链接异常")
    unknown = (await call(client, "POST", FEED, feed_body(item) | {"source_note_id": "6" * 24})).json()
    assert unknown["code"] == -510001 and unknown["success"] is False
    no_formats = {k: v for k, v in feed_body(item).items() if k != "image_formats"}
    assert "image_formats" in (await call(client, "POST", FEED, no_formats)).json()["msg"]


async def test_comment_pages_and_reply_pages_chain(client: httpx.AsyncClient) -> None:
    item = notes(await search(client, "咖啡"))[0]
    cursor, roots, pages = "", [], 0
    while True:
        data = (await call(client, "GET", COMMENTS, comment_query(item, cursor))).json()["data"]
        pages += 1
        roots += data["comments"]
        cursor = data["cursor"]
        if not data["has_more"]:
            break
    assert pages == 3 and len(roots) == 31 and len({r["id"] for r in roots}) == 31
    assert roots[0]["show_tags"] == ["is_author"]
    for root in roots:
        assert root["note_id"] == item["id"]
        assert all(s["target_comment"]["id"] == root["id"] for s in root["sub_comments"])
    root = next(r for r in roots if r["sub_comment_has_more"])
    first = (await call(client, "GET", SUB, sub_query(item, root["id"], root["sub_comment_cursor"]))).json()["data"]
    assert len(first["comments"]) == 5 and first["has_more"] is True
    targets = [c["target_comment"]["id"] for c in first["comments"]]
    assert targets == [root["id"], *[c["id"] for c in first["comments"][:-1]]]  # the real reply chain, re-pointed
    second = (await call(client, "GET", SUB, sub_query(item, root["id"], first["cursor"]))).json()["data"]
    assert len(second["comments"]) == 1 and second["has_more"] is False
    assert int(root["sub_comment_count"]) == len(root["sub_comments"]) + 6
    parsed = xp.parse_comments_page({"code": 0, "success": True, "data": first}, post_id=item["id"], root_id=root["id"],
                                 fetched_at=ANCHOR)  # fmt: skip
    assert {c.parent_id for c in parsed.comments} == {root["id"]}


async def test_bad_comment_cursors_and_missing_params(client: httpx.AsyncClient) -> None:
    item = notes(await search(client, "咖啡"))[0]
    bad = (await call(client, "GET", COMMENTS, comment_query(item, "66c993bc00000000150390e6"))).json()
    assert bad["code"] == -1 and "cursor" in bad["msg"]
    missing = {k: v for k, v in comment_query(item).items() if k != "top_comment_id"}
    assert "top_comment_id" in (await call(client, "GET", COMMENTS, missing)).json()["msg"]
    unknown_root = (await call(client, "GET", SUB, sub_query(item, "6" * 24, ""))).json()
    assert unknown_root["data"]["comments"] == [] and unknown_root["data"]["has_more"] is False


@pytest.mark.parametrize("cookie", ["", "webId=1", f"a1={A1}", "web_session=x"])
async def test_missing_login_cookies_answer_minus_101(client: httpx.AsyncClient, cookie: str) -> None:
    payload = (await call(client, "POST", SEARCH, search_body("咖啡"), cookie=cookie)).json()
    assert (payload["code"], payload["success"]) == (-101, False) and "登录" in payload["msg"]


@pytest.mark.parametrize(
    ("change", "needle"),
    [({"drop": ("X-S",)}, "required"), ({"drop": ("x-S-Common",)}, "required"),
     ({"X-T": "1700000000000"}, "within 5 minutes"), ({"X-S": "XYS_garbage"}, "decode"),
     ({"content": encode_body(search_body("拿铁"))}, "bytes sent"),  # signed for another keyword
     ({"content": json.dumps(search_body("咖啡"), ensure_ascii=False).encode()}, "bytes sent"),  # not compact
     ({"Content-Type": "text/plain"}, "Content-Type"), ({"signed_for": COOKIE.replace(A1, "x" * 52)}, "another a1")],
)  # fmt: skip
async def test_signature_and_body_checks(client: httpx.AsyncClient, change: dict[str, Any], needle: str) -> None:
    response = await call(client, "POST", SEARCH, search_body("咖啡"), **change)
    assert response.status_code == 406
    assert response.json()["success"] is False and needle in response.json()["msg"]


async def test_a_re_encoded_query_breaks_the_signature(client: httpx.AsyncClient) -> None:
    item = notes(await search(client, "咖啡"))[0]
    query = comment_query(item)
    headers = base_headers(user_agent="UA", cookie=COOKIE)
    headers |= _SIGNER.sign("GET", COMMENTS, cookies=xp_cookie(COOKIE), data=query, timestamp=time.time())
    response = await client.get(f"{API}{COMMENTS}", params=query, headers=headers)  # httpx encodes "," as %2C
    assert response.status_code == 406


@pytest.mark.parametrize(
    ("changes", "needle"),
    [({"sort": "hot"}, "sort"), ({"page_size": 50}, "page_size"), ({"page": 0}, "page"),
     ({"search_id": "!!"}, "search_id"), ({"search_id": "abc"}, "search_id"), ({"keyword": " "}, "keyword"),
     ({"note_type": 5}, "note_type")],
)  # fmt: skip
async def test_bad_search_parameters(client: httpx.AsyncClient, changes: dict[str, Any], needle: str) -> None:
    payload = (await call(client, "POST", SEARCH, search_body("咖啡") | changes)).json()
    assert payload["code"] == -1 and payload["success"] is False and needle in payload["msg"]


async def test_note_page_and_profile_page(client: httpx.AsyncClient) -> None:
    item = notes(await search(client, "咖啡"))[1]
    page = await client.get(f"{WEB}/explore/{item['id']}", params={"xsec_token": item["xsec_token"],
                                                                    "xsec_source": "pc_search"})  # fmt: skip
    assert page.headers["content-type"].startswith("text/html") and "undefined" in page.text
    from_page = xp.parse_note_html(page.text, fetched_at=ANCHOR, note_id=item["id"])
    feed = await call(client, "POST", FEED, feed_body(item))
    from_feed = xp.parse_feed(feed.json(), fetched_at=ANCHOR)
    assert from_feed is not None
    same = {"raw", "url", "platform_data"}
    assert from_page.model_dump(exclude=same) == from_feed.model_dump(exclude=same)
    wrong = await client.get(f"{WEB}/explore/{item['id']}", params={"xsec_token": "nope"})
    with pytest.raises(DataFetchError):
        xp.parse_note_html(wrong.text, fetched_at=ANCHOR, note_id=item["id"])
    user = item["note_card"]["user"]["user_id"]
    author = xp.parse_creator_html((await client.get(f"{WEB}/user/profile/{user}")).text, fetched_at=ANCHOR)
    assert (author.author_id, author.nickname) == (user, item["note_card"]["user"]["nickname"])
    assert author.followers is not None and author.gender in ("m", "f")
    with pytest.raises(DataFetchError):
        xp.parse_creator_html((await client.get(f"{WEB}/user/profile/{'6' * 24}")).text, fetched_at=ANCHOR)


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", f"{API}{SEARCH}"), ("POST", f"{API}{COMMENTS}"), ("GET", f"{API}/api/sns/web/v1/unknown"),
     ("GET", f"{WEB}/explore"), ("GET", f"{WEB}/explore/not-an-id"), ("GET", f"{WEB}/user/other/{'6' * 24}")],
)  # fmt: skip
async def test_unknown_paths_are_404(client: httpx.AsyncClient, method: str, path: str) -> None:
    response = await client.request(method, path, headers={"User-Agent": "x"})
    assert response.status_code == 404 and response.json()["sandbox_error"].startswith("no replay for")


async def faults(client: httpx.AsyncClient, *specs: str) -> None:
    assert (await client.post("/_sandbox/faults", json=list(specs))).status_code == 200


async def test_risk_answers_in_the_platform_shapes(client: httpx.AsyncClient) -> None:
    await faults(client, "business_error@times=1", "business_error:300011@times=1", "login_expired@times=1",
                 "verification@times=1")  # fmt: skip
    answers = [await call(client, "POST", SEARCH, search_body("咖啡")) for _ in range(4)]
    assert answers[0].json() | {"msg": ""} == {"code": 300012, "success": False, "msg": "", "data": {}}
    assert answers[1].json()["code"] == 300011
    assert answers[2].json() == {"code": -100, "success": False, "msg": "登录已过期", "data": {}}
    assert answers[3].status_code == 461 and answers[3].headers["verifytype"] and answers[3].headers["verifyuuid"]
    assert (await call(client, "POST", SEARCH, search_body("咖啡"))).json()["success"] is True


async def test_faults_on_the_page_host_and_empty_pages(client: httpx.AsyncClient) -> None:
    item = notes(await search(client, "咖啡"))[0]
    await faults(client, "verification@host=www.xiaohongshu.com,times=1", "empty_page@path=/api/sns/web/v1/feed")
    assert (await client.get(f"{WEB}/user/profile/{item['note_card']['user']['user_id']}")).status_code == 461
    assert (await call(client, "POST", FEED, feed_body(item))).json()["data"]["items"] == []

    platforms = (await client.get("/_sandbox/health")).json()["platforms"]
    assert {"edith.xiaohongshu.com", "www.xiaohongshu.com"} <= set(platforms)
