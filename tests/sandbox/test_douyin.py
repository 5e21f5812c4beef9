"""The www.douyin.com replay over HTTP (in process): the signing page, gateway checks, search, comments, replies.

Requests are signed here the way the sandbox page's hook signs them (HMAC over raw path + query and
the User-Agent, keypick.sandbox.signing_pages); the real page in a real Chromium is exercised by
tests/crawl/test_douyin_e2e.py. The search items replay the App search capture, the stand-in for the
never-captured web search (see keypick.sandbox.douyin_data).
"""

from __future__ import annotations

import itertools
import json
from datetime import timedelta
from typing import Any

import httpx
import pytest

from keypick.platforms.douyin.signing import build_params
from keypick.sandbox import create_sandbox_app
from keypick.sandbox.signing_pages import sign

from .conftest import ANCHOR, make_client

UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0.0.0 Safari/537.36"
HOST = "www.douyin.com"
SEARCH = "/aweme/v1/web/general/search/single/"
COMMENTS = "/aweme/v1/web/comment/list/"
REPLIES = "/aweme/v1/web/comment/list/reply/"
PROFILE = "/aweme/v1/web/user/profile/other/"
LOGGED_IN = {"User-Agent": UA, "Cookie": "sessionid=abc"}
WEBID = "7400000000000000001"


def target(path: str, params: dict[str, Any], *, signed: bool = True, ua: str = UA) -> str:
    """Return the raw path + query the page would send, with a_bogus appended as its hook does."""
    raw = httpx.URL(f"/{HOST}{path}", params=params).raw_path.decode()
    canonical = raw + "\n" + ua
    return f"{raw}&a_bogus={sign('douyin', canonical)}" if signed else raw


def search_params(keyword: str, offset: int = 0, search_id: str = "", **extra: Any) -> dict[str, str]:
    own = {"search_channel": "aweme_general", "keyword": keyword, "offset": offset, "count": 10,
           "search_id": search_id, "is_filter_search": 0, **extra}  # fmt: skip
    return build_params(own, webid=WEBID, ms_token="tok")


def api_params(**own: Any) -> dict[str, str]:
    return build_params(own, webid=WEBID, ms_token="tok")


async def get(client: httpx.AsyncClient, path: str, params: dict[str, Any], **kw: Any) -> httpx.Response:
    headers = kw.pop("headers", LOGGED_IN)
    return await client.get(target(path, params, **kw), headers=headers)


async def search_all(client: httpx.AsyncClient, keyword: str, **extra: Any) -> list[dict[str, Any]]:
    """Follow a keyword's pages as the adapter does; return the pages."""
    pages, offset, search_id = [], 0, ""
    while True:
        page = (await get(client, SEARCH, search_params(keyword, offset, search_id, **extra))).json()
        pages.append(page)
        if not page["has_more"]:
            return pages
        offset, search_id = offset + 10, page["extra"]["logid"]


def awemes(page: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for card in page["data"]:
        if "aweme_info" in card:
            out.append(card["aweme_info"])
        elif "aweme_mix_info" in card:
            out.append(card["aweme_mix_info"]["mix_items"][0])
    return out


async def test_home_page_is_the_signing_page(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/{HOST}/", headers={"User-Agent": UA})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "a_bogus" in response.text and 'data-keypick-sandbox="douyin"' in response.text


@pytest.mark.parametrize(
    "case",
    ["unsigned", "other user agent", "no common params", "tampered query"],
)
async def test_gateway_refusals_are_an_empty_200(client: httpx.AsyncClient, case: str) -> None:
    params = search_params("咖啡")
    if case == "unsigned":
        url = target(SEARCH, params, signed=False)
    elif case == "other user agent":
        url = target(SEARCH, params, ua="curl/8")
    elif case == "no common params":
        url = target(SEARCH, {k: v for k, v in params.items() if k != "aid"})
    else:
        url = target(SEARCH, params).replace("offset=0", "offset=10")
    response = await client.get(url, headers=LOGGED_IN)
    assert response.status_code == 200 and response.content == b""


async def test_without_the_login_cookie_status_code_8(client: httpx.AsyncClient) -> None:
    response = await get(client, SEARCH, search_params("咖啡"), headers={"User-Agent": UA})
    assert response.json() == {"status_code": 8, "status_msg": "用户未登录"}


async def test_page_one_shape(client: httpx.AsyncClient) -> None:
    page = (await get(client, SEARCH, search_params("咖啡"))).json()
    assert page["status_code"] == 0 and page["has_more"] == 1 and page["cursor"] == 10
    types = [c.get("type") for c in page["data"]]
    assert len(types) == 11 and types[8] == 6  # the real related-search card, where the capture has it
    assert "aweme_mix_info" in page["data"][5] and "aweme_info" not in page["data"][5]
    assert page["extra"]["logid"] == page["log_pb"]["impr_id"] and page["extra"]["logid"].startswith("20260601")
    for aweme in awemes(page):
        assert len(aweme["aweme_id"]) == 19 and aweme["statistics"]["aweme_id"] == aweme["aweme_id"]
        assert aweme["desc"].endswith(" #咖啡") and aweme["text_extra"][-1]["hashtag_name"] == "咖啡"
        tag = aweme["text_extra"][-1]
        assert aweme["desc"][tag["start"] : tag["end"]] == "#咖啡"
        assert aweme["aweme_id"] in aweme["share_url"]


async def test_paging_ends_after_pages_with_has_more_0(client: httpx.AsyncClient) -> None:
    pages = await search_all(client, "咖啡")
    assert len(pages) == 5 and [p["has_more"] for p in pages] == [1, 1, 1, 1, 0]
    assert sum(len(awemes(p)) for p in pages) == 50
    after = await get(client, SEARCH, search_params("咖啡", 50, pages[-1]["extra"]["logid"]))
    assert after.json()["data"] == [] and after.json()["has_more"] == 0


async def test_times_newest_first_and_ids_disjoint(client: httpx.AsyncClient) -> None:
    ids: list[str] = []
    for keyword in ("咖啡", "手冲"):
        times = [a["create_time"] for p in await search_all(client, keyword) for a in awemes(p)]
        assert all(a > b for a, b in itertools.pairwise(times)) and times[0] <= ANCHOR.timestamp()
        ids += [a["aweme_id"] for p in await search_all(client, keyword) for a in awemes(p)]
    assert len(ids) == len(set(ids)) == 100


async def test_same_request_same_bytes_and_seed_changes_ids(client: httpx.AsyncClient) -> None:
    first = await get(client, SEARCH, search_params("咖啡"))
    assert (await get(client, SEARCH, search_params("咖啡"))).content == first.content
    async with make_client(create_sandbox_app(anchor=ANCHOR, seed="other")) as other:
        theirs = (await get(other, SEARCH, search_params("咖啡"))).json()
    assert not {a["aweme_id"] for a in awemes(theirs)} & {a["aweme_id"] for a in awemes(first.json())}


async def test_publish_time_filter_narrows_the_results(client: httpx.AsyncClient) -> None:
    selected = json.dumps({"sort_type": "2", "publish_time": "1"}, separators=(",", ":"))
    pages = await search_all(client, "咖啡", filter_selected=selected, is_filter_search=1)
    found = [a for p in pages for a in awemes(p)]
    day_ago = (ANCHOR - timedelta(days=1)).timestamp()
    assert 10 < len(found) < 20 and all(a["create_time"] >= day_ago for a in found)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"filter_selected": '{"sort_type":"9","publish_time":"0"}', "is_filter_search": 1}, "sort_type"),
        ({"filter_selected": '{"sort_type":"2","publish_time":"0"}'}, "is_filter_search=1"),
        ({"is_filter_search": 1}, "needs filter_selected"),
        ({"filter_selected": "{oops", "is_filter_search": 1}, "not JSON"),
        ({"count": 50}, "count"),
        ({"search_channel": "aweme_live"}, "search_channel"),
        ({"keyword": ""}, "keyword"),
    ],
)
async def test_bad_search_params_name_the_problem(
    client: httpx.AsyncClient, extra: dict[str, Any], needle: str
) -> None:
    payload = (await get(client, SEARCH, search_params("咖啡") | {k: str(v) for k, v in extra.items()})).json()
    assert payload["status_code"] == 2 and needle in payload["status_msg"]


async def test_search_id_must_be_the_previous_logid(client: httpx.AsyncClient) -> None:
    first = (await get(client, SEARCH, search_params("咖啡"))).json()
    wrong = (await get(client, SEARCH, search_params("咖啡", 5, first["extra"]["logid"]))).json()
    assert wrong["status_code"] == 2 and "offset steps by count" in wrong["status_msg"]


@pytest.mark.parametrize("keyword", ["空空如也", "empty-test"])
async def test_empty_keywords(client: httpx.AsyncClient, keyword: str) -> None:
    payload = (await get(client, SEARCH, search_params(keyword))).json()
    assert payload["data"] == [] and payload["has_more"] == 0


async def test_comments_pages_replies_and_times(client: httpx.AsyncClient) -> None:
    post = awemes((await get(client, SEARCH, search_params("咖啡"))).json())[0]
    aweme_id, posted = post["aweme_id"], post["create_time"]
    seen, cursor, pages = [], 0, []
    while True:
        page = (await get(client, COMMENTS, api_params(aweme_id=aweme_id, cursor=cursor, count=20, item_type=0))).json()
        pages.append(page)
        seen += page["comments"]
        if not page["has_more"]:
            break
        cursor = page["cursor"]
    assert len(pages) == 3 and len({c["cid"] for c in seen}) == 30
    assert all(c["aweme_id"] == aweme_id and posted <= c["create_time"] <= ANCHOR.timestamp() for c in seen)
    root = next(c for c in seen if c["reply_comment_total"] == 24)
    params = api_params(item_id=aweme_id, comment_id=root["cid"], cursor=0, count=20, item_type=0)
    first = (await get(client, REPLIES, params)).json()
    assert len(first["comments"]) == 20 and first["has_more"] == 1 and first["cursor"] == 20
    rest = (await get(client, REPLIES, params | {"cursor": "20"})).json()
    replies = first["comments"] + rest["comments"]
    assert len(replies) == 24 and rest["has_more"] == 0 and len({r["cid"] for r in replies}) == 24
    assert all(r["reply_id"] == root["cid"] and r["level"] == 2 and r["create_time"] >= root["create_time"]
               for r in replies)  # fmt: skip


async def test_replies_of_an_unknown_root_or_wrong_item(client: httpx.AsyncClient) -> None:
    params = api_params(item_id="7000000000000000000", comment_id="7100000000000000000", cursor=0, count=20,
                        item_type=0)  # fmt: skip
    unknown = (await get(client, REPLIES, params)).json()
    assert unknown["comments"] is None and unknown["has_more"] == 0
    post = awemes((await get(client, SEARCH, search_params("咖啡"))).json())[0]
    page = await get(client, COMMENTS, api_params(aweme_id=post["aweme_id"], cursor=0, count=20, item_type=0))
    root = next(c for c in page.json()["comments"] if c["reply_comment_total"])
    wrong = (await get(client, REPLIES, params | {"comment_id": root["cid"]})).json()
    assert wrong["status_code"] == 2 and "does not belong" in wrong["status_msg"]


@pytest.mark.parametrize(
    ("path", "params", "needle"),
    [
        (COMMENTS, {"aweme_id": "x", "cursor": 0, "count": 20, "item_type": 0}, "aweme_id"),
        (COMMENTS, {"aweme_id": "7", "cursor": 0, "count": 20}, "item_type"),
        (REPLIES, {"item_id": "7", "comment_id": "", "cursor": 0, "count": 20, "item_type": 0}, "comment_id"),
        (PROFILE, {"sec_user_id": "123"}, "sec_uid"),
    ],
)
async def test_bad_params(client: httpx.AsyncClient, path: str, params: dict[str, Any], needle: str) -> None:
    payload = (await get(client, path, api_params(**params))).json()
    assert payload["status_code"] == 2 and needle in payload["status_msg"]


async def test_profile_serves_the_real_user(client: httpx.AsyncClient) -> None:
    author = awemes((await get(client, SEARCH, search_params("咖啡"))).json())[0]["author"]
    payload = (await get(client, PROFILE, api_params(sec_user_id=author["sec_uid"]))).json()
    assert payload["status_code"] == 0 and payload["user"] == author
    missing = (await get(client, PROFILE, api_params(sec_user_id="MS4wLjABAAAAnobody"))).json()
    assert missing["user"] is None


@pytest.mark.parametrize(
    ("fault", "check"),
    [
        ("business_error:20003", lambda r: r.json() == {"status_code": 20003, "status_msg": "系统繁忙，请稍后再试"}),
        ("login_expired", lambda r: r.json() == {"status_code": 8, "status_msg": "用户未登录"}),
        ("verification", lambda r: "验证码中间页" in r.text and r.headers["content-type"].startswith("text/html")),
        ("empty_page", lambda r: r.json()["data"] == [] and r.json()["has_more"] == 1),
    ],
)
async def test_fault_answers_in_douyin_shapes(client: httpx.AsyncClient, fault: str, check: Any) -> None:
    await client.post("/_sandbox/faults", json=[f"{fault}@host={HOST},path={SEARCH}"])
    response = await get(client, SEARCH, search_params("咖啡"))
    assert response.status_code == 200 and check(response)
    home = await client.get(f"/{HOST}/", headers={"User-Agent": UA})
    assert home.status_code == 200 and "a_bogus" in home.text  # scoped faults leave the page alone


async def test_unknown_paths_and_methods_have_no_replay(client: httpx.AsyncClient) -> None:
    assert (await client.get(f"/{HOST}/aweme/v1/web/unknown/", headers=LOGGED_IN)).status_code == 404
    assert (await client.post(target(SEARCH, search_params("咖啡")), headers=LOGGED_IN)).status_code == 404


async def test_health_lists_the_host(client: httpx.AsyncClient) -> None:
    assert HOST in (await client.get("/_sandbox/health")).json()["platforms"]
