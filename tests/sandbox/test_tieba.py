"""The tieba.baidu.com replay over HTTP (in process): search, sync/tbs, page_pc, 楼中楼, profiles, checks, faults.

Only the HTML search page is a real capture; the JSON envelopes and the 楼中楼 page are built from the
platforms.md field lists around the real posts (see sandbox/tieba_data.py).
"""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from keypick.platforms.tieba.parsers import parse_search_html, parse_sub_replies
from keypick.platforms.tieba.signing import sign_params
from keypick.sandbox import create_sandbox_app
from keypick.sandbox.tieba_data import real_posts

from .conftest import ANCHOR, make_client

T = "/tieba.baidu.com"
SEARCH, SYNC, PB, LZL, USER, HTML = (f"{T}/mo/q/search/multsearch", f"{T}/c/s/pc/sync", f"{T}/c/f/pb/page_pc",
                                     f"{T}/p/comment", f"{T}/c/u/pc/homeSidebarRight", f"{T}/f/search/res")  # fmt: skip
FORM = {"content-type": "application/x-www-form-urlencoded;charset=UTF-8"}
REAL_TITLES = {p.title for p in real_posts()}
REAL_AUTHORS = {p.author for p in real_posts()}


SEARCH_BASE = {"rn": 20, "st": 1, "needbrand": 1, "sug_type": 2, "come_from": "search"}


def search_params(keyword: str, pn: int = 1, st: int = 1) -> dict[str, str]:
    """The signed query the adapter sends for one search page."""
    return sign_params(SEARCH_BASE | {"word": keyword, "pn": pn, "st": st})


async def search(client: httpx.AsyncClient, keyword: str, pn: int = 1, st: int = 1) -> list[dict[str, Any]]:
    payload = (await client.get(SEARCH, params=search_params(keyword, pn, st))).json()
    assert payload["error_code"] == 0, payload
    return [c["data"] for c in payload["data"]["card_list"] if c["cardStyle"] == "thread"]


async def tbs(client: httpx.AsyncClient, cookie: str | None = None) -> str:
    headers = {"Cookie": cookie} if cookie else {}
    return str((await client.get(SYNC, params=sign_params({}), headers=headers)).json()["data"]["anti"]["tbs"])


async def page_pc(client: httpx.AsyncClient, tid: str | int, pn: int = 1, **changes: Any) -> dict[str, Any]:
    form = {"pn": pn, "lz": 0, "r": 2, "mark_type": 0, "back": 0, "fr": "", "kz": tid, "session_request_times": 1,
            "tbs": await tbs(client)} | changes  # fmt: skip
    response = await client.post(PB, content=urlencode(sign_params(form)), headers=FORM)
    assert response.status_code == 200
    return dict(response.json())


# -- search ------------------------------------------------------------------------------------------


async def test_same_request_gives_identical_bytes(client: httpx.AsyncClient) -> None:
    first = await client.get(SEARCH, params=search_params("咖啡", 2))
    second = await client.get(SEARCH, params=search_params("咖啡", 2))
    async with make_client(create_sandbox_app(anchor=ANCHOR)) as other:
        third = await other.get(SEARCH, params=search_params("咖啡", 2))
    assert first.content == second.content == third.content


async def test_seed_changes_the_ids(client: httpx.AsyncClient) -> None:
    async with make_client(create_sandbox_app(anchor=ANCHOR, seed="other")) as other:
        theirs = {t["tid"] for t in await search(other, "咖啡")}
    assert not theirs & {t["tid"] for t in await search(client, "咖啡")}


async def test_pages_and_keywords_have_disjoint_ids(client: httpx.AsyncClient) -> None:
    seen = [t["tid"] for kw in ("咖啡", "手冲") for pn in range(1, 6) for t in await search(client, kw, pn)]
    assert len(seen) == 2 * 5 * 20 == len(set(seen))
    assert all(isinstance(tid, int) and len(str(tid)) == 10 for tid in seen)


async def test_page_one_has_a_forum_card_among_twenty_threads(client: httpx.AsyncClient) -> None:
    cards = (await client.get(SEARCH, params=search_params("咖啡"))).json()["data"]["card_list"]
    assert [c["cardStyle"] for c in cards].count("thread") == 20
    assert cards[1] == {"cardStyle": "forum", "data": {"forum_name": "咖啡"}}
    later = (await client.get(SEARCH, params=search_params("咖啡", 2))).json()["data"]["card_list"]
    assert {c["cardStyle"] for c in later} == {"thread"}


async def test_paging_ends_after_pages_with_an_empty_card_list() -> None:
    async with make_client(create_sandbox_app(pages=2, anchor=ANCHOR)) as client:
        assert len(await search(client, "咖啡", 2)) == 20
        answer = (await client.get(SEARCH, params=search_params("咖啡", 3))).json()
        assert answer == {"error_code": 0, "error_msg": "success", "data": {"card_list": []}}


@pytest.mark.parametrize("keyword", ["空空如也", "empty-test"])
async def test_empty_keywords_have_no_results(client: httpx.AsyncClient, keyword: str) -> None:
    assert await search(client, keyword) == []


async def test_cards_carry_the_real_posts_and_the_keyword(client: httpx.AsyncClient) -> None:
    threads = await search(client, "手冲")
    assert {t["title"] for t in threads} == REAL_TITLES
    assert {t["user"]["show_nickname"] for t in threads} == REAL_AUTHORS
    assert {t["forum_name"] for t in threads} == {p.forum for p in real_posts()}
    assert all(t["content"].startswith("手冲：") for t in threads)
    assert all(t["user"]["portrait"].startswith("tb.1.") and isinstance(t["post_num"], int) for t in threads)


async def test_recent_sort_is_newest_first_across_pages_and_ends_at_the_anchor(client: httpx.AsyncClient) -> None:
    times = [t["time"] for pn in range(1, 6) for t in await search(client, "咖啡", pn)]
    assert all(a > b for a, b in itertools.pairwise(times))
    assert times[0] <= ANCHOR.timestamp() and ANCHOR.timestamp() - times[-1] > 2 * 86400


async def test_other_sorts_reorder_the_same_threads(client: httpx.AsyncClient) -> None:
    recent = await search(client, "咖啡", st=1)
    relevance, oldest = await search(client, "咖啡", st=2), await search(client, "咖啡", st=0)
    assert {t["tid"] for t in relevance} == {t["tid"] for t in recent} and relevance != recent
    assert oldest == recent[::-1]


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"sign": "0" * 32}, "sign error"),
        ({"word": "别的"}, "sign error"),  # changed after signing
        ({"subapp_type": None}, "subapp_type"),
    ],
)
async def test_signature_is_checked(client: httpx.AsyncClient, change: dict[str, Any], needle: str) -> None:
    params = {k: v for k, v in (search_params("咖啡") | change).items() if v is not None}
    payload = (await client.get(SEARCH, params=params)).json()
    assert payload["error_code"] == 220034 and needle in payload["error_msg"]


@pytest.mark.parametrize(
    "change", [{"needbrand": 0}, {"come_from": "x"}, {"st": 9}, {"pn": 0}, {"rn": 99}, {"word": ""}]
)
async def test_bad_search_parameters_are_rejected(client: httpx.AsyncClient, change: dict[str, Any]) -> None:
    payload = (await client.get(SEARCH, params=sign_params(SEARCH_BASE | {"word": "咖啡", "pn": 1} | change))).json()
    assert payload["error_code"] == 220034 and payload["error_msg"].startswith("参数错误")


# -- tbs, page_pc -----------------------------------------------------------------------------------


async def test_tbs_differs_per_login(client: httpx.AsyncClient) -> None:
    anonymous, logged = await tbs(client), await tbs(client, "BDUSS=abc")
    assert anonymous != logged and len(anonymous) == 26 and anonymous == await tbs(client)
    assert (await client.get(SYNC)).json()["error_code"] == 220034  # unsigned


async def test_page_pc_serves_the_searched_thread(client: httpx.AsyncClient) -> None:
    card = (await search(client, "咖啡"))[0]
    page = await page_pc(client, card["tid"])
    thread, first = page["thread"], page["first_floor"]
    assert (thread["id"], thread["title"], thread["create_time"]) == (card["tid"], card["title"], card["time"])
    assert thread["reply_num"] == card["post_num"]
    assert (
        first["content"][0]["text"].startswith("咖啡：")
        and len(first["content"][0]["text"]) >= len(card["content"]) - 3
    )
    assert page["forum"] == page["display_forum"] and page["forum"]["name"] == card["forum_name"]
    floors = page["post_list"]
    assert floors[0]["id"] == first["id"] and floors[0]["floor"] == 1  # page 1 repeats the first floor
    assert [f["floor"] for f in floors[1:]] == list(range(2, 2 + len(floors) - 1))
    users = {u["id"]: u for u in page["user_list"]}
    assert all(f["author_id"] in users for f in floors) and {u["name_show"] for u in users.values()} <= REAL_AUTHORS
    assert all(card["time"] < f["time"] <= ANCHOR.timestamp() for f in floors[1:])


async def test_page_pc_pages_cover_every_reply_once(client: httpx.AsyncClient) -> None:
    card = next(t for t in await search(client, "咖啡") if t["post_num"] > 10)
    first = await page_pc(client, card["tid"])
    total = first["page"]["total_page"]
    ids = [f["id"] for pn in range(1, total + 1) for f in (await page_pc(client, card["tid"], pn))["post_list"]]
    assert len(ids) == len(set(ids)) == card["post_num"] + 1
    beyond = await page_pc(client, card["tid"], total + 1)
    assert beyond["error_code"] == 220034


async def test_page_pc_serves_the_real_sample_threads(client: httpx.AsyncClient) -> None:
    real = real_posts()[0]
    page = await page_pc(client, real.tid)
    assert page["first_floor"]["id"] == int(real.pid) and page["first_floor"]["content"][0]["text"] == real.text
    assert datetime.fromtimestamp(page["thread"]["create_time"], real.when.tzinfo) == real.when


@pytest.mark.parametrize(
    ("change", "code", "needle"),
    [({"tbs": "stale"}, 220034, "tbs"), ({"kz": 1}, 4, "不存在"), ({"pn": "x"}, 220034, "pn")],
)
async def test_page_pc_checks(client: httpx.AsyncClient, change: dict[str, Any], code: int, needle: str) -> None:
    tid = (await search(client, "咖啡"))[0]["tid"]
    payload = await page_pc(client, tid, **change)
    assert payload["error_code"] == code and needle in payload["error_msg"]


async def test_page_pc_wants_a_signed_form_body(client: httpx.AsyncClient) -> None:
    tid = (await search(client, "咖啡"))[0]["tid"]
    form = sign_params({"pn": 1, "kz": tid, "tbs": await tbs(client)})
    as_json = (await client.post(PB, json=form)).json()
    assert "x-www-form-urlencoded" in as_json["error_msg"]
    missing = (await client.post(PB, content=urlencode(form), headers=FORM)).json()
    assert "lz" in missing["error_msg"]
    unsigned = (await client.post(PB, content=urlencode({**form, "sign": "x"}), headers=FORM)).json()
    assert unsigned["error_msg"] == "sign error"
    assert (await client.get(PB)).status_code == 404


# -- 楼中楼 and profiles -----------------------------------------------------------------------------


async def test_sub_reply_pages(client: httpx.AsyncClient) -> None:
    threads = await search(client, "咖啡")
    for card in threads:
        page = await page_pc(client, card["tid"])
        floor = next((f for f in page["post_list"] if f["sub_post_number"] > 10), None)
        if floor is not None:
            break
    assert floor is not None
    params = {"tid": card["tid"], "pid": floor["id"], "fid": page["forum"]["id"]}
    pages = [(await client.get(LZL, params=params | {"pn": pn})).text for pn in (1, 2, 3)]
    found = [
        parse_sub_replies(p, post_id=str(card["tid"]), parent_id=str(floor["id"]), fetched_at=ANCHOR) for p in pages
    ]
    assert [len(f) for f in found] == [10, floor["sub_post_number"] - 10, 0]
    replies = found[0] + found[1]
    assert len({r.comment_id for r in replies}) == len(replies)
    assert {r.author for r in replies} <= REAL_AUTHORS and all(r.author_id and r.publish_time for r in replies)
    assert any(r.content.startswith("回复 ") for r in replies)
    wrong_forum = await client.get(LZL, params=params | {"pn": 1, "fid": 1})
    assert "lzl_single_post" not in wrong_forum.text


async def test_profile_of_a_search_author(client: httpx.AsyncClient) -> None:
    user = (await search(client, "咖啡"))[0]["user"]
    payload = (await client.get(USER, params=sign_params({"portrait": user["portrait"], "un": ""}))).json()
    profile = payload["data"]["user"]
    assert (profile["portrait"], profile["name_show"], profile["id"]) == (
        user["portrait"],
        user["show_nickname"],
        user["id"],
    )
    assert profile["sex"] in (1, 2) and isinstance(profile["fans_num"], int)
    unknown = (await client.get(USER, params=sign_params({"portrait": "tb.1.nobody", "un": ""}))).json()
    assert unknown["error_code"] == 4
    missing = (await client.get(USER, params=sign_params({"portrait": user["portrait"]}))).json()
    assert missing["error_code"] == 220034


# -- the real HTML search page, replayed ---------------------------------------------------------------


async def test_html_search_replays_the_real_page_varied(client: httpx.AsyncClient) -> None:
    first, second = [(await client.get(HTML, params={"qw": "咖啡", "pn": pn})).text for pn in (1, 2)]
    posts = parse_search_html(first, fetched_at=ANCHOR).posts + parse_search_html(second, fetched_at=ANCHOR).posts
    assert len(posts) == 20 == len({p.id for p in posts})
    assert {p.title for p in posts} == REAL_TITLES and all(p.content.startswith("咖啡：") for p in posts)
    assert {p.author for p in posts} == REAL_AUTHORS  # still the GBK un= links of the capture
    times = [p.publish_time for p in posts]
    assert all(a and b and a > b for a, b in itertools.pairwise(times))
    beyond = (await client.get(HTML, params={"qw": "咖啡", "pn": 9})).text
    assert parse_search_html(beyond, fetched_at=ANCHOR).end


# -- faults in Tieba's own shapes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "path", "check"),
    [
        (
            "business_error",
            SEARCH,
            lambda r: r.json() == {"error_code": 20003, "error_msg": "服务暂时不可用，请稍后再试"},
        ),
        ("business_error:3", SEARCH, lambda r: r.json()["error_code"] == 3),
        ("login_expired", SEARCH, lambda r: r.json() == {"error_code": 110001, "error_msg": "未登录"}),
        ("login_expired", LZL, lambda r: r.status_code == 302 and "passport.baidu.com" in r.headers["location"]),
        ("verification", SEARCH, lambda r: r.status_code == 302 and "wappass.baidu.com" in r.headers["location"]),
        ("empty_page", SEARCH, lambda r: r.json()["data"]["card_list"] == []),
    ],
)
async def test_faults_answer_like_tieba(client: httpx.AsyncClient, fault: str, path: str, check: Any) -> None:
    assert (await client.post("/_sandbox/faults", content=json.dumps([fault]))).status_code == 200
    params = search_params("咖啡") if path == SEARCH else {"tid": 1, "pid": 2, "pn": 1}
    assert check(await client.get(path, params=params))


async def test_malformed_page_pc_is_an_empty_body(client: httpx.AsyncClient) -> None:
    tid = (await search(client, "咖啡"))[0]["tid"]
    await client.post("/_sandbox/faults", content=json.dumps(["malformed_json@path=/c/f/pb/page_pc"]))
    form = sign_params({"pn": 1, "kz": tid, "tbs": await tbs(client)})
    response = await client.post(PB, content=urlencode(form), headers=FORM)
    assert response.status_code == 200 and response.content == b""


# -- a user's own threads (/c/u/feed/myThread) ----------------------------------------------------------

MY_THREAD = f"{T}/c/u/feed/myThread"


def my_thread_params(portrait: str, pn: int = 1, **changes: Any) -> dict[str, str]:
    """The signed query the adapter sends for one page of a user's threads."""
    return sign_params({"pn": pn, "rn": 20, "portrait": portrait, "type": 1, "un": ""} | changes)


async def test_my_thread_pages_a_real_users_threads(client: httpx.AsyncClient) -> None:
    user = (await search(client, "咖啡"))[0]["user"]
    pages = [(await client.get(MY_THREAD, params=my_thread_params(user["portrait"], pn))).json() for pn in range(1, 7)]
    assert all(p["error_code"] == 0 for p in pages)
    assert [p["data"]["has_more"] for p in pages] == [1, 1, 1, 1, 0, 0]
    assert [len(p["data"]["list"]) for p in pages] == [20, 20, 20, 20, 20, 0]
    infos = [item["thread_info"] for p in pages for item in p["data"]["list"]]
    assert len({i["tid"] for i in infos}) == 100 and all(i["id"] == i["tid"] for i in infos)
    assert {i["title"] for i in infos} == REAL_TITLES
    times = [i["create_time"] for i in infos]
    assert times == sorted(times, reverse=True) and times[0] <= ANCHOR.timestamp()
    # Each listed thread's page names the user as the first floor's author, with the real text only.
    detail = await page_pc(client, infos[0]["tid"])
    authors = {u["id"]: u for u in detail["user_list"]}
    assert authors[detail["first_floor"]["author_id"]]["portrait"] == user["portrait"]
    assert detail["thread"]["reply_num"] == infos[0]["reply_num"]
    assert detail["first_floor"]["content"][0]["text"] in {p.text for p in real_posts()}


@pytest.mark.parametrize(
    ("change", "code", "needle"),
    [
        ({"portrait": "tb.1.nobody"}, 4, "用户不存在"),
        ({"type": 2}, 220034, "type=1"),
        ({"rn": 99}, 220034, "rn in 1..50"),
        ({"pn": 0}, 220034, "pn >= 1"),
    ],
)
async def test_my_thread_checks(client: httpx.AsyncClient, change: dict[str, Any], code: int, needle: str) -> None:
    portrait = (await search(client, "咖啡"))[0]["user"]["portrait"]
    params = sign_params({"pn": 1, "rn": 20, "portrait": portrait, "type": 1, "un": ""} | change)
    payload = (await client.get(MY_THREAD, params=params)).json()
    assert payload["error_code"] == code and needle in payload["error_msg"]
    unsigned = {k: v for k, v in my_thread_params(portrait).items() if k != "sign"}
    assert (await client.get(MY_THREAD, params=unsigned)).json()["error_msg"] == "sign error"


@pytest.mark.parametrize(
    ("fault", "check"),
    [
        ("business_error", lambda r: r.json() == {"error_code": 20003, "error_msg": "服务暂时不可用，请稍后再试"}),
        ("verification", lambda r: r.status_code == 302 and "wappass.baidu.com" in r.headers["location"]),
        ("empty_page", lambda r: r.json()["data"] == {"list": [], "has_more": 1}),
        ("http_403", lambda r: r.status_code == 403),
    ],
)
async def test_my_thread_faults(client: httpx.AsyncClient, fault: str, check: Any) -> None:
    portrait = (await search(client, "咖啡"))[0]["user"]["portrait"]
    assert (await client.post("/_sandbox/faults", content=json.dumps([f"{fault}@path=/c/u/feed"]))).status_code == 200
    assert check(await client.get(MY_THREAD, params=my_thread_params(portrait)))
    log = (await client.get("/_sandbox/requests")).json()["requests"]
    assert log[-1]["path"] == MY_THREAD and log[-1]["faults"] and log[-1]["params"]["portrait"] == portrait
