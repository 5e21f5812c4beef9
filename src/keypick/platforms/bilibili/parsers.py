"""Pure parsers: api.bilibili.com payloads → KeyPick records. No IO, no clock, no settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from keypick.content.schemas import Author, Comment, Post, Record
from keypick.exceptions import ParseError
from keypick.platforms.bilibili.constants import PLATFORM, envelope_error
from keypick.platforms.bilibili.endpoints import space_url, video_url
from keypick.platforms.normalize import epoch_to_utc, https_url, parse_count, strip_html


@dataclass
class SearchResult:
    """One parsed search page: videos, how many items were not videos, and whether results ended."""

    posts: list[Post]
    skipped: int = 0
    end: bool = False


@dataclass
class CommentsResult:
    """One comment page; `pending` maps each root owing replies to the ids of the replies it embedded."""

    comments: list[Comment]
    next: int | None = None
    end: bool = True
    pending: dict[str, list[str]] = field(default_factory=dict)
    pinned: list[str] = field(default_factory=list)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _id(value: Any) -> str | None:
    # Ids come as int or str; 0 / "0" mean "none" (root_str "0" on a root comment).
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else ""
    return text if text and text != "0" else None


def _fail(endpoint: str, message: str) -> ParseError:
    return ParseError(f"bilibili {endpoint}: {message}", platform=PLATFORM, endpoint=endpoint)


def _checked(payload: Any, endpoint: str) -> dict[str, Any]:
    if (error := envelope_error(payload, endpoint=endpoint)) is not None:
        raise error
    data = payload.get("data")
    if not isinstance(data, dict):
        raise _fail(endpoint, "expected a 'data' object")
    return data


def parse_duration(value: object) -> int | None:
    """Return seconds for "M:SS" / "H:MM:SS" (minutes may exceed 59: "14150:36") or an int; else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    parts = value.split(":") if isinstance(value, str) else []
    if not 2 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        return None
    return sum(int(part) * unit for part, unit in zip(reversed(parts), (1, 60, 3600), strict=False))


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def parse_search_page(payload: Any, *, fetched_at: datetime) -> SearchResult:
    """Return the videos of a /wbi/search/type page; raise the mapped error on code != 0."""
    data = _checked(payload, "search")
    items = data.get("result")
    if items is None and "numResults" in data:  # a page without results may leave `result` out
        items = []
    if not isinstance(items, list):
        raise _fail("search", "expected data.result[] (search_type=video)")
    posts: dict[str, Post] = {}
    skipped = 0
    for item in items:
        # search_type=video lists only videos; anything else (live rooms, ads) is not a post.
        if not isinstance(item, dict) or item.get("type") != "video":
            skipped += 1
            continue
        post = parse_video_item(item, fetched_at=fetched_at)
        skipped += post.id in posts
        posts.setdefault(post.id, post)
    page, num_pages = parse_count(data.get("page")) or 1, parse_count(data.get("numPages"))
    end = not items or (num_pages is not None and page >= num_pages)
    return SearchResult(posts=list(posts.values()), skipped=skipped, end=end)


def parse_video_item(item: dict[str, Any], *, fetched_at: datetime) -> Post:
    """Return the Post of one search result item (both the 2020 and the 2026 item shapes)."""
    aid, bvid = _id(item.get("aid") or item.get("id")), _id(item.get("bvid"))
    if not (aid or bvid):
        raise _fail("search", "expected a video item with 'bvid' or 'aid'")
    mid = _id(item.get("mid"))
    avatar = https_url(item.get("upic"))  # the 2020 shape has no upic
    author = Author(platform=PLATFORM, author_id=mid, nickname=item.get("author") or None, avatar=avatar,
                    profile_url=space_url(mid)) if mid else None  # fmt: skip
    pic = https_url(item.get("pic"))  # protocol-relative "//i2.hdslb.com/..."
    extra = {
        "aid": aid,
        "bvid": bvid,
        "duration": item.get("duration"),
        "duration_seconds": parse_duration(item.get("duration")),
        # `danmaku` is new; `video_review` carries the same count in both shapes.
        "danmaku": parse_count(item["danmaku"] if "danmaku" in item else item.get("video_review")),
        "type_name": item.get("typename") or None,
    }
    return Post(
        id=bvid or str(aid),
        platform=PLATFORM,
        title=strip_html(item.get("title")) or None,  # drops <em class="keyword">, unescapes &lt;
        content=strip_html(item.get("description")),
        url=video_url(bvid, aid),
        likes=parse_count(item.get("like")),
        collects=parse_count(item.get("favorites")),
        comments=parse_count(item.get("review")),
        views=parse_count(item.get("play")),
        author=author.nickname if author else None,
        author_id=mid,
        author_avatar=avatar,
        publish_time=epoch_to_utc(item.get("pubdate"), unit="s"),
        tags=list(dict.fromkeys(t.strip() for t in str(item.get("tag") or "").split(",") if t.strip())),
        images=[pic] if pic else [],
        crawl_time=fetched_at,
        platform_data=_drop_none(extra),
        raw=item,
        author_info=author,
    )


def parse_view_detail(payload: Any, *, fetched_at: datetime) -> Post:
    """Return the full Post of a /view/detail answer (data.View, data.Card, data.Tags)."""
    data = _checked(payload, "detail")
    view = data.get("View")
    if not isinstance(view, dict) or not (aid := _id(view.get("aid"))):
        raise _fail("detail", "expected data.View with an 'aid'")
    bvid, stat, owner = _id(view.get("bvid")), _dict(view.get("stat")), _dict(view.get("owner"))
    card = _dict(data.get("Card"))
    author = (
        parse_card(card) if isinstance(card.get("card"), dict) else _author(owner) if _id(owner.get("mid")) else None
    )
    pic = https_url(view.get("pic"))
    extra = {
        "aid": aid,
        "bvid": bvid,
        "cid": _id(view.get("cid")),
        "duration_seconds": parse_duration(view.get("duration")),
        "danmaku": parse_count(stat.get("danmaku")),
        "coins": parse_count(stat.get("coin")),
        "type_name": view.get("tname") or None,
    }
    return Post(
        id=bvid or aid,
        platform=PLATFORM,
        title=str(view.get("title") or "").strip() or None,
        content=str(view.get("desc") or "").strip(),
        url=video_url(bvid, aid),
        likes=parse_count(stat.get("like")),
        collects=parse_count(stat.get("favorite")),
        comments=parse_count(stat.get("reply")),
        shares=parse_count(stat.get("share")),
        views=parse_count(stat.get("view")),
        author=author.nickname if author else None,
        author_id=author.author_id if author else None,
        author_avatar=author.avatar if author else None,
        publish_time=epoch_to_utc(view.get("pubdate"), unit="s"),
        tags=list(dict.fromkeys(str(t["tag_name"]) for t in _list(data.get("Tags")) if _dict(t).get("tag_name"))),
        images=[pic] if pic else [],
        crawl_time=fetched_at,
        platform_data=_drop_none(extra),
        raw=view,
        author_info=author,
    )


def parse_card(card: dict[str, Any]) -> Author:
    """Return the uploader of a /view/detail `data.Card` (card.mid, fans, like_num, archive_count)."""
    user = _dict(card.get("card"))
    return _author(user, followers=user.get("fans"), following=user.get("attention"),
                   posts=card.get("archive_count"), likes=card.get("like_num"))  # fmt: skip


def parse_user_info(payload: Any, *, fetched_at: datetime) -> Author:
    """Return the Author of a /x/space/wbi/acc/info answer (no follower counts on that endpoint)."""
    return _author(_checked(payload, "creator_info"))


def _author(user: dict[str, Any], **counts: Any) -> Author:
    mid = _id(user.get("mid"))
    if mid is None:
        raise _fail("creator_info", "expected a user object with a 'mid'")
    official = _dict(user.get("official") or user.get("official_verify"))
    level = user.get("level", _dict(user.get("level_info")).get("current_level"))
    extra = {"level": level, "official_type": official.get("type"), "official_title": official.get("title") or None}
    return Author(
        platform=PLATFORM,
        author_id=mid,
        nickname=user.get("name") or user.get("uname") or None,
        avatar=https_url(user.get("face") or user.get("avatar")),
        gender=sex if (sex := user.get("sex")) not in (None, "", "保密") else None,  # 保密: not shown
        description=user.get("sign") or None,
        followers=parse_count(counts.get("followers")),
        following=parse_count(counts.get("following")),
        posts_count=parse_count(counts.get("posts")),
        likes_received=parse_count(counts.get("likes")),
        profile_url=space_url(mid),
        platform_data=_drop_none(extra),
    )


def parse_comments_page(payload: Any, *, post_id: str, fetched_at: datetime) -> CommentsResult:
    """Return the comments of one page, pinned ones first, replies after their root, deduped by rpid."""
    data = _checked(payload, "comments")
    cursor, page = data.get("cursor"), data.get("page")
    replies = data.get("replies")  # null on a page without replies
    if (not isinstance(cursor, dict) and not isinstance(page, dict)) or not isinstance(replies, list | None):
        raise _fail("comments", "expected data.replies[] with data.cursor (wbi/main) or data.page (reply)")
    top = _dict(data.get("top"))
    pinned = [*_list(data.get("top_replies")), *(top.get(k) for k in ("admin", "upper", "vote"))]
    pinned.append(_dict(data.get("upper")).get("top"))  # the older shape pins under upper.top
    found: dict[str, Comment] = {}
    pending: dict[str, list[str]] = {}
    pinned_ids = [cid for r in pinned if isinstance(r, dict) and (cid := _id(r.get("rpid_str") or r.get("rpid")))]
    roots = [r for r in (*pinned, *_list(data.get("hots")), *(replies or [])) if r is not None]
    for raw in roots:
        root = _comment(raw, post_id=post_id, parent_id=None)
        found.setdefault(root.comment_id, root)
        embedded = [_comment(r, post_id=post_id, parent_id=root.comment_id) for r in _list(raw.get("replies"))]
        for reply in embedded:
            found.setdefault(reply.comment_id, reply)
        if root.parent_id is None and (root.reply_count or 0) > len(embedded):
            pending[root.comment_id] = [r.comment_id for r in embedded]
    result = CommentsResult(list(found.values()), pending=pending, pinned=pinned_ids)
    if isinstance(cursor, dict):
        result.next = parse_count(cursor.get("next"))
        result.end = bool(cursor.get("is_end")) or not replies
        return result
    num, size, count = (parse_count(_dict(page).get(k)) or 0 for k in ("num", "size", "count"))
    result.next = num + 1
    result.end = not replies or num * size >= count
    return result


def _comment(raw: Any, *, post_id: str, parent_id: str | None) -> Comment:
    cid = _id(raw.get("rpid_str") or raw.get("rpid")) if isinstance(raw, dict) else None
    if not isinstance(raw, dict) or cid is None:
        raise _fail("comments", "expected reply objects with an 'rpid'")
    member, content = _dict(raw.get("member")), _dict(raw.get("content"))
    root = _id(raw.get("root_str") or raw.get("root"))
    parent = _id(raw.get("parent_str") or raw.get("parent"))
    # Replies are flattened under their root; the reply they answer (if not the root) is kept aside.
    parent_id = parent_id or root
    location = str(_dict(raw.get("reply_control")).get("location") or "").removeprefix("IP属地：").strip()
    pictures = [url for url in (https_url(_dict(p).get("img_src")) for p in _list(content.get("pictures"))) if url]
    extra = {
        "reply_to": parent if parent and parent != parent_id else None,
        "author_avatar": https_url(member.get("avatar")),
        "author_level": _dict(member.get("level_info")).get("current_level"),
        "pictures": pictures or None,
        "up_liked": _dict(raw.get("up_action")).get("like"),
    }
    return Comment(
        comment_id=cid,
        post_id=post_id,
        platform=PLATFORM,
        parent_id=parent_id,
        author=member.get("uname") or None,
        # member.mid is a string, reply.mid an int: the string is exact for any size.
        author_id=_id(member.get("mid") or raw.get("mid_str") or raw.get("mid")),
        content=str(content.get("message") or "").strip(),  # plain text; [表情] codes kept as written
        likes=parse_count(raw.get("like")),
        publish_time=epoch_to_utc(raw.get("ctime"), unit="s"),
        ip_location=location or None,
        reply_count=parse_count(raw.get("rcount")),
        platform_data=_drop_none(extra),
        raw={k: v for k, v in raw.items() if k != "replies"},  # embedded replies are records of their own
    )


#: `keypick parse` kinds: JSON payload + fetched_at → records ("comments" pages do not name their video).
PARSE_KINDS: dict[str, Callable[[Any, datetime], list[Record]]] = {
    "search": lambda p, at: list[Record](parse_search_page(p, fetched_at=at).posts),
    "detail": lambda p, at: [parse_view_detail(p, fetched_at=at)],
    "comments": lambda p, at: list[Record](parse_comments_page(p, post_id="", fetched_at=at).comments),
    "creator": lambda p, at: [parse_user_info(p, fetched_at=at)],
}
