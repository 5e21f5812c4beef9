"""Replay of Xiaohongshu (platforms.md §1): the edith.xiaohongshu.com API and the www.xiaohongshu.com pages.

API calls are checked as the platform checks them: the `a1` and `web_session` cookies (else
code -101), the X-S / X-T / x-S-Common signature headers (X-S is decoded with xhshow and must
be computed over exactly the bytes sent: the path with the raw query, or the raw JSON body, and
the a1 sent; X-T a ms time within 5 minutes), a compact JSON body, the endpoint's parameters, and
the xsec_token each note was issued with. A rejected signature is HTTP 406 (what xhshow reports
for rejected signatures); parameter and token errors use the `{code, success:false, msg}` envelope
(code -1, "访问链接异常" for a wrong token). The www pages carry `window.__INITIAL_STATE__`; no page
was captured, so they are built from the feed note_card (camelCased) and the platforms.md field list.
Risk answers: 461 + Verifytype/Verifyuuid (placeholder values; body not captured), code 300012 /
300011 business errors, code -100 "登录已过期". The data comes from xiaohongshu_data.py; a creator's
note list (user_posted, no capture) from xiaohongshu_posted.py, the signature checks from
xiaohongshu_checks.py.
"""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from keypick.sandbox.faults import FaultSpec
from keypick.sandbox.replay import Call, html_response, json_response
from keypick.sandbox.xiaohongshu_checks import body_problem, plausible_search_id, signature_problem
from keypick.sandbox.xiaohongshu_data import XhsData, shared_data
from keypick.sandbox.xiaohongshu_posted import USER_POSTED, classify_posted, user_posted

API_HOST = "edith.xiaohongshu.com"
WEB_HOST = "www.xiaohongshu.com"
SEARCH, FEED = "/api/sns/web/v1/search/notes", "/api/sns/web/v1/feed"
COMMENTS, SUB_COMMENTS = "/api/sns/web/v2/comment/page", "/api/sns/web/v2/comment/sub/page"
SELFINFO = "/api/sns/web/v1/user/selfinfo"
SORTS = frozenset({"general", "popularity_descending", "time_descending"})
#: Business-error messages by code (300012's is the platform's "network connection error").
BUSINESS_MESSAGES = {
    300012: "网络连接异常，请检查网络设置或重启试试",
    300011: "当前账号存在异常",
    -510001: "笔记不存在",
}
_NOTE_ID = re.compile(r"[0-9a-f]{24}")
Json = dict[str, Any]


def envelope(data: Json | None = None, *, code: int = 0, msg: str = "成功") -> Json:
    """Return the `{code, success, msg, data}` envelope of every edith answer."""
    return {"code": code, "success": code == 0, "msg": msg, "data": data if data is not None else {}}


class BodyFirst(Response):
    """An answer built once the request body is read: `Replay.answer` is synchronous, POST replays need the body."""

    def __init__(self, request: Request, build: Callable[[bytes], Response]) -> None:
        super().__init__(b"", 200, media_type="application/json")
        self._request, self._build = request, build

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._build(await self._request.body())(scope, receive, send)


class _RiskAnswers:
    """The platform's own risk answers, the same on both hosts (no page-host answer was captured)."""

    def business_error(self, fault: FaultSpec) -> Response:
        """Return the platform's business error (HTTP 200, success false); code 300012 unless given."""
        code = 300012 if fault.value is None else int(fault.value)
        return json_response(envelope(code=code, msg=BUSINESS_MESSAGES.get(code, "请求失败")))

    def login_expired(self, request: Request, path: str) -> Response:
        """Return the expired-login answer: code -100, 登录已过期."""
        return json_response(envelope(code=-100, msg="登录已过期"))

    def verification(self) -> Response:
        """Return the captcha answer: HTTP 461 with Verifytype and Verifyuuid headers."""
        return _verification()


class XhsApiReplay(_RiskAnswers):
    """edith.xiaohongshu.com: search, feed (detail), comments, replies, a creator's notes (user_posted)."""

    host = API_HOST

    def __init__(self, *, pages: int, seed: str, anchor: datetime) -> None:
        self.pages = pages
        self.data: XhsData = shared_data(seed, anchor)

    def classify(self, method: str, path: str, params: Mapping[str, str]) -> Call | None:
        """Return the Call for an edith path (POST bodies are not readable here: no keyword for them)."""
        if (method, path) == ("POST", SEARCH):
            return Call("search")
        if (method, path) == ("POST", FEED):
            return Call("feed")
        note_id = params.get("note_id", "")
        if (method, path) == ("GET", COMMENTS):
            page = self.data.comment_page_of(note_id, params.get("cursor", "")) or 1
            return Call("comments", keyword=self.data.keyword_of(note_id), page=page)
        if (method, path) == ("GET", SUB_COMMENTS):
            return Call("sub_comments", keyword=self.data.keyword_of(note_id))
        if (method, path) == ("GET", SELFINFO):
            return Call("selfinfo")
        return classify_posted(self.data, params, pages=self.pages) if (method, path) == ("GET", USER_POSTED) else None

    def answer(self, request: Request, path: str, call: Call, *, empty: bool = False) -> Response:
        """Return the replayed answer, after the cookie, signature and parameter checks."""
        if request.method == "POST":
            return BodyFirst(request, lambda body: self._checked(request, path, body, empty))
        return self._checked(request, path, b"", empty)

    def _checked(self, request: Request, path: str, body: bytes, empty: bool) -> Response:
        cookies = request.cookies
        if not cookies.get("a1") or not cookies.get("web_session"):
            return json_response(envelope(code=-101, msg="无登录信息，或登录信息为空"))
        query = request.scope["query_string"].decode("latin-1")
        signed = path + (body.decode("utf-8", "replace") if request.method == "POST" else f"?{query}" if query else "")
        problem = signature_problem(request.headers, signed, cookies["a1"], int(time.time() * 1000))
        if problem is None and request.method == "POST":
            problem = body_problem(request, body)
        if problem is not None:
            return json_response(envelope(code=-1, msg=f"签名校验失败: {problem}"), status_code=406)
        if path == SELFINFO:
            # The login check: no capture exists; the shape is platforms.md's (data.result.success).
            return json_response(envelope({"result": {"success": True, "code": 0, "message": "成功"}}))
        if request.method == "POST":
            params: Json = json.loads(body)
            answer = self._search(params, empty) if path == SEARCH else self._feed(params, empty)
        elif path == USER_POSTED:
            answer = self._posted(request.query_params, empty)
        else:
            answer = self._comments(dict(request.query_params), sub=path == SUB_COMMENTS, empty=empty)
        return json_response(answer)

    def _search(self, body: Json, empty: bool) -> Json:
        keyword, page, size = body.get("keyword"), body.get("page"), body.get("page_size")
        if not isinstance(keyword, str) or not keyword.strip():
            return _bad("keyword is missing")
        if not isinstance(page, int) or page < 1 or not isinstance(size, int) or not 1 <= size <= 20:
            return _bad("page must be an integer from 1 and page_size from 1 to 20")
        if body.get("sort") not in SORTS or body.get("note_type") not in (0, 1, 2):
            return _bad(f"sort must be one of {sorted(SORTS)} and note_type 0, 1 or 2")
        if not plausible_search_id(body.get("search_id")):
            return _bad("search_id must be base36 of (ms timestamp << 64) + random")
        if page > self.pages or "空" in keyword or "empty" in keyword.lower():
            return envelope({"has_more": False, "items": []})
        items = [] if empty else self.data.search_items(keyword, page, size)
        if body["note_type"]:  # the site's type filter: 1 video notes, 2 image notes (related searches stay)
            wanted = "video" if body["note_type"] == 1 else "normal"
            items = [i for i in items if i["model_type"] != "note" or i["note_card"].get("type") == wanted]
        return envelope({"has_more": page < self.pages, "items": items})

    def _feed(self, body: Json, empty: bool) -> Json:
        note_id = str(body.get("source_note_id") or "")
        if not isinstance(body.get("image_formats"), list) or not isinstance(body.get("extra"), dict):
            return _bad("image_formats (list) and extra (object) are required")
        if not body.get("xsec_source"):
            return _bad("xsec_source is missing")
        if (error := self._token_error(note_id, body.get("xsec_token"))) is not None:
            return error
        card = self.data.note_card(note_id)
        items = [] if empty or card is None else [{"id": note_id, "model_type": "note", "note_card": card}]
        return envelope({"cursor_score": "", "items": items, "current_time": int(self.data.anchor.timestamp() * 1000)})

    def _posted(self, params: Mapping[str, str], empty: bool) -> Json:
        data, problem = user_posted(self.data, params, pages=self.pages, empty=empty)
        if problem == "token":
            return envelope(code=-1, msg="访问链接异常")
        if problem == "user":
            return envelope(code=-1, msg="用户不存在")
        return envelope(data) if data is not None else _bad(problem)

    def _comments(self, params: dict[str, str], *, sub: bool, empty: bool) -> Json:
        note_id, cursor = params.get("note_id", ""), params.get("cursor")
        needed = ("root_comment_id", "num") if sub else ()
        missing = [n for n in ("note_id", "cursor", "top_comment_id", "image_formats", *needed) if n not in params]
        if missing:
            return _bad(f"missing {', '.join(missing)}")
        if (error := self._token_error(note_id, params.get("xsec_token"))) is not None:
            return error
        if sub:
            data = self.data.sub_page(params["root_comment_id"], cursor or "")
            if data is None and cursor:
                return _bad(f"cursor {cursor!r} was not given out for root {params['root_comment_id']}")
            data = data or {"comments": [], "cursor": "", "has_more": False}  # a root without replies
        else:
            page = self.data.comment_page_of(note_id, cursor or "")
            if page is None:
                return _bad(f"cursor {cursor!r} was not given out for note {note_id}")
            data = self.data.comment_page(note_id, page)
        return envelope(data | {"comments": []} if empty else data)

    def _token_error(self, note_id: str, token: object) -> Json | None:
        if self.data.keyword_of(note_id) is None:
            return envelope(code=-510001, msg=BUSINESS_MESSAGES[-510001])
        if token != self.data.token_of(note_id):
            return envelope(code=-1, msg="访问链接异常")
        return None


class XhsWebReplay(_RiskAnswers):
    """www.xiaohongshu.com: the note page (/explore/{id}) and the creator profile page (/user/profile/{id})."""

    host = WEB_HOST

    def __init__(self, *, pages: int, seed: str, anchor: datetime) -> None:
        self.data: XhsData = shared_data(seed, anchor)

    def classify(self, method: str, path: str, params: Mapping[str, str]) -> Call | None:
        """Return the Call for a www page path, or None."""
        kind, _, ident = path.strip("/").rpartition("/")
        if method != "GET" or not _NOTE_ID.fullmatch(ident):
            return None
        if kind == "explore":
            return Call("note_page", keyword=self.data.keyword_of(ident))
        return Call("profile") if kind == "user/profile" else None

    def answer(self, request: Request, path: str, call: Call, *, empty: bool = False) -> Response:
        """Return the page, its state in `window.__INITIAL_STATE__`."""
        ident = path.rstrip("/").rsplit("/", 1)[-1]
        if call.endpoint == "profile":
            page = None if empty else self.data.profile(ident)
            nickname = (page or {}).get("basicInfo", {}).get("nickname")
            state = {"user": {"userPageData": page or {}, "activeTab": "__undefined__"}}
            return _page(f"{nickname} - 小红书" if nickname else "小红书", state, f"/user/profile/{ident}")
        token_ok = request.query_params.get("xsec_token") == self.data.token_of(ident)
        card = self.data.note_card(ident) if token_ok and not empty else None
        details = {ident: {"note": _camel(card), "comments": "__undefined__"}} if card else {}
        state = {"note": {"noteDetailMap": details, "firstNoteId": ident, "currentNoteId": "__undefined__"}}
        return _page(f"{(card or {}).get('title') or '小红书'} - 小红书", state, f"/explore/{ident}")


def _verification() -> Response:
    # The header values are placeholders: none were captured.
    return Response(b"", 461, headers={"Verifytype": "102", "Verifyuuid": "sandbox-verify-0001"})


def _bad(message: str) -> Json:
    return envelope(code=-1, msg=f"参数错误: {message}")


def _camel(node: Any) -> Any:
    if isinstance(node, dict):
        return {re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), k): _camel(v) for k, v in node.items()}
    return [_camel(v) for v in node] if isinstance(node, list) else node


def _page(title: str, state: Json, path: str) -> Response:
    # The state is a JS literal: placeholders become bare `undefined`, and "</" cannot end the script.
    script = json.dumps(state, ensure_ascii=False).replace('"__undefined__"', "undefined").replace("</", "<\\/")
    return html_response(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'<link rel="canonical" href="https://{WEB_HOST}{path}"></head><body><div id="app"></div>'
        f"<script>window.__INITIAL_STATE__={script}</script></body></html>"
    )


#: Both Xiaohongshu hosts, for the REPLAYS list.
XHS_REPLAYS = (XhsApiReplay, XhsWebReplay)
