"""Replay of www.douyin.com (platforms.md section 2): the signing home page, API checks and envelopes.

Served: the home page (GET /, the sandbox signing page whose hook adds `a_bogus` to every
/aweme/ call, as the real page's scripts do), general search, comments, replies, user
profiles and a user's posts (/aweme/post/, paged by max_cursor). Checks, in Douyin's order:
1. the gateway: the common params (device_platform=webapp, aid=6383, channel=channel_pc_web, a
   numeric webid) and a valid `a_bogus` (keypick.sandbox.signing_pages). Failing calls get
   HTTP 200 with an EMPTY body, Douyin's known "blocked" answer (platforms.md §2.4);
2. the login: a `sessionid` cookie, else `{"status_code": 8, "status_msg": "用户未登录"}`;
3. the endpoint's own params: bad ones get `{"status_code": 2, "status_msg": "参数错误: …"}` naming
   the problem (that code and wording were not captured; they are the sandbox's).
The data comes from douyin_data.py.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from keypick.sandbox.douyin_data import (
    COMMENT_PAGES,
    COMMENTS,
    CREATOR_KEY,
    HOST,
    RESULTS_PER_PAGE,
    SEARCH,
    DouyinData,
    real_user,
)
from keypick.sandbox.faults import FaultSpec
from keypick.sandbox.replay import Call, html_response, json_response
from keypick.sandbox.samples import load_json
from keypick.sandbox.signing_pages import signing_page, verify_signature

API = "/aweme/v1/web"
PATHS = {
    f"{API}/general/search/single/": "search",
    f"{API}/comment/list/": "comments",
    f"{API}/comment/list/reply/": "replies",
    f"{API}/user/profile/other/": "profile",
    f"{API}/aweme/post/": "posts",
}
GATEWAY = {"device_platform": "webapp", "aid": "6383", "channel": "channel_pc_web"}
SORT_TYPES = frozenset({"0", "1", "2"})
PUBLISH_TIMES = frozenset({"0", "1", "7", "180"})
NOT_LOGGED_IN: dict[str, Any] = {"status_code": 8, "status_msg": "用户未登录"}
_VERIFY_PAGE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>验证码中间页</title></head><body>'
    '<div id="captcha_container"><div id="captcha-verify-image"></div></div></body></html>'
)
Json = dict[str, Any]


class DouyinReplay:
    """www.douyin.com: home page (signer), general search, comments, replies, user profiles."""

    host = HOST

    def __init__(self, *, pages: int, seed: str, anchor: datetime) -> None:
        self.pages = pages
        self.data = DouyinData(seed=seed, anchor=anchor)

    def classify(self, method: str, path: str, params: Mapping[str, str]) -> Call | None:
        """Return the Call for a www.douyin.com path, or None when the sandbox has no replay for it."""
        if method != "GET":
            return None
        if path == "/":
            return Call("home")
        endpoint = PATHS.get(path)
        if endpoint == "search":
            count = _number(params.get("count")) or 10
            return Call("search", keyword=params.get("keyword"), page=(_number(params.get("offset")) or 0) // count + 1)
        if endpoint == "comments":
            page = (_number(params.get("cursor")) or 0) // 10 + 1
            return Call("comments", keyword=self.data.keyword_of(params.get("aweme_id", "")), page=page)
        if endpoint == "replies":
            page = (_number(params.get("cursor")) or 0) // max(1, _number(params.get("count")) or 20) + 1
            return Call("replies", keyword=self.data.keyword_of(params.get("item_id", "")), page=page)
        if endpoint == "posts":
            return Call("posts", keyword=f"{CREATOR_KEY}{params.get('sec_user_id', '')}", page=self._posts_page(params))
        return Call("profile") if endpoint == "profile" else None

    def answer(self, request: Request, path: str, call: Call, *, empty: bool = False) -> Response:
        """Return the replayed answer: the page, Douyin's gateway refusal, or the endpoint's JSON."""
        if call.endpoint == "home":
            return html_response(signing_page("douyin"))
        params = request.query_params
        if any(params.get(k) != v for k, v in GATEWAY.items()) or not params.get("webid", "").isdigit():
            return _blocked()
        if not verify_signature("douyin", request):
            return _blocked()
        if not request.cookies.get("sessionid"):
            return json_response(NOT_LOGGED_IN)
        handler = {"search": self._search, "comments": self._comments, "replies": self._replies,
                   "posts": self._posts}.get(call.endpoint)  # fmt: skip
        return json_response(handler(params, empty) if handler else self._profile(params, empty))

    def business_error(self, fault: FaultSpec) -> Response:
        """Return Douyin's business-error envelope (HTTP 200, non-zero status_code)."""
        return json_response({"status_code": fault.errno, "status_msg": "系统繁忙，请稍后再试"})

    def login_expired(self, request: Request, path: str) -> Response:
        """Return what Douyin answers when the login cookie is gone: status_code 8, 用户未登录."""
        return json_response(NOT_LOGGED_IN)

    def verification(self) -> Response:
        """Return the captcha interstitial (title 验证码中间页, platforms.md §2.4) with HTTP 200."""
        return html_response(_VERIFY_PAGE)

    def _search(self, params: Mapping[str, str], empty: bool) -> Json:
        keyword = params.get("keyword", "")
        offset, count = _number(params.get("offset")), _number(params.get("count"))
        if not keyword:
            return _error("keyword is missing")
        if params.get("search_channel") != "aweme_general":
            return _error("search_channel must be aweme_general (the only channel replayed)")
        if offset is None or count is None or not 1 <= count <= 20:
            return _error("offset must be >= 0 and count between 1 and 20")
        # The replay lists newest first whatever the sort; publish_time narrows the results.
        _, publish_time, problem = _filters(params)
        if problem:
            return _error(problem)
        if offset and params.get("search_id") != self.data.logid(keyword, offset - count):
            return _error("search_id must be the previous page's extra.logid (offset steps by count)")
        nothing = "空" in keyword or "empty" in keyword.lower()
        total = 0 if nothing else self.data.total(keyword, self.pages, int(publish_time))
        cards = [] if empty or offset >= total else self.data.search_cards(keyword, offset, count, total)
        logid = self.data.logid(keyword, offset)
        envelope = {k: v for k, v in load_json("douyin", SEARCH).items() if k != "data"}
        envelope.update(data=cards, has_more=int(offset + count < total), cursor=min(offset + count, total))
        envelope["extra"] = {**envelope["extra"], "logid": logid, "now": int(self.data.anchor.timestamp() * 1000)}
        envelope["log_pb"] = {**envelope["log_pb"], "impr_id": logid}
        return envelope

    def _comments(self, params: Mapping[str, str], empty: bool) -> Json:
        aweme_id, cursor, count = (
            params.get("aweme_id", ""),
            _number(params.get("cursor")),
            _number(params.get("count")),
        )
        if not aweme_id.isdigit():
            return _error("aweme_id must be a numeric aweme id")
        if cursor is None or count is None or not 1 <= count <= 50 or params.get("item_type") != "0":
            return _error("cursor must be >= 0, count between 1 and 50, item_type 0")
        per_page = 10
        page = cursor // per_page
        comments = [] if empty or page >= COMMENT_PAGES else self.data.comments(aweme_id, cursor, count)
        more = page + 1 < COMMENT_PAGES
        return self._comment_envelope(comments, cursor + len(comments), more, COMMENT_PAGES * per_page)

    def _replies(self, params: Mapping[str, str], empty: bool) -> Json:
        comment_id, item_id = params.get("comment_id", ""), params.get("item_id", "")
        cursor, count = _number(params.get("cursor")), _number(params.get("count"))
        if not comment_id.isdigit() or not item_id.isdigit():
            return _error("comment_id and item_id (the aweme id) must be numeric")
        if cursor is None or count is None or not 1 <= count <= 50 or params.get("item_type") != "0":
            return _error("cursor must be >= 0, count between 1 and 50, item_type 0")
        replies, total = self.data.replies(comment_id, cursor, count)
        if replies and replies[0]["aweme_id"] != item_id:
            return _error(f"comment {comment_id} does not belong to item {item_id}")
        end = cursor + len(replies)
        return self._comment_envelope([] if empty else replies, end, end < total, total)

    def _comment_envelope(self, comments: list[Json], cursor: int, more: bool, total: int) -> Json:
        envelope = {k: v for k, v in load_json("douyin", COMMENTS).items() if k != "comments"}
        # Douyin sends `comments: null` when a page has none.
        envelope.update(comments=comments or None, cursor=cursor, has_more=int(more), total=total)
        envelope["extra"] = {**envelope["extra"], "now": int(self.data.anchor.timestamp() * 1000)}
        return envelope

    def _posts(self, params: Mapping[str, str], empty: bool) -> Json:
        """A user's posts older than max_cursor (ms), newest first; a well-formed unknown sec_uid has none."""
        sec_uid, count = params.get("sec_user_id", ""), _number(params.get("count"))
        max_cursor = _number(params.get("max_cursor"))
        if not sec_uid.startswith("MS4wLjABAAAA"):
            return _error("sec_user_id must be a sec_uid (MS4wLjABAAAA…)")
        if count is None or not 1 <= count <= 50 or max_cursor is None:
            return _error("count must be between 1 and 50 and max_cursor a number (0 first)")
        if params.get("locate_query") != "false" or params.get("publish_video_strategy_type") != "2":
            return _error("locate_query must be false and publish_video_strategy_type 2")
        total = self.pages * RESULTS_PER_PAGE if real_user(sec_uid) else 0
        awemes, more = self.data.user_posts(sec_uid, max_cursor, count, total)
        awemes = [] if empty else awemes
        last = awemes[-1]["create_time"] * 1000 if awemes else max_cursor
        return {"status_code": 0, "status_msg": "", "aweme_list": awemes, "has_more": int(more and bool(awemes)),
                "max_cursor": last}  # fmt: skip

    def _posts_page(self, params: Mapping[str, str]) -> int:
        """The page a max_cursor stands for (1 for 0), so faults can be scoped by page."""
        total, count = self.pages * RESULTS_PER_PAGE, max(1, _number(params.get("count")) or 18)
        start = self.data.posts_start(params.get("sec_user_id", ""), _number(params.get("max_cursor")) or 0, total)
        return start // count + 1

    def _profile(self, params: Mapping[str, str], empty: bool) -> Json:
        sec_uid = params.get("sec_user_id", "")
        if not sec_uid.startswith("MS4wLjABAAAA"):
            return _error("sec_user_id must be a sec_uid (MS4wLjABAAAA…)")
        user = None if empty else real_user(sec_uid)
        return {
            "status_code": 0,
            "status_msg": "",
            "user": user,
            "extra": {"now": int(self.data.anchor.timestamp() * 1000)},
        }


def _filters(params: Mapping[str, str]) -> tuple[str, str, str | None]:
    """Return (sort_type, publish_time, problem) from filter_selected / is_filter_search."""
    raw = params.get("filter_selected")
    if raw is None:
        if params.get("is_filter_search", "0") != "0":
            return "0", "0", "is_filter_search=1 needs filter_selected"
        return "0", "0", None
    try:
        selected = json.loads(raw)
    except ValueError:
        return "0", "0", "filter_selected is not JSON"
    if not isinstance(selected, dict):
        return "0", "0", "filter_selected must be a JSON object"
    sort_type, publish_time = str(selected.get("sort_type", "0")), str(selected.get("publish_time", "0"))
    if sort_type not in SORT_TYPES or publish_time not in PUBLISH_TIMES:
        return "0", "0", f"sort_type must be one of {sorted(SORT_TYPES)}, publish_time one of {sorted(PUBLISH_TIMES)}"
    if params.get("is_filter_search") != "1":
        return "0", "0", "filter_selected needs is_filter_search=1"
    return sort_type, publish_time, None


def _blocked() -> Response:
    return Response(b"", 200, media_type="application/json")


def _error(message: str) -> Json:
    return {"status_code": 2, "status_msg": f"参数错误: {message}"}


def _number(raw: str | None) -> int | None:
    return int(raw) if raw is not None and raw.isdigit() else None
