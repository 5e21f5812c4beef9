"""PURE: which saved request is which platform endpoint, and what its response holds.

The table maps (host, path) to (platform, parse kind) plus where the keyword, the post id and the
parent comment id sit in the request, because comment pages do not always name their post: a Zhihu
child_comment page names only its root comment, a Tieba 楼中楼 page its thread and floor in the query.
An author's post list (kind creator_posts) is stored under its author id, as a creator crawl's unit keyword
is: the route says where the request names it (a Tieba myThread answer does not name its user at all).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass(frozen=True)
class Route:
    """One recognised endpoint."""

    platform: str
    host: str
    path: re.Pattern[str]
    kind: str
    keyword_param: str | None = None  #: query or body field holding the search keyword
    post_param: str | None = None  #: query/body field (or path group "post") holding the post id
    parent_param: str | None = None  #: query/body field (or path group "parent") holding the parent comment id
    author_param: str | None = None  #: query/body field (or path group "author") holding the author id of a list


def _r(platform: str, host: str, path: str, kind: str, *, kw: str | None = None, post: str | None = None,
       parent: str | None = None, author: str | None = None) -> Route:  # fmt: skip
    return Route(platform, host, re.compile(path), kind, kw, post, parent, author)


ROUTES: tuple[Route, ...] = (
    _r("weibo", "m.weibo.cn", r"^/api/container/getIndex$", "search", kw="containerid"),
    _r("weibo", "m.weibo.cn", r"^/comments/hotflow$", "comments", post="mid"),
    _r("weibo", "m.weibo.cn", r"^/api/comments/show$", "comments", post="id"),
    _r("weibo", "m.weibo.cn", r"^/detail/(?P<post>\d+)$", "detail"),
    _r("xiaohongshu", "edith.xiaohongshu.com", r"^/api/sns/web/v1/search/notes$", "search", kw="keyword"),
    _r("xiaohongshu", "edith.xiaohongshu.com", r"^/api/sns/web/v1/feed$", "detail"),
    _r("xiaohongshu", "edith.xiaohongshu.com", r"^/api/sns/web/v2/comment/(sub/)?page$", "comments", post="note_id"),
    _r("xiaohongshu", "edith.xiaohongshu.com", r"^/api/sns/web/v1/user_posted$", "creator_posts", author="user_id"),
    _r("douyin", "www.douyin.com", r"^/aweme/v1/web/(general/search/single|search/item)/?$", "search", kw="keyword"),
    _r("douyin", "www.douyin.com", r"^/aweme/v1/web/aweme/detail/?$", "detail"),
    _r("douyin", "www.douyin.com", r"^/aweme/v1/web/comment/list/?$", "comments", post="aweme_id"),
    _r("douyin", "www.douyin.com", r"^/aweme/v1/web/comment/list/reply/?$", "comments", post="item_id"),
    _r("douyin", "www.douyin.com", r"^/aweme/v1/web/aweme/post/?$", "creator_posts", author="sec_user_id"),
    _r("bilibili", "api.bilibili.com", r"^/x/web-interface/(wbi/)?search/type$", "search", kw="keyword"),
    _r("bilibili", "api.bilibili.com", r"^/x/web-interface/view/detail$", "detail"),
    _r("bilibili", "api.bilibili.com", r"^/x/v2/reply(/wbi/main|/main|/reply)?$", "comments", post="oid"),
    _r("bilibili", "api.bilibili.com", r"^/x/space/wbi/acc/info$", "creator"),
    _r("bilibili", "api.bilibili.com", r"^/x/space/(wbi/)?arc/search$", "creator_posts", author="mid"),
    _r("kuaishou", "www.kuaishou.com", r"^/rest/v/search/feed$", "search", kw="keyword"),
    _r("kuaishou", "www.kuaishou.com", r"^/rest/v/photo/comment/(list|sublist)$", "comments", post="photoId"),
    _r("kuaishou", "www.kuaishou.com", r"^/graphql$", "detail"),
    _r("kuaishou", "www.kuaishou.com", r"^/rest/v/profile/feed$", "creator_posts", author="user_id"),
    _r("zhihu", "www.zhihu.com", r"^/api/v4/search_v3$", "search", kw="q"),
    _r("zhihu", "www.zhihu.com", r"^/question/\d+/answer/(?P<post>\d+)$", "detail"),
    _r("zhihu", "zhuanlan.zhihu.com", r"^/p/(?P<post>\d+)$", "detail"),
    _r("zhihu", "www.zhihu.com", r"^/api/v4/comment_v5/(answers|articles|zvideos)/(?P<post>\d+)/root_comment$",
       "comments"),
    # Replies of one root comment: the URL names the root only; its post is resolved through the root.
    _r("zhihu", "www.zhihu.com", r"^/api/v4/comment_v5/comment/(?P<parent>\d+)/child_comment$", "replies"),
    # An author's answers: the path names the author by url_token or by the 32-hex id.
    _r("zhihu", "www.zhihu.com", r"^/api/v4/members/(?P<author>[^/]+)/answers$", "creator_posts"),
    _r("tieba", "tieba.baidu.com", r"^/f/search/res$", "search", kw="qw"),
    _r("tieba", "tieba.baidu.com", r"^/mo/q/search/multsearch$", "search", kw="word"),
    _r("tieba", "tieba.baidu.com", r"^/c/f/pb/page_pc$", "detail"),
    # 楼中楼: the HTML page of one floor's sub-replies (platforms.md §6.2); tid is the thread, pid the floor.
    _r("tieba", "tieba.baidu.com", r"^/p/comment$", "replies", post="tid", parent="pid"),
    # A user's threads, as stubs without text (page_pc completes them); the answer never names the user.
    _r("tieba", "tieba.baidu.com", r"^/c/u/feed/myThread$", "creator_posts", author="portrait"),
)  # fmt: skip


@dataclass
class Recognised:
    """A HAR entry matched to an endpoint, with its decoded response."""

    route: Route
    url: str
    payload: Any
    keyword: str | None
    post_id: str | None
    parent_id: str | None = None
    started: str | None = None  #: the entry's startedDateTime: when the browser received the response
    author_id: str | None = None  #: the author whose list this is (creator_posts, a Weibo timeline), per the request
    status: int = 200  #: the HTTP status; another than 200 is kept only for a JSON body, to name its error


def _obj(value: Any) -> dict[str, Any]:
    # HAR files are written by many tools (and by hand): a part that is not an object counts as missing.
    return value if isinstance(value, dict) else {}


def entry_url(entry: Any) -> str:
    """Return the request URL of a HAR entry ("" when it has none)."""
    return str(_obj(_obj(entry).get("request")).get("url", ""))


def _request_fields(entry: dict[str, Any]) -> dict[str, str]:
    request = _obj(entry.get("request"))
    fields = {k: v[0] for k, v in parse_qs(urlsplit(str(request.get("url", ""))).query).items() if v}
    text = _obj(request.get("postData")).get("text")
    text = text if isinstance(text, str) else ""
    try:
        body = json.loads(text) if text else {}
    except json.JSONDecodeError:
        body = {k: v[0] for k, v in parse_qs(text).items() if v}
    if isinstance(body, dict):
        fields.update({k: str(v) for k, v in body.items() if isinstance(v, str | int) and not isinstance(v, bool)})
        variables = body.get("variables")
        if isinstance(variables, dict):
            fields.update({k: str(v) for k, v in variables.items() if isinstance(v, str | int)})
    return fields


def _body(entry: dict[str, Any]) -> str | None:
    """The response text; ValueError when it says base64 and is not."""
    content = _obj(_obj(entry.get("response")).get("content"))
    text = content.get("text")
    if text is None:
        return None
    if content.get("encoding") == "base64":
        return base64.b64decode(str(text), validate=True).decode("utf-8", errors="replace")
    return str(text)


def _keyword(route: Route, fields: dict[str, str]) -> str | None:
    if route.keyword_param is None:
        return None
    value = fields.get(route.keyword_param)
    if value and route.keyword_param == "containerid":
        # Weibo packs the query inside containerid: "100103type=1&q=咖啡".
        if not value.startswith("100103"):
            return None
        return parse_qs(value.split("type=", 1)[-1].partition("&")[2]).get("q", [None])[0]
    return value or None


def _decoded(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except json.JSONDecodeError:
        return text  # HTML pages: weibo and zhihu detail, tieba search and 楼中楼


def _request_ids(route: Route, path: str, fields: dict[str, str]) -> tuple[str | None, str | None, str | None] | str:
    """Return (post id, parent comment id, author id) as the request names them, or why the entry is skipped."""
    groups = match.groupdict() if (match := route.path.match(path)) else {}
    post_id = groups.get("post") or (fields.get(route.post_param) if route.post_param else None)
    parent_id = groups.get("parent") or (fields.get(route.parent_param) if route.parent_param else None)
    author = unquote(groups["author"]) if groups.get("author") else None
    author_id = (author or (fields.get(route.author_param) if route.author_param else None) or "").strip() or None
    timeline = fields.get("containerid", "") if route.keyword_param == "containerid" else ""
    if timeline.startswith("107603"):  # a Weibo user's timeline (parsed as a search page): 107603{uid}
        author_id = timeline.removeprefix("107603").strip() or None
    if route.kind == "replies":
        absent = [p for p, v in ((route.post_param, post_id), (route.parent_param, parent_id)) if p and not v]
        if absent:
            return f"{route.platform} replies page without {' and '.join(absent)} in its URL"
    if route.kind == "creator_posts" and author_id is None:
        where = f"{route.author_param} in its request" if route.author_param else "its author in the URL path"
        return f"{route.platform} creator_posts without {where}: whose posts would they be?"
    return post_id, parent_id or None, author_id


def recognise(entry: Any) -> Recognised | str:
    """Return the recognised entry, or the reason it is skipped."""
    if not isinstance(entry, dict):
        kinds = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "an array"}
        return f"not a HAR entry: expected an object, got {kinds.get(type(entry), 'null')}"
    url = entry_url(entry)
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:  # e.g. "http://[::1" : an unbalanced IPv6 bracket
        return "not a known platform API endpoint"
    route = next((r for r in ROUTES if host == r.host and r.path.match(parts.path)), None)
    if route is None:
        return "not a known platform API endpoint"
    raw_status = _obj(entry.get("response")).get("status") or 0
    if isinstance(raw_status, bool) or not isinstance(raw_status, int):
        return f"response status {raw_status!r} is not a number"
    status = raw_status
    try:
        text = _body(entry)
    except ValueError:
        return "response body marked base64 is not valid base64"
    payload = _decoded(text)
    if status != 200 and not isinstance(payload, dict):
        # Only a JSON answer can name its error (Zhihu's 40362 comes with HTTP 403); a page says no more.
        return f"HTTP {status}"
    if not text:
        return "no response body saved (re-export the HAR with content)"
    fields = _request_fields(entry)
    kind = route.kind
    container = str(fields.get("containerid", ""))
    if route.platform == "weibo" and kind == "search" and container.startswith("100505"):
        kind = "creator"
    elif route.platform == "weibo" and kind == "search" and not container.startswith(("100103", "107603")):
        # 100103 is a search, 107603 a user's timeline (same cards, its uid as keyword); others are menus and tabs.
        return "weibo getIndex container that is neither a search, a timeline nor a profile"
    if route.platform == "kuaishou" and kind == "detail" and "visionVideoDetail" not in text[:2000] + str(fields):
        return "kuaishou graphql operation other than visionVideoDetail"
    ids = _request_ids(route, parts.path, fields)
    if isinstance(ids, str):
        return ids
    post_id, parent_id, author_id = ids
    # An author's list is stored under the author id, as a creator crawl's unit is.
    keyword = author_id or _keyword(route, fields)
    started = entry.get("startedDateTime")
    return Recognised(
        replace(route, kind=kind), url, payload, keyword, post_id, parent_id,
        started if isinstance(started, str) else None, author_id, status,
    )  # fmt: skip
