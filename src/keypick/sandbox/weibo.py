"""Replay of m.weibo.cn (platforms.md section 5): request checks and envelopes.

Endpoints: search, user info and a user's timeline (GET /api/container/getIndex), the post page
(GET /detail/{mid}), comments (GET /comments/hotflow) and the login check
(GET /api/config). Bad or missing parameters get HTTP 200 `{"ok":0,"msg":...}`
naming the problem, as the real API answers. The data comes from weibo_data.py.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from keypick.sandbox.faults import FaultSpec
from keypick.sandbox.replay import Call, html_response, json_response
from keypick.sandbox.weibo_data import HOST, TIMELINE_CONTAINER, TIMELINE_KEY, WeiboData, real_user

SEARCH_PREFIX = "100103"
USER_PREFIX = "100505"
SEARCH_TYPES = frozenset({"1", "60", "61", "64"})  # default, popular, real-time, video
#: What getIndex answers past the last page (and for a keyword with no results).
END_OF_RESULTS: dict[str, Any] = {"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}}
#: The answer for an unknown uid (no capture of the real one; its msg is Weibo's wording).
UNKNOWN_USER: dict[str, Any] = {"ok": 0, "msg": "用户不存在"}
_PAGE_HEAD = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>微博</title></head>'
Json = dict[str, Any]


class WeiboReplay:
    """m.weibo.cn: search, post detail page, hotflow comments, user info, login check."""

    host = HOST

    def __init__(self, *, pages: int, seed: str, anchor: datetime) -> None:
        self.pages = pages
        self.data = WeiboData(seed=seed, anchor=anchor)

    def classify(self, method: str, path: str, params: Mapping[str, str]) -> Call | None:
        """Return the Call for a m.weibo.cn path, or None when the sandbox has no replay for it."""
        if method != "GET":
            return None
        if path == "/api/container/getIndex":
            containerid = params.get("containerid")
            if containerid is None:
                return Call("getIndex")
            if containerid.startswith(SEARCH_PREFIX):
                _, keyword = _parse_search(containerid)
                return Call("search", keyword=keyword, page=_page_number(params.get("page")) or 1)
            if containerid.startswith(TIMELINE_CONTAINER):
                uid = params.get("value", "")
                page = self.data.timeline_page(uid, params.get("since_id"), self.pages) or 1
                return Call("timeline", keyword=f"{TIMELINE_KEY}{uid}", page=page)
            return Call("user") if containerid.startswith(USER_PREFIX) else None
        if path.startswith("/detail/"):
            return Call("detail", keyword=self.data.keyword_of(path.removeprefix("/detail/")))
        if path == "/comments/hotflow":
            mid = params.get("mid", "")
            page = self.data.hotflow_page(mid, params.get("max_id")) or 1
            return Call("hotflow", keyword=self.data.keyword_of(mid), page=page)
        if path == "/api/config":
            return Call("config")
        return None

    def answer(self, request: Request, path: str, call: Call, *, empty: bool = False) -> Response:
        """Return the replayed m.weibo.cn answer for a classified request."""
        params = request.query_params
        if call.endpoint == "search":
            return json_response(self._search(params, empty))
        if call.endpoint == "user":
            return json_response(self._user(params, empty))
        if call.endpoint == "timeline":
            return json_response(self._timeline(params, empty))
        if call.endpoint == "detail":
            return self._detail(path.removeprefix("/detail/"), empty)
        if call.endpoint == "hotflow":
            return json_response(self._hotflow(params, empty))
        if call.endpoint == "config":
            return json_response({"ok": 1, "data": {"login": bool(request.headers.get("cookie"))}})
        return json_response(_error("containerid is missing"))

    def business_error(self, fault: FaultSpec) -> Response:
        """Return Weibo's business-error envelope (HTTP 200, ok 0, errno)."""
        return json_response({"ok": 0, "errno": str(fault.errno), "msg": "请求失败，请稍后重试"})

    def login_expired(self, request: Request, path: str) -> Response:
        """Return the 302 to passport.weibo.cn that m.weibo.cn sends without a valid login."""
        query = f"?{request.url.query}" if request.url.query else ""
        back = quote(f"https://{HOST}{path}{query}", safe="")
        location = f"https://passport.weibo.cn/signin/login?entry=mweibo&res=wel&wm=3349&r={back}"
        return Response(b"", 302, headers={"location": location})

    def verification(self) -> Response:
        """Return a security-verification (captcha) HTML page with HTTP 200."""
        return html_response(
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>安全验证 - 微博</title></head>'
            '<body><div class="verify-title">请完成安全验证</div><div id="captcha"></div></body></html>'
        )

    def _search(self, params: Mapping[str, str], empty: bool) -> Json:
        containerid = params.get("containerid", "")
        search_type, keyword = _parse_search(containerid)
        if search_type not in SEARCH_TYPES:
            return _error(f"containerid: type must be one of {sorted(SEARCH_TYPES)}, got {search_type!r}")
        if not keyword:
            return _error("containerid: q is missing")
        if params.get("page_type") != "searchall":
            return _error("page_type must be searchall")
        page = _page_number(params.get("page"))
        if page is None:
            return _error(f"page must be a positive integer, got {params.get('page')!r}")
        if page > self.pages or "空" in keyword or "empty" in keyword.lower():
            return END_OF_RESULTS
        cards: list[Json] = [] if empty else self.data.search_cards(keyword, page, containerid)
        info = {
            "containerid": containerid,
            "v_p": 42,
            "show_style": 1,
            "total": self.pages * 10 + 2,
            "page": page + 1 if page < self.pages else None,
        }
        scheme = f"sinaweibo://cardlist?containerid={quote(containerid, safe='')}&v_p=42"
        return {"ok": 1, "data": {"cardlistInfo": info, "cards": cards, "scheme": scheme}}

    def _detail(self, mid: str, empty: bool) -> Response:
        status = self.data.full_post(mid)
        if status is None:
            return html_response(
                f"{_PAGE_HEAD}<body><p>微博不存在或暂无查看权限!</p><!-- sandbox: mid {mid[:40]} was not"
                " served by a search in this run --></body></html>"
            )
        render = json.dumps([{} if empty else {"status": status}], ensure_ascii=False)
        # A literal "</script" inside the JSON would end the script element early.
        render = render.replace("</script", "<\\/script")
        return html_response(
            f'{_PAGE_HEAD}<body><div id="app"></div><script>\nvar $render_data = {render}[0] || {{}};\n'
            "</script></body></html>"
        )

    def _hotflow(self, params: Mapping[str, str], empty: bool) -> Json:
        mid, id_ = params.get("mid"), params.get("id")
        if not mid or not id_:
            return _error("id and mid are required")
        if mid != id_ or not mid.isdigit():
            return _error("id and mid must be the same numeric post id")
        if "max_id_type" not in params:
            return _error("max_id_type is missing")
        page = self.data.hotflow_page(mid, params.get("max_id"))
        if page is None:
            return _error(f"max_id {params.get('max_id')!r} was not given out for mid {mid}")
        data = self.data.comments(mid, page)
        if empty:
            data["data"] = []
        return {"ok": 1, "data": data}

    def _user(self, params: Mapping[str, str], empty: bool) -> Json:
        uid = params.get("value", "")
        if params.get("type") != "uid":
            return _error("type must be uid")
        if not uid.isdigit() or params.get("containerid") != f"{USER_PREFIX}{uid}":
            return _error(f"containerid must be {USER_PREFIX} followed by value (the uid)")
        user = real_user(int(uid))
        if user is None:
            return UNKNOWN_USER
        return {"ok": 1, "data": {} if empty else {"userInfo": user}}

    def _timeline(self, params: Mapping[str, str], empty: bool) -> Json:
        """A real sample user's own posts, 10 a page, paged by since_id as the site does."""
        uid = params.get("value", "")
        if params.get("type") != "uid":
            return _error("type must be uid")
        if not uid.isdigit() or params.get("containerid") != f"{TIMELINE_CONTAINER}{uid}":
            return _error(f"containerid must be {TIMELINE_CONTAINER} followed by value (the uid)")
        if real_user(int(uid)) is None:
            return UNKNOWN_USER
        page = self.data.timeline_page(uid, params.get("since_id"), self.pages)
        if page is None:
            return _error(f"since_id {params.get('since_id')!r} was not given out for this user")
        info = {"containerid": params["containerid"], "v_p": 42, "show_style": 1, "total": self.pages * 10,
                "since_id": int(self.data.since_id(uid, page + 1)) if page < self.pages else None}  # fmt: skip
        cards = [] if empty else self.data.timeline_cards(uid, page)
        return {"ok": 1, "data": {"cardlistInfo": info, "cards": cards}}


def _error(message: str) -> Json:
    return {"ok": 0, "msg": f"参数错误: {message}"}


def _parse_search(containerid: str) -> tuple[str | None, str | None]:
    """Split "100103type=1&q=咖啡" into ("1", "咖啡"); q takes the rest, so it may hold "&"."""
    inner = containerid.removeprefix(SEARCH_PREFIX)
    head, sep, keyword = inner.partition("&q=")
    if not sep and inner.startswith("q="):
        head, keyword = "", inner[2:]
    fields: dict[str, str] = {}
    for part in filter(None, head.split("&")):
        name, _, value = part.partition("=")
        fields[name] = value
    return fields.get("type"), keyword or None


def _page_number(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return 1
    return int(raw) if raw.isdigit() and int(raw) >= 1 else None
