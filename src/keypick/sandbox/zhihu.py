"""Replay of www.zhihu.com and zhuanlan.zhihu.com (platforms.md §7): pages, signature and parameter checks.

www.zhihu.com serves its home and search pages (the sandbox signing page, whose fetch hook adds
x-zse-96 from path, query and d_c0 cookie as the real page's script does), search_v3 (time_interval
applied; sort and vertical checked, order stays newest first), comment_v5 roots and children, an author's
answers (zhihu_members.py), answer and profile pages; zhuanlan.zhihu.com its home page and article pages.
Data: zhihu_data.py; Zhihu's error answers: zhihu_errors.py.

Bad requests, answered as observed in issues (assumed shapes, no capture): a missing or wrong x-zse-96
gets HTTP 403 {"error":{"code":10003,"message":"请求参数异常，请升级客户端后重试"}}; no x-api-version or
a bad parameter HTTP 400 error 100 请求头或参数封装错误 (§7.4, problem appended); unknown content 404.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from keypick.sandbox.replay import Call, html_response, json_response
from keypick.sandbox.samples import load_json
from keypick.sandbox.signing_pages import signing_page, verify_signature
from keypick.sandbox.zhihu_data import (
    HOST,
    PAGE_SIZE,
    ROOT_PAGES,
    ROOTS_PER_PAGE,
    SAMPLE,
    ZHUANLAN_HOST,
    shared_data,
    users,
)
from keypick.sandbox.zhihu_errors import BUSINESS, NOT_FOUND, SIGNATURE_ERROR, ZhihuFaults, bad_request
from keypick.sandbox.zhihu_members import MEMBER_RE, member_answers, member_key
from keypick.sandbox.zhihu_pages import not_found_page, state_page

API_VERSION = "3.0.91"
INTERVAL_DAYS = {"": None, "a_day": 1, "a_week": 7, "a_month": 30, "three_months": 90, "half_a_year": 182,
                 "a_year": 365}  # fmt: skip
SORTS = frozenset({"", "upvoted_count", "created_time"})
VERTICALS = frozenset({"", "answer", "article", "zvideo"})
_ROOT_RE = re.compile(r"/api/v4/comment_v5/(answers|articles|zvideos)/(\d+)/root_comment")
_CHILD_RE = re.compile(r"/api/v4/comment_v5/comment/(\d+)/child_comment")
_ANSWER_RE = re.compile(r"/question/(\d+)/answer/(\d+)")
_PEOPLE_RE = re.compile(r"/people/([^/]+)")
_ARTICLE_RE = re.compile(r"/p/(\d+)")
Json = dict[str, Any]


class ZhihuReplay(ZhihuFaults):
    """www.zhihu.com: pages, search_v3, comment_v5 roots and children, answer and profile pages."""

    host = HOST

    def __init__(self, *, pages: int, seed: str, anchor: datetime) -> None:
        self.pages = pages
        self.anchor = anchor
        self.data = shared_data(seed, anchor)

    def classify(self, method: str, path: str, params: Mapping[str, str]) -> Call | None:
        """Return the Call for a www.zhihu.com path, or None when the sandbox has no replay for it."""
        if method != "GET":
            return None
        if path in ("/", "/search"):
            return Call("page")
        if path == "/api/v4/me":
            return Call("me")
        if path == "/api/v4/search_v3":
            offset = params.get("offset", "0")
            page = int(offset) // PAGE_SIZE + 1 if offset.isdigit() else 1
            return Call("search", keyword=params.get("q"), page=page)
        if m := _ROOT_RE.fullmatch(path):
            page = self._root_page(m.group(2), params.get("offset", "")) or 1
            return Call("root_comment", keyword=self.data.keyword_of(m.group(2)), page=page)
        if m := _CHILD_RE.fullmatch(path):
            page = self._child_page(m.group(1), params.get("offset", "")) or 1
            return Call("child_comment", keyword=self.data.keyword_of(m.group(1)), page=page)
        if MEMBER_RE.fullmatch(path):
            page = int(offset) // PAGE_SIZE + 1 if (offset := params.get("offset", "0")).isdigit() else 1
            return Call("member_answers", keyword=member_key(path), page=page)
        if m := _ANSWER_RE.fullmatch(path):
            return Call("answer_page", keyword=self.data.keyword_of(m.group(2)))
        return Call("people_page") if _PEOPLE_RE.fullmatch(path) else None

    def answer(self, request: Request, path: str, call: Call, *, empty: bool = False) -> Response:
        """Return the replayed www.zhihu.com answer for a classified request."""
        if call.endpoint == "page":
            return html_response(signing_page("zhihu"))
        if call.endpoint == "answer_page":
            return self._answer_page(path, empty)
        if call.endpoint == "people_page":
            return self._people_page(path, empty)
        if (refused := _check_api(request)) is not None:
            return refused
        params = request.query_params
        if call.endpoint == "me":
            return self._me(request)
        if call.endpoint == "search":
            return self._search(params, empty)
        if call.endpoint == "root_comment":
            return self._roots(path, params, empty)
        if call.endpoint == "member_answers":
            return member_answers(self.data, path, params, pages=self.pages, empty=empty)
        return self._children(path, params, empty)

    def _search(self, params: Mapping[str, str], empty: bool) -> Response:
        keyword, offset = params.get("q", ""), params.get("offset", "")
        problem = (
            "q is missing" if not keyword
            else "t must be general" if params.get("t") != "general"
            else "offset must be a multiple of 20" if not offset.isdigit() or int(offset) % PAGE_SIZE
            else "limit must be 20" if params.get("limit") != str(PAGE_SIZE)
            else "lc_idx must equal offset" if params.get("lc_idx") != offset
            else "bad time_interval" if params.get("time_interval", "") not in INTERVAL_DAYS
            else "bad sort" if params.get("sort", "") not in SORTS
            else "bad vertical" if params.get("vertical", "") not in VERTICALS
            else None
        )  # fmt: skip
        if problem:
            return bad_request(problem)
        page = int(offset) // PAGE_SIZE + 1
        days = INTERVAL_DAYS[params.get("time_interval", "")]
        not_before = self.anchor - timedelta(days=days) if days else None
        items: list[Json] = []
        cut = True  # past the last page, and for the "no results" keywords
        if page <= self.pages and "空" not in keyword and "empty" not in keyword.lower():
            items, cut = self.data.search_items(keyword, page, not_before=not_before)
        if vertical := params.get("vertical", ""):  # a vertical keeps only results of that object type
            items = [i for i in items if i.get("type") == "search_result" and i["object"].get("type") == vertical]
        is_end = cut or page >= self.pages
        following = {**params, "offset": int(offset) + PAGE_SIZE, "lc_idx": int(offset) + PAGE_SIZE}
        paging = {"is_end": is_end, "next": f"https://{HOST}/api/v4/search_v3?{urlencode(following)}"}
        sample = load_json("zhihu", SAMPLE)
        body = {key: sample[key] for key in sample}
        body["search_action_info"] = {**sample["search_action_info"], "lc_idx": int(offset) + PAGE_SIZE}
        body.update(paging=paging, data=[] if empty else items)
        return json_response(body)

    @staticmethod
    def _me(request: Request) -> Response:
        """The login check: 401 ZERR_NOT_LOGIN without z_c0, else a real author of the search capture as "me"."""
        if not request.cookies.get("z_c0"):
            return json_response({"error": {"code": 101, "name": "ZERR_NOT_LOGIN", "message": BUSINESS[101][1]}}, 401)
        items = load_json("zhihu", SAMPLE)["data"]
        author = next(i["object"]["author"] for i in items if "author" in i.get("object", {}))
        return json_response({k: author[k] for k in ("id", "name", "url_token", "avatar_url") if k in author})

    def _roots(self, path: str, params: Mapping[str, str], empty: bool) -> Response:
        m = _ROOT_RE.fullmatch(path)
        assert m is not None  # classify matched it
        resource, content_id = m.groups()
        content = self.data.content(content_id)
        if content is None or f"{content['type']}s" != resource:
            return json_response(NOT_FOUND, 404)
        if (problem := _comment_params(params, order="score")) is not None:
            return problem
        page = self._root_page(content_id, params.get("offset", ""))
        if page is None:
            return bad_request(f"offset {params.get('offset')!r} was not given out for {content_id}")
        roots = [] if empty else self.data.root_comments(content_id, page)
        more = page < ROOT_PAGES
        token = self.data.offset_token(content_id, page + 1) if more else ""
        return json_response(_page_body(roots, path, params, token, page, ROOT_PAGES * ROOTS_PER_PAGE))

    def _children(self, path: str, params: Mapping[str, str], empty: bool) -> Response:
        m = _CHILD_RE.fullmatch(path)
        assert m is not None  # classify matched it
        children = self.data.child_comments(m.group(1))
        if children is None:
            return json_response(NOT_FOUND, 404)
        if (problem := _comment_params(params, order="sort")) is not None:
            return problem
        page = self._child_page(m.group(1), params.get("offset", ""))
        if page is None:
            return bad_request(f"offset {params.get('offset')!r} was not given out for {m.group(1)}")
        chunk = children[(page - 1) * ROOTS_PER_PAGE : page * ROOTS_PER_PAGE]
        more = page * ROOTS_PER_PAGE < len(children)
        token = self.data.offset_token(m.group(1), page + 1) if more else ""
        return json_response(_page_body([] if empty else chunk, path, params, token, page, len(children)))

    def _root_page(self, content_id: str, offset: str) -> int | None:
        pages = range(2, ROOT_PAGES + 1)
        return 1 if not offset else next((p for p in pages if self.data.offset_token(content_id, p) == offset), None)

    def _child_page(self, root_id: str, offset: str) -> int | None:
        return 1 if not offset else (2 if offset == self.data.offset_token(root_id, 2) else None)

    def _answer_page(self, path: str, empty: bool) -> Response:
        m = _ANSWER_RE.fullmatch(path)
        obj = self.data.content(m.group(2)) if m else None
        if m is None or obj is None or obj["type"] != "answer" or obj["question"]["id"] != m.group(1):
            return not_found_page()
        question = {**obj["question"], "title": obj["question"]["name"]}
        answer = {**obj, "question": question}
        entities = {"answers": {obj["id"]: answer}, "questions": {question["id"]: question}}
        return state_page(obj["title"], {} if empty else entities)

    def _people_page(self, path: str, empty: bool) -> Response:
        m = _PEOPLE_RE.fullmatch(path)
        user = users().get(m.group(1)) if m else None
        if user is None:
            return not_found_page()
        return state_page(str(user["name"]), {} if empty else {"users": {user["url_token"]: user}})


class ZhuanlanReplay(ZhihuFaults):
    """zhuanlan.zhihu.com: its home page (the same signer) and article pages."""

    host = ZHUANLAN_HOST

    def __init__(self, *, pages: int, seed: str, anchor: datetime) -> None:
        self.data = shared_data(seed, anchor)

    def classify(self, method: str, path: str, params: Mapping[str, str]) -> Call | None:
        """Return the Call for a zhuanlan.zhihu.com path, or None."""
        if method != "GET":
            return None
        if path == "/":
            return Call("page")
        m = _ARTICLE_RE.fullmatch(path)
        return Call("article_page", keyword=self.data.keyword_of(m.group(1))) if m else None

    def answer(self, request: Request, path: str, call: Call, *, empty: bool = False) -> Response:
        """Return the zhuanlan home page or an article page."""
        if call.endpoint == "page":
            return html_response(signing_page("zhihu"))
        obj = self.data.content(path.removeprefix("/p/"))
        if obj is None or obj["type"] != "article":
            return not_found_page()
        return state_page(str(obj["title"]), {} if empty else {"articles": {obj["id"]: obj}})


def _check_api(request: Request) -> Response | None:
    """Refuse an API call the way Zhihu does when it was not signed by the page or lacks its headers."""
    if not verify_signature("zhihu", request):
        return json_response(SIGNATURE_ERROR, 403)
    if request.headers.get("x-api-version") != API_VERSION:
        return bad_request(f"x-api-version must be {API_VERSION}")
    return None


def _comment_params(params: Mapping[str, str], *, order: str) -> Response | None:
    if params.get("order") != order:
        return bad_request(f"order must be {order}")
    return None if params.get("limit") == str(ROOTS_PER_PAGE) else bad_request("limit must be 10")


def _page_body(items: list[Json], path: str, params: Mapping[str, str], token: str, page: int, total: int) -> Json:
    following = f"https://{HOST}{path}?{urlencode({**params, 'offset': token})}" if token else ""
    paging = {"is_end": not token, "is_start": page == 1, "next": following, "previous": "", "totals": total}
    return {"data": items, "paging": paging}


#: Both Zhihu hosts, in the order REPLAYS lists them.
ZHIHU_REPLAYS = (ZhihuReplay, ZhuanlanReplay)
