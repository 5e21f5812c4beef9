"""Pure parsers: www.douyin.com web API payloads → KeyPick records. No IO, no clock, no settings.

Search cards hold `aweme_info` (or a mix card's `aweme_mix_info.mix_items[0]`); other cards (related
searches `type: 6`, users, live rooms) are skipped. Times are epoch **seconds**; ids are strings, from
the `*_str` twin where one exists (some captures carry int64 ids rounded by JavaScript)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from keypick.content.schemas import Author, Comment, Post, Record
from keypick.exceptions import ParseError, RiskControl
from keypick.platforms.douyin.constants import AWEME_TYPE_NOTE, PLATFORM, envelope_error
from keypick.platforms.douyin.endpoints import post_url, user_url
from keypick.platforms.normalize import epoch_to_utc, https_url, parse_count

# A hashtag in `desc` runs from "#" to the next space or "#" ("#养猫人#猫咪" is two tags).
_HASHTAG_RE = re.compile(r"#([^\s#]{1,64})")
_AVATAR_KEYS = ("avatar_300x300", "avatar_medium", "avatar_168x168", "avatar_larger", "avatar_thumb")
_VIDEO_KEYS = ("play_addr_h264", "play_addr_256", "play_addr")  # best first (§2.3); play_addr_265 is HEVC


@dataclass
class SearchResult:
    """One parsed search page: posts, non-post cards, whether more pages exist, and the page's logid."""

    posts: list[Post]
    skipped: int = 0
    has_more: bool = False
    logid: str | None = None

    @property
    def end(self) -> bool:
        """True when no further page should be asked for (has_more 0, or a page with no cards at all)."""
        return not self.has_more or not (self.posts or self.skipped)


@dataclass
class CommentsResult:
    """One parsed comment (or reply) page; `reply_roots` are comments whose replies must be fetched."""

    comments: list[Comment]
    has_more: bool = False
    cursor: int = 0
    total: int | None = None
    skipped: int = 0
    reply_roots: list[str] = field(default_factory=list)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _fail(endpoint: str, message: str) -> ParseError:
    return ParseError(f"douyin {endpoint}: {message}", platform=PLATFORM, endpoint=endpoint)


def _id(obj: dict[str, Any], key: str) -> str:
    """Return an id as a string, preferring the exact `{key}_str` twin; "" when absent or 0 (Douyin's "none")."""
    value = obj.get(f"{key}_str") or obj.get(key)
    return str(value) if value not in (None, "", 0, "0") else ""


def _first_url(image: Any, *, last: bool = False) -> str | None:
    urls = [u for u in _list(_dict(image).get("url_list")) if isinstance(u, str) and u]
    return https_url(urls[-1] if last else urls[0]) if urls else None


def parse_search_page(payload: Any, *, fetched_at: datetime) -> SearchResult:
    """Return the posts of a general-search page; raise the mapped error, or ParseError on other shapes."""
    if (error := envelope_error(payload, endpoint="search")) is not None:
        raise error
    data = payload.get("data")
    if data is None:
        # status_code 0 without `data` is what a risk-controlled account gets (platforms.md §2.4).
        message = "douyin search: status_code 0 but no 'data' (the account may be risk-controlled)"
        raise RiskControl(message, platform=PLATFORM, endpoint="search")
    if not isinstance(data, list):
        raise _fail("search", "expected data[] in the general search answer")
    posts, skipped = dict[str, Post](), 0
    for card in data:
        aweme = _card_aweme(card)
        if aweme is None:
            skipped += 1
            continue
        post = parse_aweme(aweme, fetched_at=fetched_at)
        if post.id in posts:
            skipped += 1
        posts.setdefault(post.id, post)
    logid = _dict(payload.get("extra")).get("logid") or _dict(payload.get("log_pb")).get("impr_id")
    has_more = parse_count(payload.get("has_more")) == 1
    return SearchResult(list(posts.values()), skipped, has_more, str(logid) if logid else None)


def _card_aweme(card: Any) -> dict[str, Any] | None:
    """Return the aweme a search card carries: `aweme_info`, or the first item of a mix (合集) card."""
    card = _dict(card)
    if isinstance(aweme := card.get("aweme_info"), dict) and aweme.get("aweme_id"):
        return aweme
    first = next(iter(_list(_dict(card.get("aweme_mix_info")).get("mix_items"))), None)
    return first if isinstance(first, dict) and first.get("aweme_id") else None


def parse_aweme(aweme: dict[str, Any], *, fetched_at: datetime) -> Post:
    """Return the normalized Post of one aweme object (video or image post)."""
    aweme_id = _id(aweme, "aweme_id")
    if not aweme_id:
        raise _fail("aweme", "expected an 'aweme_id'")
    stats = _dict(aweme.get("statistics"))
    user = _dict(aweme.get("author"))
    author = parse_user(user) if user else None
    images = [url for url in (_first_url(img, last=True) for img in _list(aweme.get("images"))) if url]
    is_note = aweme.get("aweme_type") == AWEME_TYPE_NOTE or bool(images)
    desc = str(aweme.get("desc") or "")
    return Post(
        id=aweme_id,
        platform=PLATFORM,
        title=str(aweme.get("item_title") or "").strip() or None,
        content=desc,
        url=post_url(aweme_id, note=is_note),
        likes=parse_count(stats.get("digg_count")),
        collects=parse_count(stats.get("collect_count")),
        comments=parse_count(stats.get("comment_count")),
        shares=parse_count(stats.get("share_count")),
        views=None,  # play_count is always 0 in web/app payloads: Douyin does not publish views
        author=author.nickname if author else None,
        author_id=author.author_id if author else None,
        author_avatar=author.avatar if author else None,
        publish_time=epoch_to_utc(aweme.get("create_time"), unit="s"),
        tags=_tags(aweme, desc),
        images=images,
        videos=[] if is_note else _videos(_dict(aweme.get("video"))),
        ip_location=str(aweme.get("ip_label") or "").strip() or None,
        crawl_time=fetched_at,
        platform_data=_aweme_extra(aweme, user),
        raw=aweme,
        author_info=author,
    )


def _tags(aweme: dict[str, Any], desc: str) -> list[str]:
    """Hashtags from text_extra (type 1 spans), then any `#tag` left in desc, then cha_list."""
    names = [str(t.get("hashtag_name") or "") for t in _list(aweme.get("text_extra")) if isinstance(t, dict)]
    names += _HASHTAG_RE.findall(desc)
    names += [str(c.get("cha_name") or "") for c in _list(aweme.get("cha_list")) if isinstance(c, dict)]
    return list(dict.fromkeys(n.strip() for n in names if n.strip()))


def _videos(video: dict[str, Any]) -> list[str]:
    for key in _VIDEO_KEYS:  # url_list[-1] is the stable /aweme/v1/play/ address, the others CDN mirrors
        if url := _first_url(video.get(key), last=True):
            return [url]
    return []


def _aweme_extra(aweme: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    video = _dict(aweme.get("video"))
    cover = _first_url(video.get("origin_cover")) or _first_url(video.get("cover"))
    music = _dict(aweme.get("music"))
    extra = {
        "aweme_type": str(aweme["aweme_type"]) if "aweme_type" in aweme else None,
        "author_uid": _id(user, "uid") or None, "cover": cover, "group_id": _id(aweme, "group_id") or None,
        "duration_ms": parse_count(aweme.get("duration")) or None, "is_top": bool(aweme.get("is_top")),
        "music_title": music.get("title") or None, "music_url": _dict(music.get("play_url")).get("uri") or None,
        "image_count": len(_list(aweme.get("images"))) or None,
    }  # fmt: skip
    return {k: v for k, v in extra.items() if v is not None}


def parse_user(user: dict[str, Any], *, profile: bool = False) -> Author:
    """Return the Author of a Douyin user object; counts only from a profile (search/comment copies hold zeros)."""
    sec_uid, uid = _id(user, "sec_uid"), _id(user, "uid")
    if not (sec_uid or uid):
        raise _fail("user", "expected a 'sec_uid' or 'uid'")
    avatar = next((url for key in _AVATAR_KEYS if (url := _first_url(user.get(key)))), None)
    if avatar is None and (uri := _dict(user.get("avatar_300x300")).get("uri")):
        avatar = f"https://p3-pc.douyinpic.com/img/{uri}~c5_300x300.jpeg"  # how MC rebuilds it (§2.3)
    ip_location = str(user.get("ip_location") or "").removeprefix("IP属地：").strip()
    followers = user["follower_count"] if "follower_count" in user else user.get("max_follower_count")
    extra = {
        "uid": uid or None, "short_id": _id(user, "short_id") or None, "unique_id": user.get("unique_id") or None,
        "verify": user.get("custom_verify") or user.get("enterprise_verify_reason") or None,
    }  # fmt: skip
    return Author(
        platform=PLATFORM,
        # sec_uid is what profile URLs and the profile API take; uid is kept in platform_data.
        author_id=sec_uid or uid,
        nickname=user.get("nickname") or None,
        avatar=avatar,
        gender={1: "m", 2: "f"}.get(gender) if isinstance(gender := user.get("gender"), int) else None,
        description=user.get("signature") or None,
        ip_location=ip_location or None,
        followers=parse_count(followers) if profile else None,
        following=parse_count(user.get("following_count")) if profile else None,
        posts_count=parse_count(user.get("aweme_count")) if profile else None,
        likes_received=parse_count(user.get("total_favorited")) if profile else None,
        profile_url=user_url(sec_uid) if sec_uid else None,
        platform_data={k: v for k, v in extra.items() if v is not None},
    )


def _object(payload: Any, *, endpoint: str, key: str, hint: str) -> dict[str, Any]:
    """Return the object under `key` of a checked envelope; raise the mapped error or ParseError."""
    if (error := envelope_error(payload, endpoint=endpoint)) is not None:
        raise error
    if not isinstance(found := payload.get(key), dict):
        raise _fail(endpoint, f"expected a '{key}' object ({hint})")
    return found


def parse_user_profile(payload: Any, *, fetched_at: datetime) -> Author:
    """Return the Author in a /user/profile/other/ answer (`user`); `fetched_at` kept for symmetry."""
    return parse_user(_object(payload, endpoint="creator_info", key="user", hint="unknown sec_user_id?"), profile=True)


def parse_detail(payload: Any, *, fetched_at: datetime) -> Post:
    """Return the Post of an /aweme/detail/ answer (`aweme_detail`)."""
    aweme = _object(payload, endpoint="detail", key="aweme_detail", hint="deleted or private post?")
    return parse_aweme(aweme, fetched_at=fetched_at)


def parse_comments_page(
    payload: Any, *, post_id: str, fetched_at: datetime, parent_id: str | None = None
) -> CommentsResult:
    """Return a comment (or, with parent_id, reply) page; embedded reply previews follow their root."""
    endpoint = "replies" if parent_id else "comments"
    if (error := envelope_error(payload, endpoint=endpoint)) is not None:
        raise error
    raws = payload.get("comments")
    if raws is not None and not isinstance(raws, list):
        raise _fail(endpoint, "expected comments[] (or null when there are none)")
    seen, roots, skipped = dict[str, Comment](), list[str](), 0
    for raw in raws or []:
        if not isinstance(raw, dict):
            raise _fail(endpoint, "expected comment objects")
        if post_id and raw.get("aweme_id") and str(raw["aweme_id"]) != post_id:
            skipped += 1  # a comment of another post; MC drops these too
            continue
        comment = parse_comment(raw, post_id=post_id, parent_id=parent_id)
        seen.setdefault(comment.comment_id, comment)
        embedded = _list(raw.get("reply_comment")) if parent_id is None else []
        for reply in embedded:
            child = parse_comment(reply, post_id=post_id, parent_id=comment.comment_id)
            seen.setdefault(child.comment_id, child)
        if parent_id is None and (comment.reply_count or 0) > len(embedded):
            roots.append(comment.comment_id)
    has_more, cursor, total = (parse_count(payload.get(k)) for k in ("has_more", "cursor", "total"))
    return CommentsResult(list(seen.values()), has_more == 1, cursor or 0, total, skipped, roots)


def parse_comment(raw: dict[str, Any], *, post_id: str, parent_id: str | None) -> Comment:
    """Return one Comment; a reply's own `reply_id` (its root) wins over the given parent_id."""
    cid = _id(raw, "cid")
    if not cid:
        raise _fail("comments", "expected comment objects with a 'cid'")
    user = _dict(raw.get("user"))
    author = parse_user(user) if user else None
    own_parent = _id(raw, "reply_id")
    images = [url for url in (_first_url(_dict(img).get("origin_url")) for img in _list(raw.get("image_list"))) if url]
    extra = {
        "author_avatar": author.avatar if author else None, "author_uid": _id(user, "uid") or None,
        "images": images or None, "level": raw.get("level"), "label": raw.get("label_text") or None,
        "reply_to_reply_id": _id(raw, "reply_to_reply_id") or None,
        "liked_by_author": raw.get("is_author_digged"), "is_hot": raw.get("is_hot"),
    }  # fmt: skip
    return Comment(
        comment_id=cid,
        post_id=post_id or _id(raw, "aweme_id"),
        platform=PLATFORM,
        parent_id=own_parent or parent_id,
        author=author.nickname if author else None,
        author_id=author.author_id if author else None,
        content=str(raw.get("text") or ""),
        likes=parse_count(raw.get("digg_count")),
        publish_time=epoch_to_utc(raw.get("create_time"), unit="s"),
        ip_location=str(raw.get("ip_label") or "").strip() or None,
        reply_count=parse_count(raw.get("reply_comment_total")),
        platform_data={k: v for k, v in extra.items() if v is not None},
        raw=raw,
    )


#: `keypick parse` kinds: payload (parsed JSON) + fetched_at → records. Comments name their own
#: aweme_id, so a bare comment page still gets post ids.
PARSE_KINDS: dict[str, Callable[[Any, datetime], list[Record]]] = {
    "search": lambda p, at: list[Record](parse_search_page(p, fetched_at=at).posts),
    "detail": lambda p, at: [parse_detail(p, fetched_at=at)],
    "comments": lambda p, at: list[Record](parse_comments_page(p, post_id="", fetched_at=at).comments),
    "creator": lambda p, at: [parse_user_profile(p, fetched_at=at)],
}
