"""Pure parsers: www.kuaishou.com payloads → KeyPick records. No IO, no clock, no settings.

NO REAL KUAISHOU CAPTURE EXISTS (samples/SOURCES.md): these parsers follow the field
lists of platforms.md §3.1/§3.3 (feed item = visionVideoDetail object {type, author{id,
name, headerUrl}, photo{id, caption, likeCount, realLikeCount, viewCount, coverUrl,
photoUrl, timestamp (ms)}, tags[]}; comments V2 snake_case with camelCase fallbacks;
visionProfile.userProfile) and fail loudly on anything else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from keypick.content.schemas import Author, Comment, Post, Record
from keypick.exceptions import DataFetchError, ParseError
from keypick.platforms.kuaishou import constants
from keypick.platforms.kuaishou.constants import NO_MORE, PLATFORM, GraphQLOp
from keypick.platforms.kuaishou.endpoints import profile_url, video_url
from keypick.platforms.normalize import epoch_to_utc, https_url, parse_count

# Captions carry hashtags inline as "#猫 #好猫" or "#养猫人#猫咪" (no closing mark).
_HASHTAG_RE = re.compile(r"#([^#\s@]{1,64})")
_GENDERS = {"F": "female", "M": "male"}


@dataclass
class SearchResult:
    """One parsed search page: posts, non-video cards skipped, and the cursor of the next page."""

    posts: list[Post]
    skipped: int = 0
    pcursor: str | None = None
    search_session_id: str = ""
    end: bool = False


@dataclass
class CommentsResult:
    """One parsed comment (or sub-comment) page; `with_replies` are root ids whose hasSubComments is true."""

    comments: list[Comment]
    pcursor: str | None = None
    end: bool = True
    total: int | None = None
    with_replies: list[str] = field(default_factory=list)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str_id(value: Any) -> str:
    """Return an id as a string ('' for None/empty); ints (comment ids) become their decimal form."""
    if value is None or isinstance(value, bool):
        return ""
    return str(value).strip()


def _fail(endpoint: str, message: str) -> ParseError:
    return ParseError(f"kuaishou {endpoint}: {message}", platform=PLATFORM, endpoint=endpoint)


def _first(raw: dict[str, Any], *keys: str) -> Any:
    """Return the first present, non-None value among keys (V2 snake_case first, legacy camelCase after)."""
    for key in keys:
        if raw.get(key) is not None:
            return raw[key]
    return None


def _pcursor(value: Any) -> str | None:
    text = _str_id(value)
    return None if not text or text == NO_MORE else text


def parse_search_page(payload: Any, *, fetched_at: datetime) -> SearchResult:
    """Return the posts of a /rest/v/search/feed answer; raise the mapped error on result != 1."""
    return _feed_page(payload, fetched_at=fetched_at, endpoint="search")


def parse_profile_feed(payload: Any, *, fetched_at: datetime) -> SearchResult:
    """Return one page of a user's own videos (/rest/v/profile/feed); raise the mapped error on result != 1.

    NO CAPTURE of this endpoint exists: platforms.md §3.1 gives it the search envelope (`result`,
    `feeds[]`, `pcursor`; "no_more" or empty feeds end) with the same feed items, read by the same code.
    """
    return _feed_page(payload, fetched_at=fetched_at, endpoint="creator_posts")


def _feed_page(payload: Any, *, fetched_at: datetime, endpoint: str) -> SearchResult:
    if (error := constants.envelope_error(payload, endpoint=endpoint)) is not None:
        raise error
    feeds = payload.get("feeds")
    if feeds is None and _pcursor(payload.get("pcursor")) is None:
        feeds = []  # the last page may come without feeds at all
    if not isinstance(feeds, list):
        raise _fail(endpoint, f"expected feeds[] in the {endpoint} answer")
    posts: dict[str, Post] = {}
    skipped = 0
    for item in feeds:
        # Non-video cards (users, lives, related searches) carry no photo object.
        if not isinstance(item, dict) or not _str_id(_dict(item.get("photo")).get("id")):
            skipped += 1
            continue
        post = parse_feed(item, fetched_at=fetched_at)
        if post.id in posts:
            skipped += 1
        posts.setdefault(post.id, post)
    pcursor = _pcursor(payload.get("pcursor"))
    return SearchResult(
        posts=list(posts.values()),
        skipped=skipped,
        pcursor=pcursor,
        search_session_id=_str_id(payload.get("searchSessionId")),
        end=pcursor is None or not feeds,
    )


def parse_feed(item: dict[str, Any], *, fetched_at: datetime) -> Post:
    """Return the Post of one feed item or visionVideoDetail object ({type, author, photo, tags})."""
    photo = _dict(item.get("photo"))
    photo_id = _str_id(photo.get("id"))
    if not photo_id:
        raise _fail("feed", "expected photo.id")
    author = parse_author(_dict(item.get("author"))) if item.get("author") else None
    caption = str(photo.get("caption") or "").strip()
    named = [str(_dict(t).get("name") or "").strip() for t in _list(item.get("tags"))]
    tags = [t for t in (*(m.strip() for m in _HASHTAG_RE.findall(caption)), *named) if t]
    likes = photo["realLikeCount"] if photo.get("realLikeCount") is not None else photo.get("likeCount")
    video = https_url(photo.get("photoUrl"))
    extra = {
        "type": item.get("type"),
        "cover_url": https_url(photo.get("coverUrl")),
        "like_count_text": photo.get("likeCount"),
        "view_count_text": photo.get("viewCount"),
        "duration_ms": photo.get("duration"),
        "status": item.get("status"),
    }
    return Post(
        id=photo_id,
        platform=PLATFORM,
        content=caption,
        url=video_url(photo_id),
        likes=parse_count(likes),
        views=parse_count(photo.get("viewCount")),
        author=author.nickname if author else None,
        author_id=author.author_id if author else None,
        author_avatar=author.avatar if author else None,
        publish_time=epoch_to_utc(photo.get("timestamp"), unit="ms"),
        tags=list(dict.fromkeys(tags)),
        videos=[video] if video else [],
        crawl_time=fetched_at,
        platform_data={k: v for k, v in extra.items() if v is not None},
        raw=item,
        author_info=author,
    )


def parse_author(author: dict[str, Any]) -> Author:
    """Return the Author of a feed's `author` object ({id, name, headerUrl})."""
    author_id = _str_id(author.get("id"))
    if not author_id:
        raise _fail("feed", "expected author.id")
    return Author(
        platform=PLATFORM,
        author_id=author_id,
        nickname=author.get("name") or None,
        avatar=https_url(author.get("headerUrl")),
        profile_url=profile_url(author_id),
    )


def parse_detail(payload: Any, *, fetched_at: datetime) -> Post:
    """Return the Post of a visionVideoDetail GraphQL answer (or of its inner object)."""
    node = payload
    if isinstance(payload, dict) and ("data" in payload or "errors" in payload or "result" in payload):
        op = GraphQLOp.DETAIL.value
        if (error := constants.graphql_error(payload, op=op, endpoint="detail")) is not None:
            raise error
        node = payload["data"][op]
    if isinstance(node, dict) and node.get("status") not in (None, 1) and not node.get("photo"):
        # A status other than 1 without a photo: the video is gone or private, not a new shape.
        message = f"kuaishou detail: video not available (status={node.get('status')!r})"
        raise DataFetchError(message, platform=PLATFORM, endpoint="detail", raw_code=node.get("status"))
    if not isinstance(node, dict) or not isinstance(node.get("photo"), dict):
        raise _fail("detail", "expected visionVideoDetail.photo")
    return parse_feed(node, fetched_at=fetched_at)


def parse_comments_page(
    payload: Any, *, post_id: str, fetched_at: datetime, parent_id: str | None = None
) -> CommentsResult:
    """Return a comment/list page (rootCommentsV2) or, with parent_id, a sublist page (subCommentsV2)."""
    endpoint = "sub_comments" if parent_id else "comments"
    if (error := constants.envelope_error(payload, endpoint=endpoint)) is not None:
        raise error
    for key in ("rootCommentsV2", "subCommentsV2", "rootComments", "subComments"):
        if isinstance(payload.get(key), list):
            raws: list[Any] = payload[key]
            break
    else:
        raise _fail(endpoint, "expected rootCommentsV2[] or subCommentsV2[]")
    seen: dict[str, Comment] = {}
    with_replies: list[str] = []
    for raw in raws:
        comment = _comment(raw, post_id=post_id, parent_id=parent_id, fetched_at=fetched_at, endpoint=endpoint)
        if comment.comment_id in seen:
            continue
        seen[comment.comment_id] = comment
        if parent_id is None and raw.get("hasSubComments"):
            with_replies.append(comment.comment_id)
    pcursor = _pcursor(_first(payload, "pcursorV2", "pcursor"))
    return CommentsResult(
        comments=list(seen.values()),
        pcursor=pcursor,
        end=pcursor is None or not raws,  # an empty page with a cursor would loop forever
        total=parse_count(_first(payload, "commentCountV2", "commentCount")),
        with_replies=with_replies,
    )


def _comment(raw: Any, *, post_id: str, parent_id: str | None, fetched_at: datetime, endpoint: str) -> Comment:
    cid = _str_id(_first(raw, "comment_id", "commentId")) if isinstance(raw, dict) else ""
    if not cid:
        raise _fail(endpoint, "expected comment objects with a 'comment_id'")
    author_id = _str_id(_first(raw, "author_id", "authorId"))
    extra = {
        "author_avatar": https_url(_first(raw, "headurl", "headUrl")),
        "has_sub_comments": raw.get("hasSubComments"),
        "reply_to": _first(raw, "replyToUserName", "reply_to_user_name"),
    }
    return Comment(
        comment_id=cid,
        post_id=post_id,
        platform=PLATFORM,
        parent_id=parent_id,
        author=_first(raw, "author_name", "authorName"),
        author_id=author_id or None,
        content=str(raw.get("content") or "").strip(),
        publish_time=epoch_to_utc(raw.get("timestamp"), unit="ms"),
        reply_count=parse_count(_first(raw, "commentCount", "subCommentCount")),
        platform_data={k: v for k, v in extra.items() if v is not None},
        raw=raw,
    )


def parse_profile(payload: Any, *, fetched_at: datetime) -> Author:
    """Return the Author of a visionProfile GraphQL answer (`fetched_at` kept for symmetry)."""
    op = GraphQLOp.PROFILE.value
    if (error := constants.graphql_error(payload, op=op, endpoint="creator")) is not None:
        raise error
    user = _dict(payload["data"][op].get("userProfile"))
    profile, owner = _dict(user.get("profile")), _dict(user.get("ownerCount"))
    user_id = _str_id(profile.get("user_id"))
    if not user_id:
        raise _fail("creator", "expected visionProfile.userProfile.profile.user_id")
    return Author(
        platform=PLATFORM,
        author_id=user_id,
        nickname=profile.get("user_name") or None,
        avatar=https_url(profile.get("headurl")),
        gender=_GENDERS.get(str(profile.get("gender") or "")),
        description=profile.get("user_text") or None,
        followers=parse_count(owner.get("fan")),
        following=parse_count(owner.get("follow")),
        posts_count=parse_count(_first(owner, "photo_public", "photo")),
        profile_url=profile_url(user_id),
        platform_data={k: v for k, v in {"photo_count": owner.get("photo")}.items() if v is not None},
    )


#: `keypick parse` kinds: payload (parsed JSON) + fetched_at → records. A bare comment page
#: does not name its video, so "comments" leaves post_id empty.
PARSE_KINDS: dict[str, Callable[[Any, datetime], list[Record]]] = {
    "search": lambda p, at: list[Record](parse_search_page(p, fetched_at=at).posts),
    "detail": lambda p, at: [parse_detail(p, fetched_at=at)],
    "comments": lambda p, at: list[Record](parse_comments_page(p, post_id="", fetched_at=at).comments),
    "creator": lambda p, at: [parse_profile(p, fetched_at=at)],
    "creator_posts": lambda p, at: list[Record](parse_profile_feed(p, fetched_at=at).posts),
}
