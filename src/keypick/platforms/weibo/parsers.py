"""Pure parsers: m.weibo.cn payloads → KeyPick records. No IO, no clock, no settings."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from keypick.content.schemas import Author, Comment, Post, Record
from keypick.exceptions import ParseError
from keypick.platforms import normalize
from keypick.platforms.normalize import https_url, parse_count, strip_html
from keypick.platforms.weibo import constants
from keypick.platforms.weibo.constants import CARD_TYPE_GROUP, CARD_TYPE_MBLOG, PLATFORM
from keypick.platforms.weibo.endpoints import detail_url

# Topics are written #话题# in the text (the <a> around them is gone after strip_html).
_TOPIC_RE = re.compile(r"#([^#\n]{1,64})#")
_VERIFIED_KEYS = ("verified", "verified_type", "verified_reason", "mbrank", "urank")
# Best video first; older payloads put these in page_info.media_info, newer ones in page_info.urls.
_VIDEO_KEYS = ("mp4_720p_mp4", "mp4_hd_url", "stream_url_hd", "mp4_sd_url", "stream_url", "mp4_ld_mp4")


@dataclass
class SearchResult:
    """One parsed search page: posts, how many cards were not posts, and whether results ended."""

    posts: list[Post]
    skipped: int = 0
    end: bool = False


@dataclass
class CommentsResult:
    """One parsed comment page; `max_id`/`max_id_type` are the next hotflow cursor (None: legacy shape)."""

    comments: list[Comment]
    max_id: int | None = None
    max_id_type: int = 0
    end: bool = True
    total: int | None = None
    legacy: bool = False


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _fail(endpoint: str, message: str) -> ParseError:
    return ParseError(f"weibo {endpoint}: {message}", platform=PLATFORM, endpoint=endpoint)


def parse_weibo_time(text: object, *, now: datetime) -> datetime | None:
    """Return UTC for Weibo's "Fri Jun 14 20:39:20 +0800 2019" or its relative forms; else None."""
    return normalize.parse_ctime(text) or normalize.parse_cn_relative_time(text, now=now)


def parse_search_page(payload: Any, *, fetched_at: datetime) -> SearchResult:
    """Return the posts of a getIndex page; raise the mapped error on ok=0, ParseError on other shapes."""
    if (error := constants.envelope_error(payload, endpoint="search")) is not None:
        raise error
    if constants.is_end_of_results(payload):
        return SearchResult(posts=[], end=True)
    cards = _dict(payload.get("data")).get("cards")
    if not isinstance(cards, list):
        raise _fail("search", "expected data.cards[] in the getIndex answer")
    posts: dict[str, Post] = {}
    skipped = 0
    for card in cards:
        for item in _card_items(card):
            is_post = isinstance(item, dict) and item.get("card_type") == CARD_TYPE_MBLOG
            mblog = item.get("mblog") if is_post else None
            if not isinstance(mblog, dict):
                skipped += 1
                continue
            post = parse_mblog(mblog, fetched_at=fetched_at)
            if post.id in posts:  # the same post can show in a hot box and in the results
                skipped += 1
            posts.setdefault(post.id, post)
    return SearchResult(posts=list(posts.values()), skipped=skipped, end=not cards)


def _card_items(card: Any) -> list[Any]:
    # A card_type 11 card is a box; its card_group[] children are the real cards.
    is_group = isinstance(card, dict) and card.get("card_type") == CARD_TYPE_GROUP
    group = card.get("card_group") if is_group else None
    return group if isinstance(group, list) and group else [card]


def parse_mblog(mblog: dict[str, Any], *, fetched_at: datetime) -> Post:
    """Return the normalized Post of one `mblog` object."""
    post_id = str(mblog.get("id") or mblog.get("idstr") or mblog.get("mid") or "")
    if not post_id:
        raise _fail("mblog", "expected an 'id'")
    content = strip_html(mblog.get("text"))
    user = _dict(mblog.get("user"))
    author = parse_user(user, fetched_at=fetched_at) if user else None
    page = _dict(mblog.get("page_info"))
    images = [url for url in (_pic_url(p) for p in _list(mblog.get("pics"))) if url]
    region = str(mblog.get("region_name") or "").removeprefix("发布于").strip()
    return Post(
        id=post_id,
        platform=PLATFORM,
        content=content,
        url=detail_url(post_id),
        likes=parse_count(mblog.get("attitudes_count")),
        comments=parse_count(mblog.get("comments_count")),
        shares=parse_count(mblog.get("reposts_count")),
        author=author.nickname if author else None,
        author_id=author.author_id if author else None,
        author_avatar=https_url(user.get("profile_image_url")) if user else None,
        publish_time=parse_weibo_time(mblog.get("created_at"), now=fetched_at),
        tags=list(dict.fromkeys(t.strip() for t in _TOPIC_RE.findall(content) if t.strip())),
        images=images,
        videos=_videos(page),
        ip_location=region or None,
        crawl_time=fetched_at,
        platform_data=_mblog_extra(mblog, page, len(images)),
        raw=mblog,
        author_info=author,
    )


def _pic_url(pic: Any) -> str | None:
    if not isinstance(pic, dict):
        return https_url(pic)  # some payloads list plain URL strings
    return https_url(_dict(pic.get("large")).get("url")) or https_url(pic.get("url"))


def _videos(page: dict[str, Any]) -> list[str]:
    if page.get("type") != "video":
        return []
    for source in (page.get("media_info"), page.get("urls")):
        if isinstance(source, dict):
            for key in _VIDEO_KEYS:
                if url := https_url(source.get(key)):
                    return [url]
    page_url = https_url(page.get("page_url"))
    return [page_url] if page_url else []


def _mblog_extra(mblog: dict[str, Any], page: dict[str, Any], pic_count: int) -> dict[str, Any]:
    extra: dict[str, Any] = {
        "mid": str(mblog.get("mid") or mblog.get("id") or ""),
        "bid": mblog.get("bid"),
        "is_long_text": bool(mblog.get("isLongText")),
        "source": mblog.get("source") or None,
        "page_type": page.get("type"),
        "text_length": mblog.get("textLength"),
        "pic_num": parse_count(mblog.get("pic_num")) if "pic_num" in mblog else pic_count,
    }
    retweeted = mblog.get("retweeted_status")
    if isinstance(retweeted, dict):
        extra["retweeted_id"] = str(retweeted.get("id") or retweeted.get("idstr") or "") or None
        extra["retweeted_text"] = strip_html(retweeted.get("text"))
    return extra


def parse_user(user: dict[str, Any], *, fetched_at: datetime) -> Author:
    """Return the Author of a Weibo `user` / `userInfo` object (`fetched_at` kept for symmetry)."""
    uid = str(user.get("id") or user.get("idstr") or "")
    if not uid:
        raise _fail("user", "expected an 'id'")
    verified = {k: user[k] for k in _VERIFIED_KEYS if k in user}
    return Author(
        platform=PLATFORM,
        author_id=uid,
        nickname=user.get("screen_name"),
        avatar=https_url(user.get("avatar_hd")) or https_url(user.get("profile_image_url")),
        gender=user.get("gender") or None,
        description=user.get("description") or None,
        followers=parse_count(user.get("followers_count")),
        following=parse_count(user.get("follow_count")),
        posts_count=parse_count(user.get("statuses_count")),
        # Canonical form: the payload's profile_url carries luicode/lfid referrer noise per page.
        profile_url=f"https://m.weibo.cn/u/{uid}",
        platform_data=verified,
    )


def parse_user_info(payload: Any, *, fetched_at: datetime) -> Author:
    """Return the Author in a getIndex `containerid=100505{uid}` answer (`data.userInfo`)."""
    if (error := constants.envelope_error(payload, endpoint="creator_info")) is not None:
        raise error
    user = _dict(payload.get("data")).get("userInfo")
    if not isinstance(user, dict):
        raise _fail("creator_info", "expected data.userInfo")
    return parse_user(user, fetched_at=fetched_at)


def parse_detail_html(html: str, *, fetched_at: datetime) -> Post:
    """Return the full Post from a /detail/{mid} page (`var $render_data = [...]`); ParseError if absent."""
    start = html.find("$render_data") if isinstance(html, str) else -1
    bracket = html.find("[", start) if start >= 0 else -1
    if bracket < 0:
        raise _fail("detail", "no `$render_data` in the page (login wall or new layout?)")
    try:
        # raw_decode stops at the end of the array, so the trailing `[0] || {};` is left alone.
        render, _ = json.JSONDecoder().raw_decode(html, bracket)
    except ValueError as exc:
        raise _fail("detail", f"`$render_data` is not JSON: {exc}") from exc
    first = render[0] if isinstance(render, list) and render else None
    if not isinstance(first, dict) or not isinstance(status := first.get("status"), dict):
        raise _fail("detail", "expected $render_data[0].status")
    return parse_mblog(status, fetched_at=fetched_at)


def parse_comments_page(payload: Any, *, post_id: str, fetched_at: datetime) -> CommentsResult:
    """Return the comments of a hotflow (or legacy comments/show) page, replies flattened after roots."""
    if (error := constants.envelope_error(payload, endpoint="comments")) is not None:
        raise error
    if constants.is_end_of_results(payload):
        return CommentsResult(comments=[], max_id=0, end=True)
    data = _dict(payload.get("data"))
    roots = data.get("data")
    if not isinstance(roots, list):
        raise _fail("comments", "expected data.data[] (hotflow or comments/show)")
    total = parse_count(data.get("total_number"))
    # Legacy /api/comments/show has no max_id: hot_data[] beside data[], `like_counts`, replies
    # carry reply_id, and paging is by page number (data.max pages), which KeyPick does not follow.
    legacy = "max_id" not in data
    hot = _list(data.get("hot_data")) if legacy else []
    seen: dict[str, Comment] = {}
    for raw in [*roots, *hot]:
        root = _comment(raw, post_id=post_id, parent_id=None, fetched_at=fetched_at)
        seen.setdefault(root.comment_id, root)
        # Replies come only embedded (楼中楼); `comments` is `false` when a root has none.
        for reply in _list(raw.get("comments")):
            child = _comment(reply, post_id=post_id, parent_id=root.comment_id, fetched_at=fetched_at)
            seen.setdefault(child.comment_id, child)
    max_id = None if legacy else parse_count(data.get("max_id")) or 0
    return CommentsResult(
        comments=list(seen.values()),
        max_id=max_id,
        max_id_type=parse_count(data.get("max_id_type")) or 0,
        end=not max_id or not roots,  # max_id 0 is the end; an empty page with a max_id would loop
        total=total,
        legacy=legacy,
    )


def _comment(raw: Any, *, post_id: str, parent_id: str | None, fetched_at: datetime) -> Comment:
    if not isinstance(raw, dict) or not (cid := str(raw.get("id") or raw.get("idstr") or "")):
        raise _fail("comments", "expected comment objects with an 'id'")
    user = _dict(raw.get("user"))
    if parent_id is None and raw.get("reply_id"):  # legacy replies name the comment they answer
        parent_id = str(raw["reply_id"])
    likes = raw["like_count"] if "like_count" in raw else raw.get("like_counts")
    location = str(raw.get("source") or "").removeprefix("来自").strip()
    pic = _dict(raw.get("pic"))
    extra = {
        "rootid": str(raw["rootid"]) if raw.get("rootid") else None,
        "floor_number": raw.get("floor_number"),
        "author_avatar": https_url(user.get("profile_image_url")),
        "pic": _pic_url(pic) if pic else None,
        "reply_text": strip_html(raw["reply_text"]) if raw.get("reply_text") else None,
        "liked_by_author": raw.get("isLikedByMblogAuthor"),
    }
    return Comment(
        comment_id=cid,
        post_id=post_id,
        platform=PLATFORM,
        parent_id=parent_id,
        author=user.get("screen_name"),
        author_id=str(user["id"]) if user.get("id") else None,
        content=strip_html(raw.get("text")),
        likes=parse_count(likes),
        publish_time=parse_weibo_time(raw.get("created_at"), now=fetched_at),
        ip_location=location or None,
        reply_count=parse_count(raw.get("total_number")),
        platform_data={k: v for k, v in extra.items() if v is not None},
        raw=raw,
    )


def _kind_detail(payload: Any, fetched_at: datetime) -> list[Record]:
    if isinstance(payload, str):
        return [parse_detail_html(payload, fetched_at=fetched_at)]
    for mblog in (payload.get("status"), payload.get("mblog"), payload) if isinstance(payload, dict) else ():
        if isinstance(mblog, dict) and "id" in mblog and "text" in mblog:
            return [parse_mblog(mblog, fetched_at=fetched_at)]
    raise _fail("detail", "expected the /detail/{mid} HTML, or JSON with a 'status' or 'mblog' object")


#: `keypick parse` kinds: payload (parsed JSON, or HTML text for detail) + fetched_at → records.
#: A bare comment page does not name its post, so "comments" leaves post_id empty.
PARSE_KINDS: dict[str, Callable[[Any, datetime], list[Record]]] = {
    "search": lambda p, at: list[Record](parse_search_page(p, fetched_at=at).posts),
    "detail": _kind_detail,
    "comments": lambda p, at: list[Record](parse_comments_page(p, post_id="", fetched_at=at).comments),
    "creator": lambda p, at: [parse_user_info(p, fetched_at=at)],
}
