"""Pure parsers: Zhihu payloads → KeyPick records. No IO, no clock, no settings.

API answers use snake_case (`voteup_count`); the `js-initialData` of HTML pages uses camelCase
(`voteupCount`). `_pick` reads either, so one object parser serves both.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from keypick.content.schemas import Author, Comment, Post, Record
from keypick.exceptions import ParseError
from keypick.platforms.normalize import epoch_to_utc, https_url, parse_count, strip_html
from keypick.platforms.zhihu.constants import PLATFORM, RESULT_ITEM_TYPES, ContentType, error_of, response_error
from keypick.platforms.zhihu.endpoints import content_url, people_url

_INITIAL_DATA_RE = re.compile(r"<script[^>]*\bid=[\"']js-initialData[\"'][^>]*>(.*?)</script>", re.DOTALL)
_CAMEL_RE = re.compile(r"_([a-z])")
#: gender 1 male, 0 female, -1 unknown (platforms.md §7.3); KeyPick keeps Weibo's m/f vocabulary.
_GENDERS = {1: "m", 0: "f"}
CONTENT_TYPES = frozenset(t.value for t in ContentType)
_ENTITY_OF = {ContentType.ANSWER: "answers", ContentType.ARTICLE: "articles", ContentType.ZVIDEO: "zvideos"}


@dataclass
class SearchResult:
    """One parsed search page: posts, how many items were not content, and whether results ended."""

    posts: list[Post]
    skipped: int = 0
    end: bool = False


@dataclass
class CommentsResult:
    """One parsed comment page; `next_offset` is the offset of `paging.next` ('' when there is none)."""

    comments: list[Comment]
    next_offset: str = ""
    end: bool = True
    total: int | None = None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _fail(endpoint: str, message: str) -> ParseError:
    return ParseError(f"zhihu {endpoint}: {message}", platform=PLATFORM, endpoint=endpoint)


def _pick(obj: dict[str, Any], snake: str) -> Any:
    """Return obj[snake], else obj[camelCase of snake] (HTML initialState spells keys in camelCase)."""
    if snake in obj:
        return obj[snake]
    return obj.get(_CAMEL_RE.sub(lambda m: m.group(1).upper(), snake))


def _first(obj: dict[str, Any], *names: str) -> Any:
    """Return the first of the named fields that is present and not empty."""
    return next((v for n in names if (v := _pick(obj, n)) not in (None, "")), None)


def _raise_error(payload: Any, endpoint: str) -> None:
    if error_of(payload) is not None and (error := response_error(200, payload, endpoint=endpoint)) is not None:
        raise error


def _id(value: Any, endpoint: str) -> str:
    # A float id has lost digits already (int64 through a JavaScript number): refuse rather than store it.
    if isinstance(value, bool | float) or value in (None, ""):
        raise _fail(endpoint, f"expected a string or integer id, got {value!r}")
    return str(value)


def parse_search_page(payload: Any, *, fetched_at: datetime) -> SearchResult:
    """Return the answers, articles and videos of a search_v3 page; other items are counted as skipped."""
    _raise_error(payload, "search")
    items = _dict(payload).get("data")
    if not isinstance(items, list):
        raise _fail("search", "expected data[] in the search_v3 answer")
    posts: dict[str, Post] = {}
    skipped = 0
    for item in items:
        obj = _dict(item).get("object") if _dict(item).get("type") in RESULT_ITEM_TYPES else None
        # Cards (koc_box, knowledge_ad, relevant_query) and questions/columns/topics are not posts.
        if not isinstance(obj, dict) or str(obj.get("type")) not in CONTENT_TYPES:
            skipped += 1
            continue
        post = parse_content(obj, fetched_at=fetched_at, highlight=_dict(item.get("highlight")))
        if post.id in posts:
            skipped += 1
        posts.setdefault(post.id, post)
    end = bool(_dict(payload.get("paging")).get("is_end")) or not items
    return SearchResult(posts=list(posts.values()), skipped=skipped, end=end)


def parse_content(obj: dict[str, Any], *, fetched_at: datetime, highlight: dict[str, Any] | None = None) -> Post:
    """Return the Post of one answer / article / zvideo object (API snake_case or page camelCase)."""
    kind = obj.get("type")
    if not isinstance(kind, str) or kind not in CONTENT_TYPES:
        raise _fail("content", f"expected an answer, article or zvideo object, got type {kind!r}")
    ctype = ContentType(kind)
    post_id = _id(obj.get("id"), "content")
    hl = highlight or {}
    question = _dict(obj.get("question"))
    question_id = str(question["id"]) if question.get("id") else None
    title = strip_html(_pick(obj, "title") or hl.get("title") or question.get("name") or question.get("title"))
    body = obj.get("content")
    summary = obj.get("excerpt") or hl.get("description") or obj.get("description")
    # Search cards normally carry the full HTML; without it only the excerpt is known (complete() fetches).
    truncated = not body and ctype is not ContentType.ZVIDEO
    author_raw = _dict(obj.get("author"))
    author = parse_member(author_raw) if author_raw else None
    member = _dict(author_raw.get("member")) or author_raw
    created = _first(obj, "created_time", "created", "created_at", "published_at")
    extra = {
        "content_type": ctype.value,
        "question_id": question_id,
        "question_title": strip_html(question.get("name") or question.get("title")) or None,
        "excerpt": strip_html(summary) or None,
        "content_truncated": truncated,
        "updated_time": _first(obj, "updated_time", "updated", "updated_at"),
        "original_id": str(_pick(obj, "original_id")) if _pick(obj, "original_id") else None,
        "question_visit_count": parse_count(_pick(obj, "visits_count")),
        "author_url_token": _pick(member, "url_token") or None,
    }
    return Post(
        id=post_id, platform=PLATFORM, title=title or None, content=strip_html(body) or strip_html(summary),
        url=content_url(ctype, post_id, question_id=question_id), likes=parse_count(_pick(obj, "voteup_count")),
        collects=parse_count(_first(obj, "favorites_count", "zfav_count", "favlists_count")),
        comments=parse_count(_pick(obj, "comment_count")), views=parse_count(_pick(obj, "play_count")),
        author=_pick(member, "name") or None, author_id=author.author_id if author else None,
        author_avatar=https_url(_pick(member, "avatar_url")), publish_time=epoch_to_utc(created, unit="s"),
        images=_images(obj), videos=[url] if (url := https_url(_pick(obj, "video_url"))) else [],
        crawl_time=fetched_at, platform_data={k: v for k, v in extra.items() if v is not None}, raw=obj,
        author_info=author,
    )  # fmt: skip


def _images(obj: dict[str, Any]) -> list[str]:
    thumbs = _list(_dict(_pick(obj, "thumbnail_info")).get("thumbnails"))
    urls = [https_url(t.get("url")) for t in thumbs if isinstance(t, dict) and t.get("type", "image") == "image"]
    urls.append(https_url(_first(obj, "title_image", "image_url")))
    return list(dict.fromkeys(u for u in urls if u))


def parse_member(user: dict[str, Any]) -> Author | None:
    """Return the Author of an `author` / user object (also under `.member`); None for anonymous users."""
    member = _dict(user.get("member")) or user
    uid = str(_pick(member, "id") or "")
    if uid in ("", "0"):  # 匿名用户 has id "0" and no url_token
        return None
    token = str(_pick(member, "url_token") or "")
    counts = [parse_count(_pick(member, k)) for k in ("answer_count", "articles_count", "zvideo_count")]
    extra = {
        "url_token": token or None,
        "user_type": _pick(member, "user_type"),
        "headline": _pick(member, "headline") or None,
        **{k: parse_count(_pick(member, k)) for k in ("question_count", "columns_count", "zvideo_count")},
    }
    ip = _pick(member, "ip_info")
    return Author(
        platform=PLATFORM, author_id=uid, nickname=_pick(member, "name") or None,
        avatar=https_url(_pick(member, "avatar_url")), gender=_GENDERS.get(_pick(member, "gender")),
        description=strip_html(_pick(member, "description") or _pick(member, "headline")) or None,
        ip_location=_ip_text(ip) if isinstance(ip, str) else None,
        followers=parse_count(_pick(member, "follower_count")),
        following=parse_count(_pick(member, "following_count")),
        posts_count=sum(c for c in counts if c) if any(c is not None for c in counts) else None,
        likes_received=parse_count(_pick(member, "voteup_count")), profile_url=people_url(token or uid),
        platform_data={k: v for k, v in extra.items() if v is not None},
    )  # fmt: skip


def _ip_text(text: str) -> str | None:
    return text.strip().removeprefix("IP 属地").removeprefix("IP属地").strip() or None


def parse_comment_page(
    payload: Any, *, post_id: str, fetched_at: datetime, root_id: str | None = None
) -> CommentsResult:
    """Return the comments of a root_comment page, or (with `root_id`) of a child_comment page."""
    endpoint = "child_comment" if root_id else "root_comment"
    _raise_error(payload, endpoint)
    items = _dict(payload).get("data")
    if not isinstance(items, list):
        raise _fail(endpoint, "expected data[] in the comment_v5 answer")
    found: dict[str, Comment] = {}
    for raw in items:
        if _dict(raw).get("type", "comment") != "comment":
            continue
        comment = _comment(raw, post_id=post_id, root_id=root_id)
        found.setdefault(comment.comment_id, comment)
    paging = _dict(payload.get("paging"))
    offsets = parse_qs(urlsplit(str(paging.get("next") or "")).query).get("offset", [""])
    end = bool(paging.get("is_end")) or not items
    return CommentsResult(list(found.values()), offsets[0], end, parse_count(paging.get("totals")))


def _comment(raw: Any, *, post_id: str, root_id: str | None) -> Comment:
    if not isinstance(raw, dict) or raw.get("id") in (None, ""):
        raise _fail("comments", "expected comment objects with an 'id'")
    cid = _id(raw["id"], "comments")
    reply_to = str(raw.get("reply_comment_id") or "")
    # Roots say reply_comment_id "0"; a reply answers the root or another reply of it.
    parent = reply_to if reply_to not in ("", "0", cid) else root_id
    author = _dict(raw.get("author"))
    member = _dict(author.get("member")) or author
    ip = next((t.get("text") for t in _list(raw.get("comment_tag")) if _dict(t).get("type") == "ip_info"), None)
    extra = {
        "root_id": root_id or (root if (root := str(raw.get("reply_root_comment_id") or "0")) != "0" else None),
        "dislike_count": parse_count(raw.get("dislike_count")),
        "author_url_token": member.get("url_token") or None,
        "author_avatar": https_url(member.get("avatar_url")),
        "is_hot": raw.get("hot"),
        "is_top": raw.get("top"),
    }
    return Comment(
        comment_id=cid, post_id=post_id, platform=PLATFORM, parent_id=parent, author=member.get("name") or None,
        author_id=str(member["id"]) if member.get("id") not in (None, "", "0") else None,
        content=strip_html(raw.get("content")), likes=parse_count(raw.get("like_count")),
        publish_time=epoch_to_utc(raw.get("created_time"), unit="s"),
        ip_location=_ip_text(ip) if isinstance(ip, str) else None,
        reply_count=parse_count(raw.get("child_comment_count")),
        platform_data={k: v for k, v in extra.items() if v not in (None, "")}, raw=raw,
    )  # fmt: skip


def initial_state(html: Any, endpoint: str) -> dict[str, Any]:
    """Return `initialState` from a page's `<script id="js-initialData">`; ParseError when absent."""
    match = _INITIAL_DATA_RE.search(html) if isinstance(html, str) else None
    if match is None:
        raise _fail(endpoint, "no script#js-initialData in the page (login wall, captcha or new layout?)")
    try:
        data = json.loads(match.group(1))
    except ValueError as exc:
        raise _fail(endpoint, f"js-initialData is not JSON: {exc}") from exc
    state = _dict(data).get("initialState")
    if not isinstance(state, dict) or not isinstance(state.get("entities"), dict):
        raise _fail(endpoint, "expected initialState.entities in js-initialData")
    return state


def parse_detail_html(html: Any, *, fetched_at: datetime, content_id: str | None = None) -> Post:
    """Return the Post on an answer, article or zvideo page (the one with `content_id`, else the only one)."""
    entities = initial_state(html, "detail")["entities"]
    for ctype, name in _ENTITY_OF.items():
        table = _dict(entities.get(name))
        obj = _dict(table.get(content_id)) if content_id else (next(iter(table.values())) if len(table) == 1 else {})
        if obj:
            obj = {**obj, "type": ctype.value}
            author = obj.get("author")
            if isinstance(author, str):  # zvideos name their author by key into entities.users
                obj["author"] = _dict(_dict(entities.get("users")).get(author))
            return parse_content(obj, fetched_at=fetched_at)
    raise _fail("detail", f"no answer, article or zvideo {content_id or ''} in initialState.entities".strip())


def _is_user(key: str, user: dict[str, Any], wanted: str) -> bool:
    return wanted in (key, _pick(user, "id"), _pick(user, "url_token"))


def parse_people_html(html: Any, *, user_key: str | None = None) -> Author:
    """Return the Author of a /people/{token} page: the user keyed or identified by `user_key`."""
    users = _dict(initial_state(html, "people_page")["entities"].get("users"))
    candidates = [u for k, u in users.items() if isinstance(u, dict) and (not user_key or _is_user(k, u, user_key))]
    # The profile's own entry is the one with its counts; others on the page are bare references.
    profile = next((u for u in candidates if _pick(u, "follower_count") is not None), None)
    author = parse_member(profile) if profile else None
    if author is None:
        raise _fail("people_page", f"no user {user_key or ''} with a profile in initialState.entities.users")
    return author


def _kind_detail(payload: Any, fetched_at: datetime) -> list[Record]:
    if isinstance(payload, dict):  # one answer/article/zvideo object, as the API returns it
        return [parse_content(payload, fetched_at=fetched_at)]
    return [parse_detail_html(payload, fetched_at=fetched_at)]


#: `keypick parse` kinds: payload (parsed JSON, or HTML text for pages) + fetched_at → records.
#: A bare comment page does not name its post, so "comments" leaves post_id empty.
PARSE_KINDS: dict[str, Callable[[Any, datetime], list[Record]]] = {
    "search": lambda p, at: list[Record](parse_search_page(p, fetched_at=at).posts),
    "detail": _kind_detail,
    "comments": lambda p, at: list[Record](parse_comment_page(p, post_id="", fetched_at=at).comments),
    "creator": lambda p, at: [parse_people_html(p)],
}
