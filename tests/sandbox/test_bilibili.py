"""The api.bilibili.com replay over HTTP (in process): WBI checks, search, detail, comments, users, faults.

Requests are signed with the adapter's own signing functions; the replay verifies them with its
own implementation against the keys its nav hands out.
"""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from typing import Any

import httpx
import pytest

from keypick.platforms.bilibili.signing import WbiKeys, sign_params
from keypick.sandbox import create_sandbox_app

from .conftest import ANCHOR, make_client

API = "/api.bilibili.com"
NAV, SEARCH, DETAIL = (
    f"{API}/x/web-interface/nav",
    f"{API}/x/web-interface/wbi/search/type",
    f"{API}/x/web-interface/view/detail",
)
MAIN, REPLY, USER = f"{API}/x/v2/reply/wbi/main", f"{API}/x/v2/reply/reply", f"{API}/x/space/wbi/acc/info"
WTS = 1780000000
EM = re.compile(r"</?em[^>]*>")


async def keys(client: httpx.AsyncClient) -> WbiKeys:
    wbi = (await client.get(NAV)).json()["data"]["wbi_img"]
    img, sub = (url.rsplit("/", 1)[-1].split(".")[0] for url in (wbi["img_url"], wbi["sub_url"]))
    return WbiKeys(img, sub)


async def signed(client: httpx.AsyncClient, path: str, params: dict[str, Any], **kw: Any) -> dict[str, Any]:
    response = await client.get(path, params=sign_params(params, await keys(client), wts=WTS), **kw)
    assert response.status_code == 200
    payload: dict[str, Any] = response.json()
    return payload


async def search(client: httpx.AsyncClient, keyword: str, page: int = 1, **extra: Any) -> dict[str, Any]:
    params = {"search_type": "video", "keyword": keyword, "page": page, "page_size": 20, "order": ""} | extra
    return await signed(client, SEARCH, params)


async def main_page(client: httpx.AsyncClient, oid: int, next_: int = 0, mode: int = 3) -> dict[str, Any]:
    return await signed(client, MAIN, {"oid": oid, "type": 1, "mode": mode, "ps": 20, "next": next_})


# -- nav and signatures ---------------------------------------------------------------------------------


async def test_nav_hands_out_keys_logged_out_and_in(client: httpx.AsyncClient) -> None:
    out = (await client.get(NAV)).json()
    assert (out["code"], out["message"], out["data"]["isLogin"]) == (-101, "账号未登录", False)
    got = await keys(client)
    assert all(len(k) == 32 and re.fullmatch("[0-9a-f]+", k) for k in (got.img_key, got.sub_key))
    logged = (await client.get(NAV, headers={"Cookie": "SESSDATA=abc; buvid3=x"})).json()
    assert (logged["code"], logged["data"]["isLogin"]) == (0, True)
    assert logged["data"]["wbi_img"] == out["data"]["wbi_img"]


async def test_unsigned_or_badly_signed_calls_get_352(client: httpx.AsyncClient) -> None:
    params = {"search_type": "video", "keyword": "咖啡", "page": 1}
    assert (await client.get(SEARCH, params=params)).json()["code"] == -352
    good = sign_params(params, await keys(client), wts=WTS)
    assert (await client.get(SEARCH, params=good | {"w_rid": "0" * 32})).json()["code"] == -352
    assert (await client.get(SEARCH, params=good | {"keyword": "拿铁"})).json()["code"] == -352  # tampered
    other = sign_params(params, WbiKeys("a" * 32, "b" * 32), wts=WTS)
    assert (await client.get(SEARCH, params=other)).json() == {"code": -352, "message": "风控校验失败", "ttl": 1}
    assert (await client.get(SEARCH, params=good)).json()["code"] == 0


async def test_a_352_fault_rotates_the_keys() -> None:
    async with make_client(
        create_sandbox_app(["business_error:-352@path=/x/web-interface/wbi,times=1"], anchor=ANCHOR)
    ) as client:
        old = await keys(client)
        params = sign_params({"search_type": "video", "keyword": "咖啡", "page": 1}, old, wts=WTS)
        assert (await client.get(SEARCH, params=params)).json()["code"] == -352  # the fault
        assert (await client.get(SEARCH, params=params)).json()["code"] == -352  # old keys now stale
        new = await keys(client)
        assert new != old
        assert (await search(client, "咖啡"))["code"] == 0


# -- search ---------------------------------------------------------------------------------------------


async def test_same_request_gives_identical_bytes(client: httpx.AsyncClient) -> None:
    params = sign_params({"search_type": "video", "keyword": "咖啡", "page": 2}, await keys(client), wts=WTS)
    first, second = [await client.get(SEARCH, params=params) for _ in range(2)]
    assert first.content == second.content
    async with make_client(create_sandbox_app(anchor=ANCHOR, seed="other")) as other:
        theirs = {r["aid"] for r in (await search(other, "咖啡"))["data"]["result"]}
    assert not theirs & {r["aid"] for r in (await search(client, "咖啡"))["data"]["result"]}


async def test_pages_and_keywords_have_disjoint_ids(client: httpx.AsyncClient) -> None:
    aids, bvids = [], []
    for keyword in ("咖啡", "手冲"):
        for page in range(1, 6):
            result = (await search(client, keyword, page))["data"]["result"]
            assert len(result) == 20
            aids += [r["aid"] for r in result]
            bvids += [r["bvid"] for r in result]
    assert len(set(aids)) == len(set(bvids)) == 200
    assert all(re.fullmatch(r"BV1[1-9A-HJ-NP-Za-km-z]{9}", b) for b in bvids)
    assert all(r_id == int(str(r_id)) and r_id > 0 for r_id in aids)


async def test_items_keep_the_real_2026_shape_with_the_keyword_woven_in(client: httpx.AsyncClient) -> None:
    payload = await search(client, "手冲")
    assert payload["code"] == 0 and payload["message"] == "OK"
    for item in payload["data"]["result"]:
        assert item["type"] == "video" and item["title"].startswith('<em class="keyword">手冲</em>')
        assert item["tag"].split(",")[0] == "手冲"
        assert item["pic"].startswith("//i") and item["upic"].startswith("https://")
        assert item["arcurl"] == f"http://www.bilibili.com/video/av{item['aid']}"
        assert {"like", "danmaku", "play", "favorites", "review", "video_review", "duration", "mid"} <= set(item)
        assert item["danmaku"] == item["video_review"]


async def test_times_are_newest_first_across_pages_and_end_at_the_anchor(client: httpx.AsyncClient) -> None:
    times = [r["pubdate"] for page in range(1, 6) for r in (await search(client, "咖啡", page))["data"]["result"]]
    assert all(a > b for a, b in itertools.pairwise(times))
    assert times[0] <= ANCHOR.timestamp() and ANCHOR.timestamp() - times[-1] > 10 * 86400


async def test_paging_ends_after_pages() -> None:
    async with make_client(create_sandbox_app(pages=2, anchor=ANCHOR)) as client:
        first = (await search(client, "咖啡"))["data"]
        assert (first["numPages"], first["numResults"], first["next"]) == (2, 40, 2)
        last = (await search(client, "咖啡", 2))["data"]
        assert len(last["result"]) == 20 and "next" not in last
        past = (await search(client, "咖啡", 3))["data"]
        assert past["result"] == [] and past["numPages"] == 2


@pytest.mark.parametrize("keyword", ["空空如也", "empty-test"])
async def test_empty_keywords_have_no_results(client: httpx.AsyncClient, keyword: str) -> None:
    data = (await search(client, keyword))["data"]
    assert (data["numResults"], data["numPages"], data["result"]) == (0, 0, [])


async def test_time_window_and_page_size(client: httpx.AsyncClient) -> None:
    begin = int((ANCHOR - timedelta(days=3)).timestamp())
    end = int((ANCHOR - timedelta(days=1)).timestamp())
    data = (await search(client, "咖啡", pubtime_begin_s=begin, pubtime_end_s=end, page_size=7))["data"]
    assert 0 < data["numResults"] < 100 and data["numPages"] == -(-data["numResults"] // 7)
    assert len(data["result"]) == 7 and all(begin <= r["pubdate"] <= end for r in data["result"])


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"search_type": "bili_user", "keyword": "咖啡"}, "search_type"),
        ({"search_type": "video", "keyword": " "}, "keyword"),
        ({"search_type": "video", "keyword": "咖啡", "page": 0}, "page"),
        ({"search_type": "video", "keyword": "咖啡", "page_size": 51}, "page_size"),
        ({"search_type": "video", "keyword": "咖啡", "order": "likes"}, "order"),
        ({"search_type": "video", "keyword": "咖啡", "pubtime_begin_s": "x"}, "pubtime_begin_s"),
        ({"search_type": "video", "keyword": "咖啡", "pubtime_begin_s": 5, "pubtime_end_s": 4}, "pubtime_end_s"),
    ],
)
async def test_bad_search_parameters_answer_400(client: httpx.AsyncClient, params: dict[str, Any], needle: str) -> None:
    payload = await signed(client, SEARCH, params)
    assert payload["code"] == -400 and payload["message"].startswith("请求错误") and needle in payload["message"]


# -- detail ---------------------------------------------------------------------------------------------


async def test_detail_matches_the_search_item(client: httpx.AsyncClient) -> None:
    item = (await search(client, "咖啡"))["data"]["result"][3]
    by_bvid = (await client.get(DETAIL, params={"bvid": item["bvid"]})).json()  # not WBI-signed
    by_aid = (await client.get(DETAIL, params={"aid": item["aid"]})).json()
    assert by_bvid == by_aid and by_bvid["code"] == 0
    view = by_bvid["data"]["View"]
    assert (view["bvid"], view["aid"], view["pubdate"]) == (item["bvid"], item["aid"], item["pubdate"])
    assert view["title"] == EM.sub("", item["title"]).replace("&lt;", "<").replace("&gt;", ">")
    stat = view["stat"]
    assert (stat["view"], stat["like"], stat["favorite"], stat["reply"], stat["danmaku"]) == (
        item["play"], item["like"], item["favorites"], item["review"], item["danmaku"])  # fmt: skip
    assert isinstance(stat["share"], int) and isinstance(stat["coin"], int)
    assert view["owner"]["mid"] == item["mid"] and by_bvid["data"]["Card"]["card"]["mid"] == str(item["mid"])
    assert [t["tag_name"] for t in by_bvid["data"]["Tags"]] == item["tag"].split(",")


async def test_detail_of_unknown_or_missing_video(client: httpx.AsyncClient) -> None:
    assert (await client.get(DETAIL, params={"bvid": "BV1xx411c7mD"})).json()["code"] == -404
    assert (await client.get(DETAIL)).json()["code"] == -400


# -- comments -------------------------------------------------------------------------------------------


async def test_comment_pages_until_is_end_with_pinned_and_embedded_replies(client: httpx.AsyncClient) -> None:
    item = (await search(client, "咖啡"))["data"]["result"][0]
    seen: list[int] = []
    next_, pages = 0, 0
    while True:
        data = (await main_page(client, item["aid"], next_))["data"]
        pages += 1
        assert len(data["replies"]) == 20 and data["upper"]["mid"] == item["mid"]
        assert data["top_replies"] == (data["replies"][:1] if pages == 1 else [])
        for root in data["replies"]:
            assert root["oid"] == item["aid"] and root["root"] == 0 and root["ctime"] > item["pubdate"]
            assert all(r["root"] == root["rpid"] and r["root_str"] == root["rpid_str"] for r in root["replies"])
            assert len(root["replies"]) <= 3 and root["rcount"] >= len(root["replies"])
        seen += [r["rpid"] for r in data["replies"]]
        if data["cursor"]["is_end"]:
            break
        next_ = data["cursor"]["next"]
    assert pages == 3 and len(set(seen)) == 60
    assert any(r["replies"] for r in data["replies"]) and any(
        r.get("reply_control", {}).get("location") for r in data["replies"]
    )


async def test_time_mode_counts_down_floors(client: httpx.AsyncClient) -> None:
    oid = (await search(client, "咖啡"))["data"]["result"][1]["aid"]
    first = (await main_page(client, oid, 0, mode=2))["data"]["cursor"]
    assert (first["mode"], first["next"], first["all_count"]) == (2, 40, 60)
    second = (await main_page(client, oid, first["next"], mode=2))["data"]
    assert second["cursor"]["next"] == 20 and second["replies"] == (await main_page(client, oid, 2))["data"]["replies"]
    assert (await main_page(client, oid, 41, mode=2))["code"] == -400


async def test_sub_reply_pages_continue_the_embedded_ones(client: httpx.AsyncClient) -> None:
    oid = (await search(client, "咖啡"))["data"]["result"][0]["aid"]
    roots = (await main_page(client, oid))["data"]["replies"]
    root = next(r for r in roots if r["replies"] and r["rcount"] > 10)
    got: list[dict[str, Any]] = []
    for pn in itertools.count(1):
        data = (await signed(client, REPLY, {"oid": oid, "type": 1, "root": root["rpid"], "ps": 10, "pn": pn}))["data"]
        assert data["page"] == {"num": pn, "size": 10, "count": root["rcount"]} and data["root"]["rpid"] == root["rpid"]
        got += data["replies"]
        if pn * 10 >= data["page"]["count"]:
            break
    assert len(got) == root["rcount"] == len({r["rpid"] for r in got})
    assert got[: len(root["replies"])] == root["replies"]
    assert all(r["root"] == root["rpid"] and r["ctime"] > root["ctime"] for r in got)
    answers = [r for r in got if r["parent"] != root["rpid"]]
    assert answers and all(r["parent"] in {g["rpid"] for g in got} for r in answers)


async def test_sub_replies_of_unknown_roots_and_bad_parameters(client: httpx.AsyncClient) -> None:
    params = {"oid": 2, "type": 1, "root": 123456789, "ps": 10, "pn": 1}
    assert (await signed(client, REPLY, params))["code"] == -404
    assert (await signed(client, REPLY, params | {"ps": 50}))["code"] == -400
    assert (await signed(client, MAIN, {"oid": "x", "type": 1}))["code"] == -400


# -- users and faults -------------------------------------------------------------------------------------


async def test_user_info_for_authors_and_commenters(client: httpx.AsyncClient) -> None:
    item = (await search(client, "咖啡"))["data"]["result"][0]
    author = (await signed(client, USER, {"mid": item["mid"]}))["data"]
    assert (author["mid"], author["name"], author["face"]) == (item["mid"], item["author"], item["upic"])
    member = (await signed(client, USER, {"mid": 794383850}))["data"]
    assert (member["name"], member["sex"], member["level"]) == ("用户甲", "女", 6)
    assert (await signed(client, USER, {"mid": 42}))["code"] == -404


@pytest.mark.parametrize(
    ("fault", "status", "body"),
    [
        ("business_error", 200, {"code": -412, "message": "请求被拦截", "ttl": 1}),
        ("business_error:-404", 200, {"code": -404, "message": "啥都木有", "ttl": 1}),
        ("login_expired", 200, {"code": -101, "message": "账号未登录", "ttl": 1}),
    ],
)
async def test_risk_answers_in_bilibili_shape(fault: str, status: int, body: dict[str, Any]) -> None:
    async with make_client(create_sandbox_app([f"{fault}@host=api.bilibili.com"], anchor=ANCHOR)) as client:
        response = await client.get(SEARCH, params={"keyword": "咖啡"})
        assert (response.status_code, response.json()) == (status, body)


async def test_verification_is_the_412_risk_page_and_empty_page_empties() -> None:
    async with make_client(create_sandbox_app(["verification@path=/x/web-interface/wbi"], anchor=ANCHOR)) as client:
        response = await client.get(SEARCH, params={"keyword": "咖啡"})
        assert response.status_code == 412 and "安全风控策略" in response.text
        assert response.headers["content-type"].startswith("text/html")
    async with make_client(create_sandbox_app(["empty_page@host=api.bilibili.com"], anchor=ANCHOR)) as client:
        data = (await search(client, "咖啡"))["data"]
        assert data["result"] == [] and data["numResults"] == 100


async def test_health_lists_the_host(client: httpx.AsyncClient) -> None:
    assert "api.bilibili.com" in (await client.get("/_sandbox/health")).json()["platforms"]
