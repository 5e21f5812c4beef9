"""Replay of api.bilibili.com (platforms.md section 4): WBI signature and parameter checks, envelopes.

Endpoints: the nav answer with the WBI keys (GET /x/web-interface/nav), video search
(/x/web-interface/wbi/search/type), an uploader's videos (/x/space/wbi/arc/search), video detail
(/x/web-interface/view/detail), comments (/x/v2/reply/wbi/main), sub-replies (/x/v2/reply/reply) and
user info (/x/space/wbi/acc/info).
Every /wbi/ path, and any other request carrying a w_rid, must be signed with the keys nav hands
out now: a missing or wrong signature gets `{"code":-352}` as the real API answers. Bad parameters
get `{"code":-400,"message":"请求错误"}`. Nav answers code -101 with the keys when logged out (no
SESSDATA cookie) and 0 when logged in (that answer's shape is built from the platforms.md field
list: no real capture). Faults: business_error answers code -412 (or the code given, e.g.
`business_error:-352`, which also rotates the keys so a client must refresh them), login_expired
-101 账号未登录, verification the HTTP 412 risk-control page. The data comes from bilibili_data.py.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import math
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from keypick.platforms.bilibili.signing import MIXIN_TABLE
from keypick.sandbox.bilibili_data import COMMENT_PAGES, HOST, UPLOADER_KEY, BilibiliData, real_user
from keypick.sandbox.faults import FaultSpec
from keypick.sandbox.replay import Call, html_response, json_response
from keypick.sandbox.samples import load_json
from keypick.sandbox.vary import stable_int

NAV, SEARCH, DETAIL = "/x/web-interface/nav", "/x/web-interface/wbi/search/type", "/x/web-interface/view/detail"
MAIN, REPLY, USER = "/x/v2/reply/wbi/main", "/x/v2/reply/reply", "/x/space/wbi/acc/info"
SPACE = "/x/space/wbi/arc/search"
ORDERS = frozenset({"", "totalrank", "click", "pubdate", "dm", "stow"})
MAX_RESULTS = 1000  # search lists at most 1000 results (numResults caps there)
MESSAGES = {-352: "风控校验失败", -412: "请求被拦截", -101: "账号未登录", -400: "请求错误", -404: "啥都木有"}
RISK_PAGE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>出错啦! - bilibili.com</title></head><body>'
    '<div class="error-text">由于触发哔哩哔哩安全风控策略，该次访问请求被拒绝。</div>'
    '<div class="error-code">The request was rejected because of the bilibili security control policy.</div>'
    "</body></html>"
)
Json = dict[str, Any]


class BilibiliReplay:
    """api.bilibili.com: nav keys, video search, detail, comments with sub-replies, user info."""

    host = HOST

    def __init__(self, *, pages: int, seed: str, anchor: datetime) -> None:
        self.pages = pages
        self.seed = seed
        self.data = BilibiliData(seed=seed, anchor=anchor, pages=pages)

    def classify(self, method: str, path: str, params: Mapping[str, str]) -> Call | None:
        """Return the Call for an api.bilibili.com path, or None when the sandbox has no replay for it."""
        if method != "GET":
            return None
        if path == SEARCH:
            return Call("search", keyword=params.get("keyword") or None, page=_int(params.get("page")) or 1)
        if path == DETAIL:
            aid = self.data.aid_of(bvid=params.get("bvid"), aid=params.get("aid"))
            return Call("detail", keyword=self.data.keyword_of(aid))
        if path == MAIN:
            page = _main_page(params) or 1
            return Call("comments", keyword=self.data.keyword_of(params.get("oid")), page=page)
        if path == REPLY:
            return Call("replies", keyword=self.data.keyword_of(params.get("oid")), page=_int(params.get("pn")) or 1)
        if path == SPACE:
            return Call("space", keyword=f"{UPLOADER_KEY}{params.get('mid', '')}", page=_int(params.get("pn")) or 1)
        return {NAV: Call("nav"), USER: Call("user")}.get(path)

    def answer(self, request: Request, path: str, call: Call, *, empty: bool = False) -> Response:
        """Return the replayed api.bilibili.com answer for a classified request."""
        params = request.query_params
        if call.endpoint == "nav":
            return json_response(self._nav("SESSDATA=" in request.headers.get("cookie", "")))
        if ("/wbi/" in path or "w_rid" in params) and not self._signed(params):
            return json_response(_code(-352))
        handlers = {"search": self._search, "detail": self._detail, "comments": self._comments,
                    "replies": self._replies, "user": self._user, "space": self._space}  # fmt: skip
        return json_response(handlers[call.endpoint](params, empty))

    def business_error(self, fault: FaultSpec) -> Response:
        """Return a business-error envelope: code -412 unless the fault names one; -352 rotates the keys."""
        code = -412 if fault.value is None else int(fault.value)
        if code == -352:
            self.data.rotate_keys()
        return json_response(_code(code))

    def login_expired(self, request: Request, path: str) -> Response:
        """Return what api.bilibili.com answers without a valid login: code -101 账号未登录."""
        return json_response(_code(-101))

    def verification(self) -> Response:
        """Return the HTTP 412 risk-control page Bilibili serves to flagged clients."""
        return html_response(RISK_PAGE, status_code=412)

    def _signed(self, params: QueryParams) -> bool:
        got, wts = params.get("w_rid", ""), params.get("wts", "")
        if not got or not wts.isdigit():
            return False
        img, sub = self.data.keys()
        salt = "".join((img + sub)[i] for i in MIXIN_TABLE)[:32]
        query = urlencode(sorted((k, v) for k, v in params.multi_items() if k != "w_rid"), quote_via=quote)
        return hmac.compare_digest(got, hashlib.md5((query + salt).encode()).hexdigest())

    def _nav(self, logged_in: bool) -> Json:
        img, sub = self.data.keys()
        wbi = {
            "img_url": f"https://i0.hdslb.com/bfs/wbi/{img}.png",
            "sub_url": f"https://i0.hdslb.com/bfs/wbi/{sub}.png",
        }
        envelope = {"code": 0, "message": "0", "ttl": 1} if logged_in else _code(-101)
        return envelope | {"data": {"isLogin": logged_in, "wbi_img": wbi}}

    def _search(self, params: QueryParams, empty: bool) -> Json:
        keyword = (params.get("keyword") or "").strip()
        page, size = _int(params.get("page", "1")), _int(params.get("page_size", "20"))
        begin, end = _int(params.get("pubtime_begin_s", "0"), zero=True), _int(params.get("pubtime_end_s"), zero=True)
        problem = next((why for bad, why in (
            (params.get("search_type") != "video", "search_type: only video is replayed"),
            (not keyword, "keyword is missing"),
            (page is None, "page must be a positive integer"),
            (size is None or size > 50, "page_size must be 1-50"),
            (params.get("order", "") not in ORDERS, f"order must be one of {sorted(ORDERS)}"),
            ("pubtime_begin_s" in params and begin is None, "pubtime_begin_s must be seconds"),
            ("pubtime_end_s" in params and (end is None or end < (begin or 0)), "pubtime_end_s must be >= begin"),
        ) if bad), None)  # fmt: skip
        if problem or page is None or size is None:
            return _code(-400, problem)
        nothing = "空" in keyword or "empty" in keyword.lower()
        positions = [] if nothing else self.data.positions(keyword, begin or None, end)[:MAX_RESULTS]
        chosen = [] if empty else positions[(page - 1) * size : page * size]
        pages = math.ceil(len(positions) / size)
        sample = load_json("bilibili", "search_type_video-1.json")["data"]
        data = {k: sample[k] for k in ("suggest_keyword", "rqt_type", "exp_list", "egg_hit", "show_column")}
        data |= {"seid": str(stable_int(self.seed, "seid", keyword) % 10**18), "page": page, "pagesize": size,
                 "numResults": len(positions), "numPages": pages, "in_black_key": 0, "in_white_key": 0}  # fmt: skip
        if page < pages:
            data["next"] = page + 1
        data["result"] = [self.data.video(keyword, pos) for pos in chosen]
        return {"code": 0, "message": "OK", "ttl": 1, "data": data}

    def _detail(self, params: QueryParams, empty: bool) -> Json:
        if not params.get("bvid") and not (params.get("aid") or "").isdigit():
            return _code(-400, "bvid or aid is required")
        aid = self.data.aid_of(bvid=params.get("bvid"), aid=params.get("aid"))
        if aid is None:
            return _code(-404)
        return {"code": 0, "message": "0", "ttl": 1, "data": self.data.view_detail(aid)}

    def _comments(self, params: QueryParams, empty: bool) -> Json:
        oid, mode, size = params.get("oid", ""), params.get("mode", "3"), _int(params.get("ps", "20"))
        page = _main_page(params)
        if not oid.isdigit() or params.get("type") != "1" or mode not in ("0", "1", "2", "3"):
            return _code(-400, "oid (digits), type=1 and mode 0-3 are required")
        if size is None or size > 30 or page is None:
            return _code(-400, "ps must be 1-30 and next a cursor this replay gave out")
        total = size * COMMENT_PAGES
        roots = [] if empty or page > COMMENT_PAGES else self.data.roots(oid, page, size)
        by_time = mode == "2"  # the time mode's cursor counts down floor numbers, the hot one counts pages
        cursor = {"is_begin": page == 1, "prev": total - (page - 1) * size if by_time else page,
                  "next": total - page * size if by_time else page + 1, "is_end": page >= COMMENT_PAGES,
                  "mode": 2 if by_time else 3, "mode_text": "", "all_count": total, "support_mode": [2, 3],
                  "name": "最新评论" if by_time else "热门评论"}  # fmt: skip
        data = copy.deepcopy(_main_sample()) | {"cursor": cursor, "replies": roots}
        # No capture has a pinned comment: the first root is pinned here, listed in top_replies too.
        data["top_replies"] = roots[:1] if page == 1 else []
        data["upper"] = {"mid": self.data.upper_mid(oid)}
        return {"code": 0, "message": "0", "ttl": 1, "data": data}

    def _replies(self, params: QueryParams, empty: bool) -> Json:
        oid, root = params.get("oid", ""), params.get("root", "")
        pn, ps = _int(params.get("pn", "1")), _int(params.get("ps", "20"))
        if not oid.isdigit() or not root.isdigit() or params.get("type") != "1" or pn is None or ps is None or ps > 20:
            return _code(-400, "oid, root (digits), type=1, pn and ps (1-20) are required")
        found = self.data.replies_page(root, pn, ps)
        if found is None or str(found[0]["oid"]) != oid:
            return _code(-404)
        root_obj, replies, count = found
        data = {"config": {"showtopic": 1, "show_up_flag": True, "read_only": False},
                "control": _main_sample()["control"], "page": {"num": pn, "size": ps, "count": count},
                "replies": [] if empty else replies, "root": root_obj, "show_bvid": True, "show_text": "",
                "show_type": 1, "upper": {"mid": self.data.upper_mid(oid)}}  # fmt: skip
        return {"code": 0, "message": "0", "ttl": 1, "data": data}

    def _space(self, params: QueryParams, empty: bool) -> Json:
        """An uploader's videos, newest first (only real sample users have any)."""
        mid, pn, ps = params.get("mid", ""), _int(params.get("pn", "1")), _int(params.get("ps", "30"))
        if not mid.isdigit() or pn is None or ps is None or ps > 50:
            return _code(-400, "mid must be digits, pn a positive integer, ps 1-50")
        if params.get("order", "pubdate") not in ("pubdate", "click", "stow"):
            return _code(-400, "order must be pubdate, click or stow")
        if real_user(mid) is None:
            return _code(-404)
        vlist, count = self.data.space_list(mid, pn, ps)
        data = {"list": {"tlist": {}, "vlist": [] if empty else vlist}, "page": {"pn": pn, "ps": ps, "count": count},
                "episodic_button": {"text": "播放全部", "uri": f"//www.bilibili.com/medialist/play/{mid}"}}  # fmt: skip
        return {"code": 0, "message": "0", "ttl": 1, "data": data}

    def _user(self, params: QueryParams, empty: bool) -> Json:
        mid = params.get("mid", "")
        if not mid.isdigit():
            return _code(-400, "mid must be digits")
        user = real_user(mid)
        if user is None:
            return _code(-404)
        data = {"mid": int(mid), "name": user["name"], "sex": user["sex"], "face": user["face"], "face_nft": 0,
                "sign": user["sign"], "rank": 10000, "level": user.get("level", 6), "jointime": 0, "moral": 0,
                "silence": 0, "coins": 0, "fans_badge": False, "is_followed": False, "top_photo": "",
                "official": {"role": 0, "title": "", "desc": "", "type": -1}, "vip": {"type": 0, "status": 0},
                "birthday": "", "is_senior_member": 0}  # fmt: skip
        return {"code": 0, "message": "0", "ttl": 1, "data": data}


def _code(code: int, detail: str | None = None) -> Json:
    message = MESSAGES.get(code, "请求失败")
    return {"code": code, "message": f"{message}: {detail}" if detail else message, "ttl": 1}


def _int(raw: str | None, *, zero: bool = False) -> int | None:
    """Return a positive integer (or 0 when `zero`) from a query value; None when it is not one."""
    if raw is None or not raw.isdigit():
        return None
    value = int(raw)
    return value if value >= 1 or (zero and value == 0) else None


def _main_page(params: Mapping[str, str]) -> int | None:
    """Return the wbi/main page a `next` cursor stands for: page numbers (mode 3) or floors (mode 2)."""
    nxt, size = params.get("next", "0"), _int(params.get("ps", "20"))
    if not nxt.isdigit() or size is None:
        return None
    if params.get("mode") != "2" or int(nxt) == 0:
        return max(1, int(nxt))
    below = size * COMMENT_PAGES - int(nxt)
    return below // size + 1 if below >= 0 and below % size == 0 else None


@cache
def _main_sample() -> Json:
    data: Json = {k: v for k, v in load_json("bilibili", "reply_wbi_main-1.json")["data"].items() if k != "replies"}
    return data
