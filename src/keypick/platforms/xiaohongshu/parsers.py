"""Pure parsers: Xiaohongshu payloads → KeyPick records. No IO, no clock, no settings."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from keypick.content.schemas import Author, Comment, Post, Record
from keypick.exceptions import DataFetchError, ParseError
from keypick.platforms.normalize import epoch_to_utc, https_url, parse_cn_relative_time, parse_count
from keypick.platforms.xiaohongshu import constants as c
from keypick.platforms.xiaohongshu.endpoints import note_url, profile_url

# Topics are written "#名称[话题]#" in a note's desc; the markup is removed from the text.
_TOPIC_RE = re.compile(r"#([^#\[\]\n]{1,64})\[话题\]#")
_STATE_RE = re.compile(r"window\.__INITIAL_STATE__\s*=\s*(\{.*?\})\s*;?\s*</script>", re.DOTALL)
_UNDEFINED_RE = re.compile(r"(?<=[:\[,])\s*undefined\s*(?=[,\]}])")  # the state is JS: `undefined` → null
_CAMEL_RE = re.compile(r"(?<=[a-z0-9])([A-Z])")
_PROFILE_RE = re.compile(r"/user/profile/([0-9a-f]{24})")
_GENDERS = {0: "m", 1: "f"}


@dataclass
class SearchResult:
    """One parsed search page: notes, how many items were not notes, and whether more pages exist."""

    posts: list[Post]
    skipped: int = 0
    has_more: bool = False


@dataclass
class CommentsResult:
    """One parsed comment page: comments (replies flattened), the next cursor, and threads with more replies."""

    comments: list[Comment]
    cursor: str = ""
    has_more: bool = False
    threads: list[tuple[str, str]] = field(default_factory=list)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _fail(endpoint: str, message: str) -> ParseError:
    return ParseError(f"xiaohongshu {endpoint}: {message}", platform=c.PLATFORM, endpoint=endpoint)


def _data(payload: Any, endpoint: str) -> dict[str, Any]:
    if (error := c.envelope_error(payload, endpoint=endpoint)) is not None:
        raise error
    if not isinstance(data := payload.get("data"), dict):
        raise _fail(endpoint, "expected a 'data' object")
    return data


def split_topics(desc: object) -> tuple[str, list[str]]:
    """Return (desc without its #名称[话题]# markup, the topic names in order)."""
    text = desc if isinstance(desc, str) else ""
    names = [name.strip() for name in _TOPIC_RE.findall(text) if name.strip()]
    lines = (re.sub(r"[ \t\u3000]{2,}", " ", line).strip() for line in _TOPIC_RE.sub(" ", text).splitlines())
    return "\n".join(lines).strip(), list(dict.fromkeys(names))


def parse_search_page(payload: Any, *, fetched_at: datetime) -> SearchResult:
    """Return the notes of a search/notes answer; rec_query/hot_query items are skipped and counted."""
    data, at = _data(payload, "search"), fetched_at
    items = data.get("items", [] if data.get("has_more") is False else None)  # the end may come without items
    if not isinstance(items, list):
        raise _fail("search", "expected data.items[]")
    posts: dict[str, Post] = {}
    for item in items:
        if not isinstance(item, dict) or item.get("model_type") in c.NON_NOTE_MODELS or "note_card" not in item:
            continue
        card, note_id = item.get("note_card"), str(item.get("id") or "")
        if not note_id or not isinstance(card, dict):
            raise _fail("search", "expected note items with 'id' and 'note_card'")
        # The card has no desc and only a display date; the token is what opens the note later.
        source, token = str(item.get("xsec_source") or c.SEARCH_XSEC_SOURCE), item.get("xsec_token")
        post = parse_note_card(card, fetched_at=at, note_id=note_id, xsec_token=token, xsec_source=source, raw=item)
        posts.setdefault(post.id, post)  # a note listed twice counts once, as a skipped card
    return SearchResult(list(posts.values()), len(items) - len(posts), bool(data.get("has_more")) and bool(items))


def parse_note_card(
    card: dict[str, Any], *, fetched_at: datetime, note_id: str | None = None, xsec_token: Any = None,
    xsec_source: str = c.SEARCH_XSEC_SOURCE, raw: dict[str, Any] | None = None,
) -> Post:  # fmt: skip
    """Return the Post of a note_card (search item, feed detail, or the HTML page's note)."""
    nid = str(note_id or card.get("note_id") or card.get("id") or "")
    if not nid:
        raise _fail("note", "expected a 'note_id'")
    content, markup_tags = split_topics(card.get("desc"))
    topics = [str(t["name"]) for t in _list(card.get("tag_list")) if _dict(t).get("type") == "topic" and t.get("name")]
    user = _dict(card.get("user"))
    author = _author_of(user) if user.get("user_id") else None
    interact = _dict(card.get("interact_info"))
    corners = [_dict(tag) for tag in _list(card.get("corner_tag_info"))]
    corner = next((tag for tag in corners if tag.get("type") == "publish_time"), {})
    # Search cards carry only a display date ("05-15", "3天前"), read in China time; details carry ms.
    published = epoch_to_utc(card.get("time"), unit="ms") if card.get("time") else None
    updated = epoch_to_utc(card.get("last_update_time"), unit="ms")
    token = str(xsec_token) if xsec_token else None
    extra = {
        "xsec_token": token, "xsec_source": xsec_source if token else None, "note_type": card.get("type"),
        "cover": _image_url(card.get("cover")), "publish_time_text": corner.get("text"),
        "last_update_time": updated.isoformat() if updated else None,
        "video_duration": _dict(_dict(card.get("video")).get("capa")).get("duration"),
        "at_users": [u.get("nickname") for u in _list(card.get("at_user_list")) if isinstance(u, dict)] or None,
    }  # fmt: skip
    return Post(
        id=nid, platform=c.PLATFORM, title=str(card.get("title") or card.get("display_title") or "") or None,
        content=content, url=note_url(nid, token, xsec_source),
        likes=parse_count(interact.get("liked_count")), collects=parse_count(interact.get("collected_count")),
        comments=parse_count(interact.get("comment_count")),
        shares=parse_count(interact.get("share_count", interact.get("shared_count"))),  # "shared_count" in search
        author=author.nickname if author else None, author_id=author.author_id if author else None,
        author_avatar=author.avatar if author else None,
        publish_time=published or parse_cn_relative_time(corner.get("text"), now=fetched_at),
        tags=list(dict.fromkeys([*topics, *markup_tags])),
        images=[url for url in map(_image_url, _list(card.get("image_list"))) if url],
        videos=_videos(_dict(card.get("video"))), ip_location=str(card.get("ip_location") or "") or None,
        crawl_time=fetched_at, platform_data={k: v for k, v in extra.items() if v is not None},
        raw=raw if raw is not None else card, author_info=author,
    )  # fmt: skip


def _author_of(user: dict[str, Any]) -> Author:
    uid = str(user["user_id"])
    token = user.get("xsec_token")
    return Author(
        platform=c.PLATFORM, author_id=uid, nickname=user.get("nickname") or user.get("nick_name"),
        avatar=https_url(user.get("avatar") or user.get("image")), profile_url=profile_url(uid),
        platform_data={"xsec_token": token} if token else {},
    )  # fmt: skip


def _image_url(image: Any) -> str | None:
    image = _dict(image)
    scenes = {_dict(i).get("image_scene"): _dict(i).get("url") for i in _list(image.get("info_list"))}
    return https_url(image.get("url_default") or scenes.get("WB_DFT") or image.get("url") or scenes.get("WB_PRV"))


def _videos(video: dict[str, Any]) -> list[str]:
    # The original upload first, then the first stream's master URL (h264 before h265).
    key = _dict(video.get("consumer")).get("origin_video_key")
    stream = _dict(_dict(video.get("media")).get("stream"))
    masters = [https_url(_dict(s).get("master_url")) for codec in ("h264", "h265") for s in _list(stream.get(codec))]
    found = [c.VIDEO_CDN + str(key) if key else None, next((m for m in masters if m), None)]
    return list(dict.fromkeys(url for url in found if url))


def parse_feed(payload: Any, *, fetched_at: datetime, xsec_token: str | None = None) -> Post | None:
    """Return the Post of a feed (detail) answer; None when it has no item (use the HTML page then)."""
    items = _data(payload, "detail").get("items")
    if not isinstance(items, list):
        raise _fail("detail", "expected data.items[]")
    if not items:
        return None
    card = _dict(items[0]).get("note_card")
    if not isinstance(card, dict):
        raise _fail("detail", "expected data.items[0].note_card")
    return parse_note_card(card, fetched_at=fetched_at, note_id=_dict(items[0]).get("id"), xsec_token=xsec_token)


def decamelize(node: Any) -> Any:
    """Return a copy of a JSON tree with camelCase keys made snake_case (values untouched)."""
    if isinstance(node, dict):
        return {_CAMEL_RE.sub(r"_\1", str(k)).lower(): decamelize(v) for k, v in node.items()}
    if isinstance(node, list):
        return [decamelize(v) for v in node]
    return node


def initial_state(html: object, endpoint: str) -> dict[str, Any]:
    """Return the page's `window.__INITIAL_STATE__`, keys decamelized; ParseError when absent."""
    match = _STATE_RE.search(html) if isinstance(html, str) else None
    if match is None:
        raise _fail(endpoint, "no window.__INITIAL_STATE__ in the page (login wall, captcha or new layout?)")
    try:
        state = json.loads(_UNDEFINED_RE.sub("null", match.group(1)))
    except ValueError as exc:
        raise _fail(endpoint, f"window.__INITIAL_STATE__ is not JSON: {exc}") from exc
    if not isinstance(state, dict):
        raise _fail(endpoint, "window.__INITIAL_STATE__ is not an object")
    return _dict(decamelize(state))


def parse_note_html(
    html: object, *, fetched_at: datetime, note_id: str | None = None, xsec_token: str | None = None
) -> Post:
    """Return the Post in an /explore/{id} page; DataFetchError when the page holds no such note."""
    details = _dict(_dict(initial_state(html, "note_page").get("note")).get("note_detail_map"))
    key = note_id if note_id is not None else next(iter(details), "")
    note = _dict(_dict(details.get(key)).get("note"))
    if not note.get("note_id"):
        # MC reads this as a captcha, a missing note or a bad xsec_token: skip the note.
        message = f"xiaohongshu note_page: no note {key or '(any)'} in the page state"
        raise DataFetchError(message, platform=c.PLATFORM, endpoint="note_page")
    return parse_note_card(note, fetched_at=fetched_at, note_id=key or None, xsec_token=xsec_token)


def parse_comments_page(
    payload: Any, *, post_id: str | None, fetched_at: datetime, root_id: str | None = None
) -> CommentsResult:
    """Return a comment/page or comment/sub/page answer, embedded replies flattened after their root.

    `root_id` (sub pages): the root the replies belong to; without it a reply's parent is its
    `target_comment`. Roots with more replies than embedded are listed in `threads`.
    """
    endpoint = "sub_comments" if root_id else "comments"
    data = _data(payload, endpoint)
    raws = data.get("comments")
    if not isinstance(raws, list):
        raise _fail(endpoint, "expected data.comments[]")
    seen: dict[str, Comment] = {}
    threads: list[tuple[str, str]] = []
    for raw in raws:
        comment = _comment(raw, post_id=post_id, root_id=root_id, endpoint=endpoint)
        seen.setdefault(comment.comment_id, comment)
        for reply in _list(raw.get("sub_comments")):
            child = _comment(reply, post_id=post_id, root_id=comment.comment_id, endpoint=endpoint)
            seen.setdefault(child.comment_id, child)
        if raw.get("sub_comment_has_more") and raw.get("sub_comment_cursor"):
            threads.append((comment.comment_id, str(raw["sub_comment_cursor"])))
    return CommentsResult(list(seen.values()), str(data.get("cursor") or ""), bool(data.get("has_more")), threads)


def _comment(raw: Any, *, post_id: str | None, root_id: str | None, endpoint: str) -> Comment:
    if not isinstance(raw, dict) or not (cid := str(raw.get("id") or "")):
        raise _fail(endpoint, "expected comment objects with an 'id'")
    user = _dict(raw.get("user_info"))
    # A reply names the comment it answers (the root, or another reply of the same root).
    target = str(_dict(raw.get("target_comment")).get("id") or "") or None
    extra = {
        "author_avatar": https_url(user.get("image")), "target_comment_id": target, "status": raw.get("status"),
        "pictures": [url for url in map(_image_url, _list(raw.get("pictures"))) if url] or None,
        "show_tags": _list(raw.get("show_tags")) or None,
        "at_users": [u.get("nickname") for u in _list(raw.get("at_users")) if isinstance(u, dict)] or None,
    }  # fmt: skip
    return Comment(
        comment_id=cid, post_id=str(post_id or raw.get("note_id") or ""), platform=c.PLATFORM,
        parent_id=root_id or target, author=user.get("nickname"),
        author_id=str(user["user_id"]) if user.get("user_id") else None, content=str(raw.get("content") or ""),
        likes=parse_count(raw.get("like_count")), publish_time=epoch_to_utc(raw.get("create_time"), unit="ms"),
        ip_location=str(raw.get("ip_location") or "") or None, reply_count=parse_count(raw.get("sub_comment_count")),
        platform_data={k: v for k, v in extra.items() if v is not None}, raw=raw,
    )  # fmt: skip


def parse_creator_html(html: object, *, fetched_at: datetime, user_id: str | None = None) -> Author:
    """Return the Author of a /user/profile/{id} page (`user.userPageData`); the id comes from its URL."""
    page = _dict(_dict(initial_state(html, "creator_info").get("user")).get("user_page_data"))
    basic = _dict(page.get("basic_info"))
    uid = user_id or (m.group(1) if isinstance(html, str) and (m := _PROFILE_RE.search(html)) else None)
    if not basic:
        message = f"xiaohongshu creator_info: no userPageData.basicInfo for {uid or 'the user'} (missing or blocked)"
        raise DataFetchError(message, platform=c.PLATFORM, endpoint="creator_info")
    if not uid:
        raise _fail("creator_info", "the page does not name its user id; pass user_id")
    counts = {_dict(i).get("type"): parse_count(_dict(i).get("count")) for i in _list(page.get("interactions"))}
    tags = [str(t["name"]) for t in _list(page.get("tags")) if _dict(t).get("name")]
    gender = basic.get("gender")
    return Author(
        platform=c.PLATFORM, author_id=uid, nickname=basic.get("nickname"),
        avatar=https_url(basic.get("images") or basic.get("image")),
        gender=_GENDERS.get(gender) if isinstance(gender, int) else None,
        description=str(basic.get("desc") or "") or None, ip_location=str(basic.get("ip_location") or "") or None,
        followers=counts.get("fans"), following=counts.get("follows"), likes_received=counts.get("interaction"),
        profile_url=profile_url(uid),
        platform_data={k: v for k, v in {"red_id": basic.get("red_id"), "tags": tags or None}.items() if v},
    )  # fmt: skip


def _kind_detail(payload: Any, fetched_at: datetime) -> list[Record]:
    if isinstance(payload, str):
        return [parse_note_html(payload, fetched_at=fetched_at)]
    if (post := parse_feed(payload, fetched_at=fetched_at)) is None:
        raise _fail("detail", "the feed answer has no item")
    return [post]


#: `keypick parse` kinds: payload (parsed JSON, or HTML text for pages) + fetched_at → records.
#: "comments" takes comment/page or comment/sub/page answers; comments name their note themselves.
PARSE_KINDS: dict[str, Callable[[Any, datetime], list[Record]]] = {
    "search": lambda p, at: list[Record](parse_search_page(p, fetched_at=at).posts),
    "detail": _kind_detail,
    "comments": lambda p, at: list[Record](parse_comments_page(p, post_id=None, fetched_at=at).comments),
    "creator": lambda p, at: [parse_creator_html(p, fetched_at=at)],
}
