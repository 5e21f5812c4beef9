"""The www.kuaishou.com replay over HTTP (in process): signing page, signed search, comments, GraphQL, checks.

There is no real Kuaishou capture: the replay serves Kuaishou-shaped items reshaped from the
REAL douyin samples (kuaishou_data.py). The signature is the sandbox page's HMAC
(signing_pages.sign), the stand-in for the real page's $encode.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from keypick.sandbox import create_sandbox_app
from keypick.sandbox.signing_pages import sign, signing_page
from tests.samples import load_sample

from .conftest import ANCHOR, make_client

HOST = "/www.kuaishou.com"
SEARCH, COMMENTS, SUB, GRAPHQL = "/rest/v/search/feed", "/rest/v/photo/comment/list", "/rest/v/photo/comment/sublist", \
    "/graphql"  # fmt: skip
COOKIE = "passToken=sandbox-token; did=web_1"
HEADERS = {"User-Agent": "Mozilla/5.0 test", "Content-Type": "application/json;charset=UTF-8", "Cookie": COOKIE}
LOGIN = {"result": 109, "error_msg": "请先登录"}


def compact(body: Any) -> bytes:
    """The body as the adapter sends it."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


async def post(client: httpx.AsyncClient, path: str, body: Any, *, headers: dict[str, str] | None = None,
               query: str = "") -> httpx.Response:  # fmt: skip
    """POST a JSON body to a Kuaishou path under the sandbox."""
    url = f"{HOST}{path}" + (f"?{query}" if query else "")
    return await client.post(url, content=compact(body), headers=HEADERS if headers is None else headers)


async def search(client: httpx.AsyncClient, keyword: str, pcursor: str = "1", session: str = "",
                 **overrides: Any) -> dict[str, Any]:  # fmt: skip
    """One signed search page, as the adapter sends it."""
    body = {"keyword": keyword, "pcursor": pcursor, "page": "search", "searchSessionId": session}
    sig = sign("kuaishou", f"{SEARCH}\n{compact(body).decode()}")
    response = await post(client, SEARCH, body, query=f"__NS_hxfalcon={sig}&caver=2", **overrides)
    assert response.status_code == 200
    payload: dict[str, Any] = response.json()
    return payload


async def pages(client: httpx.AsyncClient, keyword: str, count: int) -> list[dict[str, Any]]:
    """The first `count` pages of a keyword, carrying pcursor and searchSessionId."""
    found, pcursor, session = [], "1", ""
    for _ in range(count):
        page = await search(client, keyword, pcursor, session)
        found.append(page)
        pcursor, session = page["pcursor"], page["searchSessionId"]
    return found


def photos(page: dict[str, Any]) -> list[dict[str, Any]]:
    """The photo objects of a search page, in order."""
    return [f["photo"] for f in page["feeds"] if "photo" in f]


async def test_home_is_the_signing_page(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{HOST}/", params={"isHome": "1"}, headers={"User-Agent": "x"})
    assert response.status_code == 200 and response.text == signing_page("kuaishou")


async def test_same_request_identical_bytes_and_seed_matters(client: httpx.AsyncClient) -> None:
    first = await search(client, "咖啡")
    assert first == await search(client, "咖啡")
    async with make_client(create_sandbox_app(anchor=ANCHOR)) as same:
        assert await search(same, "咖啡") == first
    async with make_client(create_sandbox_app(anchor=ANCHOR, seed="other")) as other:
        theirs = {p["id"] for p in photos(await search(other, "咖啡"))}
    assert not theirs & {p["id"] for p in photos(first)}


async def test_pages_and_keywords_have_disjoint_ids(client: httpx.AsyncClient) -> None:
    seen = [p["id"] for keyword in ("咖啡", "手冲") for page in await pages(client, keyword, 5) for p in photos(page)]
    assert len(seen) == 2 * 5 * 20 == len(set(seen))
    assert all(len(i) == 15 and i.startswith("3x") for i in seen)


async def test_page_shape_keyword_and_newest_first(client: httpx.AsyncClient) -> None:
    first, second = await pages(client, "咖啡", 2)
    assert [("photo" in f) for f in first["feeds"]].count(False) == 1  # the related-search card
    assert all("photo" in f for f in second["feeds"]) and len(second["feeds"]) == 20
    assert all(p["caption"].startswith("#咖啡 ") for p in photos(first) + photos(second))
    for page in (first, second):  # one card per page leaves its time to visionVideoDetail
        assert sum("timestamp" not in p for p in photos(page)) == 1
    times = [p["timestamp"] for p in photos(first) + photos(second) if "timestamp" in p]
    assert times == sorted(times, reverse=True) and times[0] <= ANCHOR.timestamp() * 1000
    assert all(isinstance(p["realLikeCount"], int) and isinstance(p["likeCount"], str) for p in photos(first))


async def test_paging_ends_with_no_more() -> None:
    async with make_client(create_sandbox_app(pages=2, anchor=ANCHOR)) as client:
        first, last = await pages(client, "咖啡", 2)
        assert first["pcursor"] == "2" and last["pcursor"] == "no_more" and len(photos(last)) == 20
        past = await search(client, "咖啡", "3", last["searchSessionId"])
        assert past == {"result": 1, "feeds": [], "pcursor": "no_more", "searchSessionId": last["searchSessionId"]}


@pytest.mark.parametrize("keyword", ["空空如也", "empty-test"])
async def test_empty_keywords_have_no_results(client: httpx.AsyncClient, keyword: str) -> None:
    page = await search(client, keyword)
    assert page["feeds"] == [] and page["pcursor"] == "no_more"


async def test_search_checks_login_signature_and_parameters(client: httpx.AsyncClient) -> None:
    body = {"keyword": "咖啡", "pcursor": "1", "page": "search", "searchSessionId": ""}
    sig = sign("kuaishou", f"{SEARCH}\n{compact(body).decode()}")
    no_cookie = {k: v for k, v in HEADERS.items() if k != "Cookie"}
    assert (await post(client, SEARCH, body, query=f"__NS_hxfalcon={sig}&caver=2", headers=no_cookie)).json() == LOGIN
    assert (await post(client, SEARCH, body)).json() == {"result": 50}
    assert (await post(client, SEARCH, body, query=f"__NS_hxfalcon={sig}")).json() == {"result": 50}
    tampered = body | {"pcursor": "2"}
    assert (await post(client, SEARCH, tampered, query=f"__NS_hxfalcon={sig}&caver=2")).json() == {"result": 50}
    session_lost = await search(client, "咖啡", "2", "")
    assert session_lost["result"] == 0 and "searchSessionId" in session_lost["error_msg"]
    bad_cursor = await search(client, "咖啡", "x")
    assert bad_cursor["result"] == 0 and "pcursor" in bad_cursor["error_msg"]
    plain = await search(client, "咖啡", headers={**HEADERS, "Content-Type": "text/plain"})
    assert plain["result"] == 0 and "Content-Type" in plain["error_msg"]


async def test_comments_roots_then_replies(client: httpx.AsyncClient) -> None:
    photo = photos(await search(client, "咖啡"))[0]["id"]
    roots, pcursor = [], ""
    while pcursor != "no_more":
        page = (await post(client, COMMENTS, {"photoId": photo, "pcursor": pcursor})).json()
        assert page["result"] == 1 and len(page["rootCommentsV2"]) == 10
        roots += page["rootCommentsV2"]
        pcursor = page["pcursorV2"]
    assert len(roots) == 30 == len({r["comment_id"] for r in roots})
    assert page["commentCountV2"] == 30 + sum(r["commentCount"] for r in roots)
    root = next(r for r in roots if r["commentCount"] > 10)
    replies, pcursor = [], ""
    while pcursor != "no_more":
        body = {"photoId": photo, "pcursor": pcursor, "rootCommentId": root["comment_id"]}
        page = (await post(client, SUB, body)).json()
        replies += page["subCommentsV2"]
        pcursor = page["pcursorV2"]
    assert len(replies) == root["commentCount"] and all(r["timestamp"] >= root["timestamp"] for r in replies)
    as_text = {"photoId": photo, "pcursor": "", "rootCommentId": str(root["comment_id"])}
    assert "rootCommentId" in (await post(client, SUB, as_text)).json()["error_msg"]
    unknown = (await post(client, COMMENTS, {"photoId": photo, "pcursor": "999"})).json()
    assert unknown["result"] == 0


async def test_graphql_detail_profile_and_login(client: httpx.AsyncClient) -> None:
    feeds = (await search(client, "咖啡"))["feeds"]
    bare = next(f for f in feeds if "photo" in f and "timestamp" not in f["photo"])

    def gql(op: str, variables: dict[str, Any]) -> dict[str, Any]:
        return {"operationName": op, "variables": variables, "query": f"query {op} {{ {op} {{ result }} }}"}

    detail = (await post(client, GRAPHQL, gql("visionVideoDetail", {"photoId": bare["photo"]["id"]}))).json()
    full = detail["data"]["visionVideoDetail"]
    assert full["status"] == 1 and full["photo"]["id"] == bare["photo"]["id"] and "timestamp" in full["photo"]
    missing = (await post(client, GRAPHQL, gql("visionVideoDetail", {"photoId": "3xnothing"}))).json()
    assert missing["errors"] and missing["data"] == {"visionVideoDetail": None}
    user = (await post(client, GRAPHQL, gql("visionProfile", {"userId": bare["author"]["id"]}))).json()
    profile = user["data"]["visionProfile"]["userProfile"]["profile"]
    assert profile["user_id"] == bare["author"]["id"] and profile["user_name"] == bare["author"]["name"]
    assert (await post(client, GRAPHQL, gql("visionProfile", {"userId": "3xnobody"}))).json()["errors"]
    login = (await post(client, GRAPHQL, gql("visionProfileUserList", {"ftype": 1}))).json()
    assert login["data"]["visionProfileUserList"]["result"] == 1
    no_query = {"operationName": "visionProfile", "variables": {}, "query": "query other { x }"}
    assert (await post(client, GRAPHQL, no_query)).json()["errors"]
    logged_out = {k: v for k, v in HEADERS.items() if k != "Cookie"}
    assert (await post(client, GRAPHQL, gql("visionProfileUserList", {}), headers=logged_out)).json() == LOGIN


async def _with_faults(client: httpx.AsyncClient, faults: list[str]) -> None:
    assert (await client.post("/_sandbox/faults", json=faults)).status_code == 200


async def test_platform_shaped_faults(client: httpx.AsyncClient) -> None:
    await _with_faults(client, ["business_error@path=/rest/v/search/feed"])
    assert await search(client, "咖啡") == {"result": 20003, "error_msg": "请求失败"}
    await _with_faults(client, [f"login_expired@path={HOST}{SEARCH}"])
    assert await search(client, "咖啡") == LOGIN
    await _with_faults(client, ["verification@path=/rest/"])
    page = await post(client, COMMENTS, {"photoId": "3x", "pcursor": ""})
    assert page.status_code == 200 and "安全验证" in page.text and "captcha" in page.text
    await _with_faults(client, ["empty_page@path=/rest/v/search/feed"])
    empty = await search(client, "咖啡")
    assert empty["feeds"] == [] and empty["pcursor"] == "2"
    await _with_faults(client, ["malformed_json@path=/rest/v/search/feed"])
    broken = await post(client, SEARCH, {"keyword": "咖啡"})
    with pytest.raises(ValueError):  # an empty 200 body: the answer is computed after _inject cuts it
        broken.json()
    # A path-scoped fault leaves the signing page alone.
    await _with_faults(client, ["login_expired@path=/rest/"])
    assert "data-keypick-sandbox" in (await client.get(f"{HOST}/", headers={"User-Agent": "x"})).text


async def test_request_log_shows_the_signature(client: httpx.AsyncClient) -> None:
    await client.delete("/_sandbox/requests")
    await search(client, "咖啡")
    (entry,) = (await client.get("/_sandbox/requests")).json()["requests"]
    assert entry["path"] == f"{HOST}{SEARCH}" and entry["params"]["caver"] == "2"
    assert len(entry["params"]["__NS_hxfalcon"]) == 64 and entry["cookies"] == ["passToken", "did"]
    assert entry["status"] == 200


PROFILE = "/rest/v/profile/feed"


async def profile_feed(client: httpx.AsyncClient, user_id: str, pcursor: str = "", **body: Any) -> dict[str, Any]:
    """One signed page of a user's own videos, as the adapter sends it."""
    payload = {"user_id": user_id, "pcursor": pcursor, "page": "profile", **body}
    sig = sign("kuaishou", f"{PROFILE}\n{compact(payload).decode()}")
    answer: dict[str, Any] = (await post(client, PROFILE, payload, query=f"__NS_hxfalcon={sig}&caver=2")).json()
    return answer


async def test_profile_feed_pages_a_real_users_videos_by_pcursor(client: httpx.AsyncClient) -> None:
    user_id = (await search(client, "咖啡"))["feeds"][0]["author"]["id"]  # a real (reshaped) author
    pages_, pcursor = [], ""
    while pcursor != "no_more":
        page = await profile_feed(client, user_id, pcursor)
        assert page["result"] == 1
        pages_.append(page)
        pcursor = page["pcursor"]
    assert len(pages_) == 5 and all(len(p["feeds"]) == 20 for p in pages_)
    cursors = [p["pcursor"] for p in pages_[:-1]]
    assert len(set(cursors)) == 4 and all(c.isdigit() for c in cursors)  # opaque, one per page
    videos = [f for p in pages_ for f in p["feeds"]]
    assert len({f["photo"]["id"] for f in videos}) == 100
    assert {f["author"]["id"] for f in videos} == {user_id}
    real = {
        c["aweme_info"]["desc"] for c in load_sample("douyin", "app_general_search-1.json")["data"] if c["type"] == 1
    }
    assert {f["photo"]["caption"] for f in videos} == real  # the real texts, without a keyword tag
    times = [f["photo"]["timestamp"] for f in videos if "timestamp" in f["photo"]]
    assert times == sorted(times, reverse=True) and len(times) == 95  # one per page is left to visionVideoDetail
    bare = next(f for f in videos if "timestamp" not in f["photo"])
    gql = {"operationName": "visionVideoDetail", "variables": {"photoId": bare["photo"]["id"]},
           "query": "query visionVideoDetail { visionVideoDetail { status } }"}  # fmt: skip
    detail = (await post(client, GRAPHQL, gql)).json()["data"]["visionVideoDetail"]
    assert detail["author"]["id"] == user_id and "timestamp" in detail["photo"]


async def test_profile_feed_checks(client: httpx.AsyncClient) -> None:
    user_id = (await search(client, "咖啡"))["feeds"][0]["author"]["id"]
    assert await profile_feed(client, "3xnobody00000000") == {"result": 0, "error_msg": "用户不存在"}
    unknown_cursor = await profile_feed(client, user_id, "12345")
    assert unknown_cursor["result"] == 0 and "pcursor" in unknown_cursor["error_msg"]
    wrong_page = await profile_feed(client, user_id, page="search")
    assert wrong_page["result"] == 0 and "profile" in wrong_page["error_msg"]
    body = {"user_id": user_id, "pcursor": "", "page": "profile"}
    assert (await post(client, PROFILE, body)).json() == {"result": 50}  # unsigned
    other = sign("kuaishou", f"{SEARCH}\n{compact(body).decode()}")  # signed for another path
    assert (await post(client, PROFILE, body, query=f"__NS_hxfalcon={other}&caver=2")).json() == {"result": 50}
    await _with_faults(client, ["business_error:2@path=/rest/v/profile/feed"])
    assert await profile_feed(client, user_id) == {"result": 2, "error_msg": "请求失败"}
    await _with_faults(client, ["empty_page@path=/rest/v/profile/feed"])
    empty = await profile_feed(client, user_id)
    assert empty["feeds"] == [] and empty["pcursor"] not in ("", "no_more")
    log = (await client.get("/_sandbox/requests")).json()["requests"]
    assert [e["faults"] for e in log if e["path"] == f"{HOST}{PROFILE}"][-2:] == [
        ["business_error:2@path=/rest/v/profile/feed"],
        ["empty_page@path=/rest/v/profile/feed"],
    ]
