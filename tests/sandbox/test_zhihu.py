"""The Zhihu replay over HTTP (in process): pages, signed search, comments, content and profile pages, faults.

Requests are signed here the way the sandbox page's hook signs them (signing_pages.sign over the
raw path + query and the d_c0 cookie). Comments and HTML pages have no real capture: their shape
is built from platforms.md §7 (see zhihu_data.py); the search items are the real capture, varied.
"""

from __future__ import annotations

import itertools
import json
import re
from datetime import timedelta
from typing import Any

import httpx
import pytest

from keypick.platforms.zhihu.parsers import parse_comment_page, parse_detail_html, parse_people_html, parse_search_page
from keypick.sandbox import create_sandbox_app
from keypick.sandbox.samples import load_text
from keypick.sandbox.signing_pages import sign

from .conftest import ANCHOR, make_client

WWW = "/www.zhihu.com"
SEARCH = f"{WWW}/api/v4/search_v3"
D_C0 = "AJDf2-sandbox|1712584885"
SAMPLE_AUTHORS = {"用户甲", "用户乙", "用户丙", "用户丁", "用户戊", "用户己"}
STATE = re.compile(r'<script id="js-initialData" type="text/json">(.*?)</script>', re.DOTALL)


def search_params(keyword: str, offset: int = 0, **changes: Any) -> dict[str, Any]:
    """The query the adapter sends for one search page."""
    params = {"gk_version": "gz-gaokao", "t": "general", "q": keyword, "correction": 1, "offset": offset,
              "limit": 20, "filter_fields": "", "lc_idx": offset, "show_all_topics": 0, "search_source": "Filter",
              "time_interval": "", "sort": "", "vertical": ""}  # fmt: skip
    return params | changes


async def signed_get(
    client: httpx.AsyncClient, path: str, params: dict[str, Any] | None = None, *, d_c0: str | None = D_C0,
    sign_with: str | None = None, version: str | None = "3.0.91",
) -> httpx.Response:  # fmt: skip
    """GET with the x-zse-96 header the sandbox page would add (none without d_c0)."""
    url = httpx.URL(path, params=params or {})
    target = url.raw_path.decode()
    headers = {"x-zse-93": "101_3_3.0", "x-requested-with": "fetch"}
    if version:
        headers["x-api-version"] = version
    if d_c0:
        headers["cookie"] = f"_xsrf=x; d_c0={d_c0}"
        headers["x-zse-96"] = "2.0_" + sign("zhihu", f"{target}\n{sign_with or d_c0}")
    return await client.get(url, headers=headers)


async def _search(client: httpx.AsyncClient, keyword: str, page: int = 1, **changes: Any) -> dict[str, Any]:
    response = await signed_get(client, SEARCH, search_params(keyword, (page - 1) * 20, **changes))
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()
    return payload


def _objects(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [item["object"] for item in payload["data"] if item["type"] == "search_result"]


def _contents(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [obj for obj in _objects(payload) if obj["type"] in ("answer", "article")]


async def test_pages_are_the_signing_page(client: httpx.AsyncClient) -> None:
    for path in (f"{WWW}/", f"{WWW}/search?type=content&q=咖啡", "/zhuanlan.zhihu.com/"):
        response = await client.get(path)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
        assert 'data-keypick-sandbox="zhihu"' in response.text and "x-zse-96" in response.text


async def test_same_request_gives_identical_bytes(client: httpx.AsyncClient) -> None:
    first = await signed_get(client, SEARCH, search_params("咖啡", 20))
    second = await signed_get(client, SEARCH, search_params("咖啡", 20))
    assert first.content == second.content
    async with make_client(create_sandbox_app(anchor=ANCHOR)) as other:
        assert (await signed_get(other, SEARCH, search_params("咖啡", 20))).content == first.content
    async with make_client(create_sandbox_app(anchor=ANCHOR, seed="other")) as seeded:
        theirs = {o["id"] for o in _objects(await _search(seeded, "咖啡"))}
    assert not theirs & {o["id"] for o in _objects(await _search(client, "咖啡"))}


async def test_page_layout_cards_then_results(client: httpx.AsyncClient) -> None:
    first = await _search(client, "咖啡")
    assert [i["type"] for i in first["data"][:3]] == ["koc_box", "knowledge_ad", "relevant_query"]
    assert len(first["data"]) == 20 and [i["type"] for i in first["data"][3:]] == ["search_result"] * 17
    second = await _search(client, "咖啡", 2)
    assert [i["type"] for i in second["data"]] == ["search_result"] * 20
    assert first["paging"]["is_end"] is False and "offset=20" in first["paging"]["next"]
    assert {"search_action_info", "ab_params", "is_koc_words"} <= set(first)  # the capture's other keys
    parsed = parse_search_page(first, fetched_at=ANCHOR)
    assert len(parsed.posts) == 15 and parsed.skipped == 5  # 3 cards + 2 questions


async def test_pages_and_keywords_have_disjoint_ids_of_the_real_shape(client: httpx.AsyncClient) -> None:
    seen: list[str] = []
    for keyword in ("咖啡", "手冲"):
        for page in range(1, 6):
            seen += [o["id"] for o in _objects(await _search(client, keyword, page))]
    assert len(seen) == 2 * (17 + 4 * 20) and len(set(seen)) == len(seen)
    assert all(i.isdigit() for i in seen)


async def test_keyword_in_highlights_titles_and_content(client: httpx.AsyncClient) -> None:
    for page in (1, 3):
        payload = await _search(client, "手冲", page)
        for item in payload["data"][3 if page == 1 else 0 :]:
            assert "<em>手冲</em>" in item["highlight"]["title"] + item["highlight"]["description"]
        for obj in _contents(payload):
            assert "手冲" in (obj.get("title") or obj["question"]["name"])
            assert "手冲" in obj.get("content", obj["excerpt"])


async def test_one_card_per_page_has_only_its_excerpt(client: httpx.AsyncClient) -> None:
    for page in (1, 2, 3):
        cut = [o for o in _contents(await _search(client, "咖啡", page)) if "content" not in o]
        assert len(cut) == 1 and cut[0]["type"] == "answer" and cut[0]["excerpt"]


async def test_times_newest_first_across_pages(client: httpx.AsyncClient) -> None:
    times = []
    for page in range(1, 6):
        times += [o["created_time"] for o in _contents(await _search(client, "咖啡", page))]
    assert all(a > b for a, b in itertools.pairwise(times))
    assert times[0] <= ANCHOR.timestamp() and ANCHOR.timestamp() - times[-1] > 10 * 86400


async def test_time_interval_cuts_results(client: httpx.AsyncClient) -> None:
    payload = await _search(client, "咖啡", time_interval="a_day")
    objects = _contents(payload)
    assert 0 < len(objects) < 17 and payload["paging"]["is_end"] is True
    assert all(o["created_time"] >= (ANCHOR - timedelta(days=1)).timestamp() for o in objects)


async def test_paging_ends_after_pages() -> None:
    async with make_client(create_sandbox_app(pages=2, anchor=ANCHOR)) as client:
        assert (await _search(client, "咖啡", 2))["paging"]["is_end"] is True
        past = await _search(client, "咖啡", 3)
        assert past["data"] == [] and past["paging"]["is_end"] is True


@pytest.mark.parametrize("keyword", ["空空如也", "empty-test"])
async def test_empty_keywords_have_no_results(client: httpx.AsyncClient, keyword: str) -> None:
    payload = await _search(client, keyword)
    assert payload["data"] == [] and payload["paging"]["is_end"] is True


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [({"d_c0": None}, 403, 10003), ({"sign_with": "other"}, 403, 10003), ({"version": None}, 400, 100)],
    ids=["no d_c0, no signature", "signed with another d_c0", "no x-api-version"],
)
async def test_unsigned_or_bare_requests_are_refused(
    client: httpx.AsyncClient, kwargs: dict[str, Any], status: int, code: int
) -> None:
    response = await signed_get(client, SEARCH, search_params("咖啡"), **kwargs)
    assert response.status_code == status and response.json()["error"]["code"] == code
    if code == 10003:
        assert response.json()["error"]["message"] == "请求参数异常，请升级客户端后重试"


@pytest.mark.parametrize(
    ("changes", "needle"),
    [({"q": ""}, "q is missing"), ({"t": "x"}, "t must"), ({"offset": 7, "lc_idx": 7}, "offset"),
     ({"limit": 10}, "limit"), ({"lc_idx": 40}, "lc_idx"), ({"time_interval": "a_decade"}, "time_interval"),
     ({"sort": "hot"}, "sort"), ({"vertical": "pin"}, "vertical")],
)  # fmt: skip
async def test_bad_search_parameters(client: httpx.AsyncClient, changes: dict[str, Any], needle: str) -> None:
    response = await signed_get(client, SEARCH, search_params("咖啡") | changes)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == 100 and error["message"].startswith("请求头或参数封装错误") and needle in error["message"]


async def _root_page(client: httpx.AsyncClient, answer_id: str, offset: str = "") -> httpx.Response:
    path = f"{WWW}/api/v4/comment_v5/answers/{answer_id}/root_comment"
    return await signed_get(client, path, {"order": "score", "offset": offset, "limit": 10})


async def test_root_and_child_comments_page_to_the_end(client: httpx.AsyncClient) -> None:
    answer = next(o for o in _contents(await _search(client, "咖啡")) if o["type"] == "answer")
    roots: list[dict[str, Any]] = []
    offset, pages = "", 0
    while True:
        payload = (await _root_page(client, answer["id"], offset)).json()
        pages += 1
        roots += payload["data"]
        page = parse_comment_page(payload, post_id=answer["id"], fetched_at=ANCHOR)
        if page.end:
            break
        offset = page.next_offset
    assert pages == 2 and len({r["id"] for r in roots}) == 20
    assert {r["author"]["name"] for r in roots} <= SAMPLE_AUTHORS
    assert all(r["created_time"] >= answer["created_time"] and r["reply_comment_id"] == "0" for r in roots)
    assert all(r["comment_tag"][0]["text"].startswith("IP 属地") for r in roots)
    big = roots[0]
    assert big["child_comment_count"] == 12
    child_path = f"{WWW}/api/v4/comment_v5/comment/{big['id']}/child_comment"
    first = (await signed_get(client, child_path, {"order": "sort", "offset": "", "limit": 10})).json()
    token = parse_comment_page(first, post_id="", fetched_at=ANCHOR, root_id=big["id"]).next_offset
    second = (await signed_get(client, child_path, {"order": "sort", "offset": token, "limit": 10})).json()
    children = first["data"] + second["data"]
    assert len(children) == 12 and second["paging"]["is_end"] is True
    assert children[0]["reply_comment_id"] == big["id"] and children[1]["reply_comment_id"] == children[0]["id"]
    thread = {big["id"], *(child["id"] for child in children)}
    assert all(child["reply_comment_id"] in thread for child in children)


async def test_comment_texts_are_real_sentences_of_the_capture(client: httpx.AsyncClient) -> None:
    answer = _contents(await _search(client, "咖啡"))[0]
    roots = (await _root_page(client, answer["id"])).json()["data"]
    capture = re.sub(r"</?em>", "", load_text("zhihu", "search_v3-1.json"))
    assert all(r["content"].removesuffix("。") in capture for r in roots)


async def test_comments_of_unknown_content_are_404(client: httpx.AsyncClient) -> None:
    response = await _root_page(client, "999999999")
    assert response.status_code == 404 and response.json()["error"]["code"] == 404
    article = next(o for o in _contents(await _search(client, "咖啡")) if o["type"] == "article")
    assert (await _root_page(client, article["id"])).status_code == 404  # wrong resource kind
    bad_offset = await _root_page(client, _contents(await _search(client, "咖啡"))[0]["id"], "made-up")
    assert bad_offset.status_code == 400 and "offset" in bad_offset.json()["error"]["message"]


async def test_answer_and_article_pages_hold_the_full_content(client: httpx.AsyncClient) -> None:
    contents = _contents(await _search(client, "咖啡"))
    answer = next(o for o in contents if o["type"] == "answer" and "content" not in o)
    response = await client.get(f"{WWW}/question/{answer['question']['id']}/answer/{answer['id']}")
    match = STATE.search(response.text)
    assert response.status_code == 200 and match is not None
    entity = json.loads(match.group(1))["initialState"]["entities"]["answers"][answer["id"]]
    assert "voteupCount" in entity and "createdTime" in entity  # camelCase, as page state spells it
    full = parse_detail_html(response.text, fetched_at=ANCHOR, content_id=answer["id"])
    assert full.content.startswith("咖啡") and full.publish_time is not None
    wrong = await client.get(f"{WWW}/question/1/answer/{answer['id']}")
    assert wrong.status_code == 404 and "js-initialData" not in wrong.text
    article = next(o for o in contents if o["type"] == "article")
    page = await client.get(f"/zhuanlan.zhihu.com/p/{article['id']}")
    assert parse_detail_html(page.text, fetched_at=ANCHOR, content_id=article["id"]).id == article["id"]
    assert (await client.get("/zhuanlan.zhihu.com/p/1")).status_code == 404


async def test_people_pages_by_token_and_id(client: httpx.AsyncClient) -> None:
    author = _contents(await _search(client, "咖啡"))[0]["author"]
    for key in (author["url_token"], author["id"]):
        response = await client.get(f"{WWW}/people/{key}")
        assert parse_people_html(response.text, user_key=key).nickname == author["name"]
    assert (await client.get(f"{WWW}/people/nobody")).status_code == 404


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [("business_error:40362", 403, 40362), ("business_error", 400, 100), ("login_expired", 401, 101),
     ("verification", 403, 40352)],
)  # fmt: skip
async def test_faults_answer_in_zhihu_shapes(client: httpx.AsyncClient, fault: str, status: int, code: int) -> None:
    assert (await client.post("/_sandbox/faults", json=[f"{fault}@path=/api/v4/search_v3"])).status_code == 200
    assert (await client.get(f"{WWW}/")).status_code == 200  # pages are out of the fault's scope
    response = await signed_get(client, SEARCH, search_params("咖啡"))
    assert response.status_code == status and response.json()["error"]["code"] == code
    if code == 40352:
        assert "/account/unhuman" in response.json()["error"]["redirect"]


async def test_empty_page_fault_empties_the_data(client: httpx.AsyncClient) -> None:
    await client.post("/_sandbox/faults", json=["empty_page"])
    payload = await _search(client, "咖啡")
    assert payload["data"] == [] and parse_search_page(payload, fetched_at=ANCHOR).end is True


async def test_health_lists_both_hosts(client: httpx.AsyncClient) -> None:
    platforms = (await client.get("/_sandbox/health")).json()["platforms"]
    assert {"www.zhihu.com", "zhuanlan.zhihu.com"} <= set(platforms)


# -- an author's answers (/api/v4/members/{t}/answers) ---------------------------------------------------

INCLUDE = "data[*].content,excerpt,voteup_count,comment_count,favlists_count,created_time,updated_time,question,author"


def members_path(token: str) -> str:
    """The sandbox path of an author's answer list."""
    return f"{WWW}/api/v4/members/{token}/answers"


def member_params(offset: int = 0, **changes: Any) -> dict[str, Any]:
    """The query the adapter sends for one page of an author's answers."""
    return {"include": INCLUDE, "offset": offset, "limit": 20, "order_by": "created"} | changes


async def test_member_answers_page_a_real_authors_answers(client: httpx.AsyncClient) -> None:
    author = _contents(await _search(client, "咖啡"))[0]["author"]
    pages, offset = [], 0
    while True:
        response = await signed_get(client, members_path(author["url_token"]), member_params(offset))
        assert response.status_code == 200, response.text
        pages.append(response.json())
        if pages[-1]["paging"]["is_end"]:
            break
        offset = int(str(httpx.URL(pages[-1]["paging"]["next"]).params["offset"]))
    assert len(pages) == 5 and all(len(p["data"]) == 20 for p in pages)
    answers = [a for p in pages for a in p["data"]]
    assert len({a["id"] for a in answers}) == 100 and {a["type"] for a in answers} == {"answer"}
    assert all(a["author"] == author for a in answers)  # the requested author wrote them all
    real = {i["object"]["question"]["name"] for i in json.loads(load_text("zhihu", "search_v3-1.json"))["data"]
            if i.get("object", {}).get("type") == "answer"}  # fmt: skip
    assert {a["question"]["name"] for a in answers} == {re.sub(r"</?em>", "", n) for n in real}
    assert not any("<em>" in a.get("excerpt", "") or "咖啡" in a.get("content", "") for a in answers)
    times = [a["created_time"] for a in answers]
    assert times == sorted(times, reverse=True) and times[0] <= ANCHOR.timestamp()
    assert [sum("content" not in a for a in p["data"]) for p in pages] == [1] * 5  # one cut answer a page
    # The cut answer's page holds its full text, as for a search card.
    cut = next(a for a in answers if "content" not in a)
    page = await client.get(f"{WWW}/question/{cut['question']['id']}/answer/{cut['id']}")
    assert parse_detail_html(page.text, fetched_at=ANCHOR, content_id=cut["id"]).content
    # The 32-hex id names the same member as the url_token.
    by_id = await signed_get(client, members_path(author["id"]), member_params())
    assert by_id.json()["data"] == pages[0]["data"]


async def test_member_answers_checks(client: httpx.AsyncClient) -> None:
    token = _contents(await _search(client, "咖啡"))[0]["author"]["url_token"]
    unknown = await signed_get(client, members_path("nobody-here"), member_params())
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == 404
    for changes in ({"offset": 7}, {"limit": 10}, {"order_by": "hot"}):
        bad = await signed_get(client, members_path(token), member_params(**changes))
        assert bad.status_code == 400 and bad.json()["error"]["code"] == 100
    bare = await signed_get(client, members_path(token), member_params(include="data[*].voteup_count"))
    assert bare.status_code == 200 and not any("content" in a for a in bare.json()["data"])
    unsigned = await signed_get(client, members_path(token), member_params(), d_c0=None)
    assert unsigned.status_code == 403 and unsigned.json()["error"]["code"] == 10003


@pytest.mark.parametrize(
    ("fault", "status", "code"), [("business_error:40362", 403, 40362), ("login_expired", 401, 101)]
)
async def test_member_answers_faults(client: httpx.AsyncClient, fault: str, status: int, code: int) -> None:
    author = _contents(await _search(client, "咖啡"))[0]["author"]
    assert (await client.post("/_sandbox/faults", json=[f"{fault}@path=/api/v4/members"])).status_code == 200
    response = await signed_get(client, members_path(author["url_token"]), member_params())
    assert response.status_code == status and response.json()["error"]["code"] == code
    await client.post("/_sandbox/faults", json=[f"empty_page@keyword=member:{author['id']},page=2"])
    first = await signed_get(client, members_path(author["url_token"]), member_params())
    second = await signed_get(client, members_path(author["url_token"]), member_params(20))
    assert len(first.json()["data"]) == 20 and second.json()["data"] == []
