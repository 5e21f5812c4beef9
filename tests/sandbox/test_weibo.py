"""The m.weibo.cn replay over HTTP (in process): search, detail, hotflow, user info, checks."""

from __future__ import annotations

import itertools
import json
import re
from datetime import datetime
from typing import Any

import httpx
import pytest

from keypick.sandbox import create_sandbox_app

from .conftest import ANCHOR, HOTFLOW, SEARCH, hotflow_params, make_client, posts_of, search_params

END = {"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}}
RENDER = re.compile(r"var \$render_data = (\[.*?\])\[0\] \|\| \{\};", re.DOTALL)


async def _search(client: httpx.AsyncClient, keyword: str, page: int | None = None) -> dict[str, Any]:
    response = await client.get(SEARCH, params=search_params(keyword, page))
    assert response.status_code == 200
    payload: dict[str, Any] = response.json()
    return payload


def _when(text: str) -> datetime:
    return datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y")


async def test_same_request_gives_identical_bytes(client: httpx.AsyncClient) -> None:
    first = await client.get(SEARCH, params=search_params("咖啡", 2))
    second = await client.get(SEARCH, params=search_params("咖啡", 2))
    assert first.content == second.content
    async with make_client(create_sandbox_app(anchor=ANCHOR)) as other:
        third = await other.get(SEARCH, params=search_params("咖啡", 2))
    assert third.content == first.content


async def test_seed_changes_the_items() -> None:
    async with make_client(create_sandbox_app(anchor=ANCHOR, seed="other")) as other:
        theirs = {p["id"] for p in posts_of(await _search(other, "咖啡"))}
    async with make_client(create_sandbox_app(anchor=ANCHOR)) as mine:
        ours = {p["id"] for p in posts_of(await _search(mine, "咖啡"))}
    assert not theirs & ours


async def test_pages_and_keywords_have_disjoint_ids(client: httpx.AsyncClient) -> None:
    seen: list[str] = []
    for keyword in ("咖啡", "手冲"):
        for page in range(1, 6):
            seen += [p["id"] for p in posts_of(await _search(client, keyword, page))]
    assert len(seen) == 2 * (12 + 4 * 10)
    assert len(set(seen)) == len(seen)
    assert all(len(mid) == 16 and mid.isdigit() for mid in seen)


async def test_page_one_has_ten_posts_and_a_group_with_a_tip(client: httpx.AsyncClient) -> None:
    cards = (await _search(client, "咖啡"))["data"]["cards"]
    assert [c["card_type"] for c in cards].count(9) == 10
    (group,) = [c for c in cards if c["card_type"] == 11]
    assert sorted(child["card_type"] for child in group["card_group"]) == [9, 9, 58]
    later = (await _search(client, "咖啡", 2))["data"]["cards"]
    assert [c["card_type"] for c in later] == [9] * 10


async def test_paging_ends_after_pages_with_the_real_end_answer() -> None:
    async with make_client(create_sandbox_app(pages=2, anchor=ANCHOR)) as client:
        first = await _search(client, "咖啡")
        assert first["ok"] == 1 and first["data"]["cardlistInfo"]["page"] == 2
        last = await _search(client, "咖啡", 2)
        assert last["data"]["cardlistInfo"]["page"] is None and len(posts_of(last)) == 10
        assert await _search(client, "咖啡", 3) == END


@pytest.mark.parametrize("keyword", ["空空如也", "empty-test"])
async def test_empty_keywords_have_no_results(client: httpx.AsyncClient, keyword: str) -> None:
    assert await _search(client, keyword) == END


async def test_keyword_appears_in_every_text(client: httpx.AsyncClient) -> None:
    for page in (1, 3):
        for post in posts_of(await _search(client, "手冲", page)):
            assert "手冲" in re.sub(r"<[^>]+>", "", post["text"])


async def test_times_are_absolute_and_newest_first_across_pages(client: httpx.AsyncClient) -> None:
    times = []
    for page in range(1, 6):
        times += [_when(p["created_at"]) for p in posts_of(await _search(client, "咖啡", page))]
    assert all(a > b for a, b in itertools.pairwise(times))
    assert times[0] <= ANCHOR and (ANCHOR - times[-1]).days >= 2


async def test_users_pics_and_string_counts_come_from_the_real_sample(client: httpx.AsyncClient) -> None:
    posts = [p for page in (1, 2, 3) for p in posts_of(await _search(client, "咖啡", page))]
    assert {p["user"]["id"] for p in posts} == {1331994986}
    assert any(p["reposts_count"] == "100万+" for p in posts)
    assert any(isinstance(p["attitudes_count"], int) for p in posts)
    assert any(p.get("pics") for p in posts) and any(p.get("retweeted_status") for p in posts)


async def test_long_text_item_has_its_full_text_on_the_detail_page(client: httpx.AsyncClient) -> None:
    for page in (1, 2):
        posts = posts_of(await _search(client, "咖啡", page))
        (long_post,) = [p for p in posts if p["isLongText"]]
        suffix = f' ...<a href="/status/{long_post["id"]}">全文</a>'
        assert long_post["text"].endswith(suffix)
        response = await client.get(f"/m.weibo.cn/detail/{long_post['id']}")
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
        match = RENDER.search(response.text)
        assert match is not None
        status = json.loads(match.group(1))[0]["status"]
        assert status["id"] == long_post["id"] and status["created_at"] == long_post["created_at"]
        assert status["text"].startswith(long_post["text"].removesuffix(suffix))
        assert len(status["text"]) > len(long_post["text"]) and "全文" not in status["text"]


async def test_detail_of_a_short_post_is_the_same_post(client: httpx.AsyncClient) -> None:
    post = next(p for p in posts_of(await _search(client, "咖啡")) if not p["isLongText"])
    response = await client.get(f"/m.weibo.cn/detail/{post['id']}")
    match = RENDER.search(response.text)
    assert match is not None and json.loads(match.group(1))[0]["status"] == post


async def test_detail_of_an_unknown_mid_has_no_render_data(client: httpx.AsyncClient) -> None:
    response = await client.get("/m.weibo.cn/detail/4999999999999999")
    assert response.status_code == 200
    assert "$render_data" not in response.text and "微博不存在" in response.text


async def test_hotflow_pages_until_max_id_zero(client: httpx.AsyncClient) -> None:
    mid = posts_of(await _search(client, "咖啡"))[0]["id"]
    seen: list[str] = []
    max_id: int | None = None
    pages = 0
    while True:
        response = await client.get(HOTFLOW, params=hotflow_params(mid, max_id))
        data = response.json()["data"]
        pages += 1
        assert len(data["data"]) == 10 and data["max_id_type"] == 0
        seen += [c["id"] for c in data["data"]]
        for comment in data["data"]:
            if isinstance(comment["comments"], list):
                assert all(reply["rootid"] == comment["id"] for reply in comment["comments"])
        max_id = data["max_id"]
        if max_id == 0:
            break
        assert pages < 10
    assert pages == 3 and len(set(seen)) == 30
    again = await client.get(HOTFLOW, params=hotflow_params(mid))
    assert again.json()["data"]["data"][0]["id"] == seen[0]


async def test_hotflow_differs_per_post(client: httpx.AsyncClient) -> None:
    first, second = posts_of(await _search(client, "咖啡"))[:2]
    ids = []
    for post in (first, second):
        response = await client.get(HOTFLOW, params=hotflow_params(post["id"]))
        ids.append({c["id"] for c in response.json()["data"]["data"]})
    assert not ids[0] & ids[1]


async def test_user_info_for_a_search_author(client: httpx.AsyncClient) -> None:
    uid = posts_of(await _search(client, "咖啡"))[0]["user"]["id"]
    params = {"jumpfrom": "weibocom", "type": "uid", "value": uid, "containerid": f"100505{uid}"}
    payload = (await client.get(SEARCH, params=params)).json()
    assert payload["ok"] == 1 and payload["data"]["userInfo"]["id"] == uid
    assert payload["data"]["userInfo"]["screen_name"] == "用户甲"


async def test_user_info_for_a_commenter_and_an_unknown_uid(client: httpx.AsyncClient) -> None:
    ok = await client.get(SEARCH, params={"type": "uid", "value": 6077608466, "containerid": "1005056077608466"})
    assert ok.json()["data"]["userInfo"]["screen_name"] == "用户戊"
    missing = await client.get(SEARCH, params={"type": "uid", "value": 42, "containerid": "10050542"})
    assert missing.json() == {"ok": 0, "msg": "用户不存在"}


@pytest.mark.parametrize(
    ("path", "params", "needle"),
    [
        (SEARCH, {"containerid": "100103type=1&q=咖啡"}, "page_type"),
        (SEARCH, {"containerid": "100103type=1", "page_type": "searchall"}, "q is missing"),
        (SEARCH, {"containerid": "100103type=9&q=咖啡", "page_type": "searchall"}, "type"),
        (SEARCH, {**search_params("咖啡"), "page": "0"}, "page"),
        (SEARCH, {"page_type": "searchall"}, "containerid"),
        (SEARCH, {"type": "user", "value": "1", "containerid": "1005051"}, "type must be uid"),
        (SEARCH, {"type": "uid", "value": "1", "containerid": "1005052"}, "containerid"),
        (HOTFLOW, {"id": "4111111111111111", "max_id_type": 0}, "mid"),
        (HOTFLOW, {"id": "4111111111111111", "mid": "4111111111111112", "max_id_type": 0}, "same"),
        (HOTFLOW, {"id": "4111111111111111", "mid": "4111111111111111"}, "max_id_type"),
        (HOTFLOW, {**hotflow_params("4111111111111111"), "max_id": 123}, "max_id"),
    ],
)
async def test_bad_parameters_answer_ok_0_naming_the_problem(
    client: httpx.AsyncClient, path: str, params: dict[str, Any], needle: str
) -> None:
    response = await client.get(path, params=params)
    assert response.status_code == 200
    payload = response.json()
    assert payload["ok"] == 0 and needle in payload["msg"]


async def test_requests_without_user_agent_are_forbidden(client: httpx.AsyncClient) -> None:
    response = await client.get(SEARCH, params=search_params("咖啡"), headers={"User-Agent": ""})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/www.xiaohongshu.com/explore",
        "/m.weibo.cn/api/unknown",
        "/m.weibo.cn/api/container/getIndex?containerid=2302831331994986",
        "/nohost",
    ],
)
async def test_unknown_host_or_path_is_an_obvious_404(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    assert response.json()["sandbox_error"].startswith("no replay for")


async def test_post_to_a_get_endpoint_has_no_replay(client: httpx.AsyncClient) -> None:
    response = await client.post(SEARCH, params=search_params("咖啡"))
    assert response.status_code == 404


async def test_login_check_reflects_the_cookie(client: httpx.AsyncClient) -> None:
    without = await client.get("/m.weibo.cn/api/config")
    assert without.json() == {"ok": 1, "data": {"login": False}}
    with_cookie = await client.get("/m.weibo.cn/api/config", headers={"Cookie": "SUB=x"})
    assert with_cookie.json()["data"]["login"] is True


async def test_health(client: httpx.AsyncClient) -> None:
    health = (await client.get("/_sandbox/health")).json()
    assert health["status"] == "ok" and "m.weibo.cn" in health["platforms"] and health["pages"] == 5
    assert health["anchor"] == ANCHOR.isoformat()


async def test_timeline_pages_by_since_id_and_checks_it(client: httpx.AsyncClient) -> None:
    uid, params = "1331994986", {"type": "uid", "value": "1331994986", "containerid": "1076031331994986"}
    first = (await client.get(SEARCH, params=params)).json()
    assert first["ok"] == 1 and len(first["data"]["cards"]) == 10
    assert {c["mblog"]["user"]["id"] for c in first["data"]["cards"]} == {int(uid)}
    since_id = first["data"]["cardlistInfo"]["since_id"]
    second = (await client.get(SEARCH, params=params | {"since_id": str(since_id)})).json()
    assert second["ok"] == 1 and {c["mblog"]["id"] for c in second["data"]["cards"]}.isdisjoint(
        {c["mblog"]["id"] for c in first["data"]["cards"]}
    )
    again = (await client.get(SEARCH, params=params)).json()
    assert again == first  # deterministic
    forged = (await client.get(SEARCH, params=params | {"since_id": "123"})).json()
    assert forged["ok"] == 0 and "since_id" in forged["msg"]
    wrong = (await client.get(SEARCH, params=params | {"containerid": "1076039999"})).json()
    assert wrong["ok"] == 0 and "containerid" in wrong["msg"]
    nobody = (await client.get(SEARCH, params={"type": "uid", "value": "1", "containerid": "1076031"})).json()
    assert nobody == {"ok": 0, "msg": "用户不存在"}
