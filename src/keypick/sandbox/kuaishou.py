"""Replay of www.kuaishou.com (platforms.md §3): the signing home page, REST and GraphQL answers.

Endpoints: GET / (the sandbox signing page, whose signer the init script finds),
POST /rest/v/search/feed and /rest/v/profile/feed (a user's own videos; both signed:
`__NS_hxfalcon` + `caver=2`), POST /rest/v/photo/comment/list and /sublist (unsigned),
POST /graphql (visionVideoDetail, visionProfile, visionProfileUserList). Every API call needs the logged-in cookie
(`passToken`, what MC waits for after login) or gets `{"result":109,"error_msg":"请先登录"}`;
a missing or wrong signature gets `{"result":50}`. There is no Kuaishou capture: the
data are reshaped douyin samples (kuaishou_data.py), and these ASSUMPTIONS are KeyPick's:
bad parameters answer `{"result":0,"error_msg":"参数错误: …"}`, an unknown photo or
user answers a GraphQL `errors` list (the profile feed: `{"result":0,"error_msg":"用户不存在"}`),
and the captcha page below.

All API answers depend on the JSON body, which the synchronous Replay.answer cannot
read: they are `_BodyAnswer`s, computed when the app sends them. So faults cannot be
scoped by keyword or page for Kuaishou (classify sees no body), and malformed_json
gets an empty 200 body; scope Kuaishou faults by path (`path=/rest/`, `path=/graphql`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from keypick.sandbox.faults import FaultSpec
from keypick.sandbox.kuaishou_data import HOST, KuaishouData, profile
from keypick.sandbox.replay import Call, html_response, json_response
from keypick.sandbox.signing_pages import signing_page, verify_signature

SEARCH, COMMENTS, SUB_COMMENTS, GRAPHQL = "/rest/v/search/feed", "/rest/v/photo/comment/list", \
    "/rest/v/photo/comment/sublist", "/graphql"  # fmt: skip
PROFILE_FEED = "/rest/v/profile/feed"
LOGIN_COOKIE = "passToken"
LOGIN_REQUIRED: dict[str, Any] = {"result": 109, "error_msg": "请先登录"}
SIGNATURE_REJECTED: dict[str, Any] = {"result": 50}
UNKNOWN_USER: dict[str, Any] = {"result": 0, "error_msg": "用户不存在"}
GRAPHQL_OPS = frozenset({"visionVideoDetail", "visionProfile", "visionProfileUserList"})
_ENDPOINTS = {SEARCH: "search", PROFILE_FEED: "profile_feed", COMMENTS: "comments", SUB_COMMENTS: "sub_comments",
              GRAPHQL: "graphql"}  # fmt: skip
Json = dict[str, Any]


class _BodyAnswer(Response):
    """An answer computed from the request body when it is sent (Replay.answer is synchronous)."""

    def __init__(self, request: Request, compute: Callable[[bytes], Json]) -> None:
        super().__init__(b"", 200, media_type="application/json; charset=utf-8")
        self._request, self._compute = request, compute

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        real = json_response(self._compute(await self._request.body()))
        await real(scope, receive, send)


class KuaishouReplay:
    """www.kuaishou.com: signing page, signed search, comments with replies, GraphQL detail and profile."""

    host = HOST

    def __init__(self, *, pages: int, seed: str, anchor: datetime) -> None:
        self.pages = pages
        self.data = KuaishouData(seed=seed, anchor=anchor)

    def classify(self, method: str, path: str, params: Mapping[str, str]) -> Call | None:
        """Return the Call for a www.kuaishou.com path, or None when the sandbox has no replay for it."""
        if method == "GET" and path == "/":
            return Call("home")
        if method == "POST" and path in _ENDPOINTS:
            return Call(_ENDPOINTS[path])
        return None

    def answer(self, request: Request, path: str, call: Call, *, empty: bool = False) -> Response:
        """Return the replayed answer for a classified request."""
        if call.endpoint == "home":
            return html_response(signing_page("kuaishou"))
        return _BodyAnswer(request, lambda body: self._api(request, call.endpoint, body, empty))

    def business_error(self, fault: FaultSpec) -> Response:
        """Return Kuaishou's envelope for a business error: HTTP 200, a `result` that is not 1."""
        return json_response({"result": fault.errno, "error_msg": "请求失败"})

    def login_expired(self, request: Request, path: str) -> Response:
        """Return what the API answers once the login cookie has expired (result 109)."""
        return json_response(LOGIN_REQUIRED)

    def verification(self) -> Response:
        """Return a slider-captcha HTML page with HTTP 200 (ASSUMPTION: no capture of the real one)."""
        return html_response(
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>安全验证 - 快手</title></head><body>'
            '<div class="captcha-container"><p>请拖动滑块完成安全验证</p><div id="captcha"></div></div>'
            "</body></html>"
        )

    def _api(self, request: Request, endpoint: str, raw: bytes, empty: bool) -> Json:
        if not _cookie(request, LOGIN_COOKIE):
            return LOGIN_REQUIRED
        if "application/json" not in request.headers.get("content-type", ""):
            return _error("Content-Type must be application/json")
        try:
            body = json.loads(raw)
        except ValueError:
            return _error("the body is not JSON")
        if not isinstance(body, dict):
            return _error("the body must be a JSON object")
        if endpoint in ("search", "profile_feed"):
            if request.query_params.get("caver") != "2" or not verify_signature("kuaishou", request, raw):
                return SIGNATURE_REJECTED
            return self._search(body, empty) if endpoint == "search" else self._profile_feed(body, empty)
        if endpoint == "comments":
            return self._comments(body, empty)
        if endpoint == "sub_comments":
            return self._replies(body, empty)
        return self._graphql(body, empty)

    def _search(self, body: Json, empty: bool) -> Json:
        keyword, pcursor, session = body.get("keyword"), body.get("pcursor"), body.get("searchSessionId")
        if not isinstance(keyword, str) or not keyword.strip():
            return _error("keyword is missing")
        if body.get("page") != "search":
            return _error('page must be "search"')
        if not isinstance(pcursor, str) or not (pcursor == "" or (pcursor.isdigit() and int(pcursor) >= 1)):
            return _error(f"pcursor must be a page number as a string, got {pcursor!r}")
        page = int(pcursor or "1")
        sid = self.data.session_id(keyword)
        if page > 1 and session != sid:
            return _error("searchSessionId must be the one page 1 gave out")
        if page > self.pages or "空" in keyword or "empty" in keyword.lower():
            return {"result": 1, "feeds": [], "pcursor": "no_more", "searchSessionId": sid}
        feeds = [] if empty else self.data.feeds(keyword, page)
        nxt = str(page + 1) if page < self.pages else "no_more"
        return {"result": 1, "feeds": feeds, "pcursor": nxt, "searchSessionId": sid}

    def _profile_feed(self, body: Json, empty: bool) -> Json:
        """A real user's own videos, 20 a page, paged by the opaque pcursor each answer gives out."""
        user_id, pcursor = body.get("user_id"), body.get("pcursor")
        if not isinstance(user_id, str) or not user_id or body.get("page") != "profile":
            return _error('user_id is missing or page is not "profile"')
        if profile(user_id) is None:
            return UNKNOWN_USER
        cursors = {"": 1, **{self.data.profile_cursor(user_id, p): p for p in range(2, self.pages + 1)}}
        page = cursors.get(pcursor) if isinstance(pcursor, str) else None
        if page is None:
            return _error(f"pcursor {pcursor!r} was not given out for user {user_id}")
        nxt = self.data.profile_cursor(user_id, page + 1) if page < self.pages else "no_more"
        return {"result": 1, "feeds": [] if empty else self.data.profile_feeds(user_id, page), "pcursor": nxt}

    def _comments(self, body: Json, empty: bool) -> Json:
        photo_id, pcursor = body.get("photoId"), body.get("pcursor")
        if not isinstance(photo_id, str) or not photo_id:
            return _error("photoId is missing")
        page = self.data.comment_page(photo_id, pcursor) if isinstance(pcursor, str) else None
        if page is None:
            return _error(f"pcursor {pcursor!r} was not given out for photo {photo_id}")
        answer = self.data.comments(photo_id, page)
        if empty:
            answer["rootCommentsV2"] = []
        return {"result": 1, **answer}

    def _replies(self, body: Json, empty: bool) -> Json:
        photo_id, pcursor, root_id = body.get("photoId"), body.get("pcursor"), body.get("rootCommentId")
        if not isinstance(photo_id, str) or not photo_id or not isinstance(pcursor, str):
            return _error("photoId and pcursor are required")
        if not isinstance(root_id, int) or isinstance(root_id, bool):
            return _error(f"rootCommentId must be a number, got {root_id!r}")
        root = self.data.root(photo_id, root_id)
        if root is None:
            return _error(f"no comment {root_id} under photo {photo_id}")
        answer = self.data.replies(photo_id, root, pcursor)
        if answer is None:
            return _error(f"pcursor {pcursor!r} was not given out for comment {root_id}")
        if empty:
            answer["subCommentsV2"] = []
        return {"result": 1, **answer}

    def _graphql(self, body: Json, empty: bool) -> Json:
        op, variables, query = body.get("operationName"), body.get("variables"), body.get("query")
        if op not in GRAPHQL_OPS or not isinstance(variables, dict):
            return {"errors": [{"message": f"unknown operationName {op!r} or variables missing"}], "data": None}
        if not isinstance(query, str) or op not in query:
            return {"errors": [{"message": f"query must define the operation {op}"}], "data": None}
        if op == "visionProfileUserList":
            return {"data": {op: {"result": 1, "fols": [], "pcursor": "no_more"}}}
        if op == "visionVideoDetail":
            found = self.data.detail(str(variables.get("photoId") or ""))
            what = "photo"
        else:
            found = profile(str(variables.get("userId") or ""))
            found = None if found is None else {"result": 1, "userProfile": found}
            what = "user"
        if found is None:
            return {"errors": [{"message": f"{what} not found"}], "data": {op: None}}
        return {"data": {op: {} if empty else found}}


def _error(message: str) -> Json:
    return {"result": 0, "error_msg": f"参数错误: {message}"}


def _cookie(request: Request, name: str) -> str:
    for part in request.headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""
