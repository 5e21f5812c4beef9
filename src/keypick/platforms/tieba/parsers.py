"""Pure parsers: Tieba payloads → KeyPick records. No IO, no clock, no settings.

Only the HTML search page has a real capture (samples/tieba/search_result-1.html). The JSON
answers (multsearch, page_pc, homeSidebarRight, sync) and the 楼中楼 HTML page are read from
the field lists of platforms.md §6: no capture exists, so anything else fails loudly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bs4 import BeautifulSoup, Tag

from keypick.content.schemas import Author, Comment, Post, Record
from keypick.exceptions import ParseError
from keypick.platforms.normalize import parse_count, strip_html
from keypick.platforms.tieba import constants
from keypick.platforms.tieba import endpoints as ep
from keypick.platforms.tieba.constants import PLATFORM, THREAD_CARD, clean_title, content_text, squash, tieba_time

_TID_RE = re.compile(r"/p/(\d+)")


@dataclass
class SearchResult:
    """One parsed search page: threads, how many cards were not threads, and whether results ended."""

    posts: list[Post]
    skipped: int = 0
    end: bool = False


@dataclass
class ReplyPage:
    """One page_pc page of first-level replies, with what the next requests need."""

    comments: list[Comment]
    total_page: int = 1
    forum_id: str | None = None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _fail(endpoint: str, message: str) -> ParseError:
    return ParseError(f"tieba {endpoint}: {message}", platform=PLATFORM, endpoint=endpoint)


_id = ep.id_text
_checked = constants.checked


def parse_user(user: dict[str, Any], *, portrait: str | None = None) -> Author | None:
    """Return the Author of a Tieba user object (id = portrait, else numeric id); None without either."""
    portrait = ep.clean_portrait(user.get("portrait")) or portrait
    uid = _id(user.get("id"))
    if not (portrait or uid):
        return None
    name = user.get("user_name") or user.get("name")
    sex = parse_count(user.get("sex") if user.get("sex") is not None else user.get("gender"))
    extra = {"user_id": uid, "user_name": name, "tb_age": user.get("tb_age")}
    return Author(
        platform=PLATFORM, author_id=portrait or uid, avatar=ep.avatar_url(user, portrait),
        nickname=user.get("name_show") or user.get("show_nickname") or name or None,
        gender={1: "m", 2: "f"}.get(sex or 0), ip_location=user.get("ip_address") or None,
        followers=parse_count(user.get("fans_num")), following=parse_count(user.get("concern_num")),
        profile_url=ep.profile_url(portrait) if portrait else None,
        platform_data={k: v for k, v in extra.items() if v not in (None, "")},
    )  # fmt: skip


def thread_post(
    tid: str, *, title: str, content: str, author: Author | None, published: datetime | None, fetched_at: datetime,
    extra: dict[str, Any], comments: int | None = None, raw: dict[str, Any] | None = None,
) -> Post:  # fmt: skip
    """Return a thread Post; `extra` is its platform_data (empty values dropped)."""
    return Post(
        id=tid, platform=PLATFORM, title=title or None, content=content, url=ep.thread_url(tid), comments=comments,
        author=author.nickname if author else None, author_id=author.author_id if author else None,
        author_avatar=author.avatar if author else None, publish_time=published,
        tags=constants.topic_tags(title, content), ip_location=author.ip_location if author else None,
        crawl_time=fetched_at, platform_data={k: v for k, v in extra.items() if v not in (None, "")}, raw=raw,
        author_info=author,
    )  # fmt: skip


def _collect(found: Iterable[Post | None]) -> SearchResult:
    """Keep each thread once; count non-thread cards and repeats as skipped; no thread means the end."""
    posts: dict[str, Post] = {}
    skipped = 0
    for post in found:
        if post is None or post.id in posts:
            skipped += 1
        else:
            posts[post.id] = post
    return SearchResult(posts=list(posts.values()), skipped=skipped, end=not posts)


def parse_search_page(payload: Any, *, fetched_at: datetime) -> SearchResult:
    """Return the threads of a search answer: multsearch JSON (dict) or the HTML result page (str)."""
    if isinstance(payload, str):
        return parse_search_html(payload, fetched_at=fetched_at)
    data = _checked(payload, "search").get("data")
    cards = data.get("card_list", "missing") if isinstance(data, dict) else "missing"
    if not isinstance(cards := [] if cards is None else cards, list):
        raise _fail("search", "expected data.card_list[] in the multsearch answer")
    # Forum, user and ad cards sit between the threads: they come out as None, counted as skipped.
    return _collect(_search_card(card, fetched_at=fetched_at) for card in cards)


def _card_style(card: dict[str, Any]) -> str | None:
    # platforms.md names both `cardStyle` and `cardInfo` as the type marker of a card.
    for value in (card.get("cardStyle"), card.get("cardInfo")):
        value = value.get("cardStyle") if isinstance(value, dict) else value
        if isinstance(value, str):
            return value
    return None


def _search_card(card: Any, *, fetched_at: datetime) -> Post | None:
    data = card.get("data") if isinstance(card, dict) and _card_style(card) == THREAD_CARD else None
    if not isinstance(data, dict):
        return None
    tid = _id(data.get("tid")) or _id(data.get("id"))
    if not tid:
        raise _fail("search", "a thread card has no 'tid'")
    forum = str(data.get("forum_name") or "").removesuffix("吧")
    title, content = clean_title(data.get("title"), forum), strip_html(data.get("content"))
    published = tieba_time(data.get("time") or data.get("create_time"), now=fetched_at)
    extra = {**ep.forum_fields(forum, data.get("forum_id")), "content_is_snippet": True}
    author = parse_user(_dict(data.get("user")))
    return thread_post(tid, title=title, content=content, author=author, published=published, fetched_at=fetched_at,
                       extra=extra, comments=parse_count(data.get("post_num")), raw=data)  # fmt: skip


def parse_search_html(html: str, *, fetched_at: datetime) -> SearchResult:
    """Return the threads of the HTML search page (/f/search/res): one div.s_post each."""
    root = BeautifulSoup(html, "html.parser").select_one("div.s_post_list")
    if root is None:
        raise _fail("search", "no div.s_post_list in the page (verification page or a new layout?)")
    return _collect(_html_entry(entry, fetched_at=fetched_at) for entry in root.select("div.s_post"))


def _html_entry(entry: Tag, *, fetched_at: datetime) -> Post | None:
    link = entry.select_one("span.p_title a")
    if link is None:
        return None
    href = str(link.get("href") or "")
    match = _TID_RE.search(href)
    tid = str(link.get("data-tid") or (match.group(1) if match else ""))
    if not tid:
        raise _fail("search", "a div.s_post has no data-tid nor /p/{tid} link")
    forum_link, user_link = entry.select_one("a.p_forum"), entry.select_one('a[href*="/home/main"]')
    forum = squash(forum_link.get_text()) if forum_link else ""
    query = ep.link_query(str(user_link.get("href"))) if user_link else {}
    name = (squash(user_link.get_text()) if user_link else "") or query.get("un") or None
    # Newer pages link the author by portrait (id=); this capture only by GBK-encoded name (un=).
    portrait = ep.clean_portrait(query.get("id"))
    author = Author(platform=PLATFORM, author_id=portrait, nickname=name, profile_url=ep.profile_url(portrait),
                    avatar=ep.PORTRAIT_URL.format(portrait=portrait)) if portrait else None  # fmt: skip
    body, date = entry.select_one("div.p_content"), entry.select_one(".p_date")
    title, content = clean_title(link.get_text(), forum), squash(body.get_text()) if body else ""
    fid = (forum_link.get("data-fid") if forum_link else None) or link.get("data-fid")
    extra = {**ep.forum_fields(forum, fid), "pid": ep.link_query(href).get("pid"), "user_name": query.get("un"),
             "content_is_snippet": True}  # fmt: skip
    published = tieba_time(squash(date.get_text()), now=fetched_at) if date else None
    post = thread_post(tid, title=title, content=content, author=author, published=published, fetched_at=fetched_at,
                       extra=extra)  # fmt: skip
    return post if author else post.model_copy(update={"author": name})


def _thread_body(payload: Any, endpoint: str) -> dict[str, Any]:
    body = _checked(payload, endpoint)
    # Field paths are top-level in platforms.md; a `data` wrapper is accepted too.
    body = body if "thread" in body or "post_list" in body else _dict(body.get("data"))
    if not isinstance(body.get("thread"), dict):
        raise _fail(endpoint, "expected thread{} in the page_pc answer")
    return body


def _users(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    users = body.get("user_list")
    return {_id(u.get("id")): u for u in users if isinstance(u, dict)} if isinstance(users, list) else {}


def _forum_of(body: dict[str, Any]) -> dict[str, Any]:
    return _dict(body.get("forum")) or _dict(body.get("display_forum"))


def parse_thread_page(payload: Any, *, fetched_at: datetime) -> Post:
    """Return the full thread (first floor text, counts, forum, author) of a page_pc answer."""
    body = _thread_body(payload, "detail")
    thread, first, forum = body["thread"], _dict(body.get("first_floor")), _forum_of(body)
    tid = _id(thread.get("id")) or _id(thread.get("tid"))
    if not tid:
        raise _fail("detail", "expected thread.id")
    forum_name = str(forum.get("name") or "").removesuffix("吧")
    author = parse_user(_users(body).get(_id(first.get("author_id")), {}))
    title, content = clean_title(thread.get("title"), forum_name), content_text(first.get("content"))
    extra: dict[str, Any] = {**ep.forum_fields(forum_name, forum.get("id")), "first_floor_id": _id(first.get("id"))}
    extra["total_page"] = parse_count(_dict(body.get("page")).get("total_page"))
    published = tieba_time(first.get("time") or thread.get("create_time"), now=fetched_at)
    return thread_post(tid, title=title, content=content, author=author, published=published, fetched_at=fetched_at,
                       extra=extra, comments=parse_count(thread.get("reply_num")), raw=thread)  # fmt: skip


def parse_reply_page(payload: Any, *, post_id: str, fetched_at: datetime) -> ReplyPage:
    """Return the first-level replies of one page_pc page (the thread's own first floor left out)."""
    body = _thread_body(payload, "comments")
    posts = body.get("post_list")
    if not isinstance(posts, list):
        raise _fail("comments", "expected post_list[] in the page_pc answer")
    post_id = post_id or _id(body["thread"].get("id"))
    first_id, users = _id(_dict(body.get("first_floor")).get("id")), _users(body)
    seen: dict[str, Comment] = {}
    for raw in posts:
        cid = _id(raw.get("id")) if isinstance(raw, dict) else ""
        if not cid:
            raise _fail("comments", "expected post_list[] objects with an 'id'")
        if cid == first_id or raw.get("floor") == 1:
            continue  # floor 1 is the thread itself, not a reply
        author = parse_user(users.get(_id(raw.get("author_id")), {}))
        extra = {"floor": raw.get("floor"), "avatar": author.avatar if author else None}
        seen.setdefault(cid, Comment(
            comment_id=cid, post_id=post_id, platform=PLATFORM, content=content_text(raw.get("content")),
            author=author.nickname if author else None, author_id=author.author_id if author else None,
            likes=None,  # Tieba shows no like count on replies: unknown, not zero
            publish_time=tieba_time(raw.get("time"), now=fetched_at),
            ip_location=author.ip_location if author else None,
            reply_count=parse_count(raw.get("sub_post_number")),
            platform_data={k: v for k, v in extra.items() if v is not None}, raw=raw,
        ))  # fmt: skip
    total = parse_count(_dict(body.get("page")).get("total_page")) or 1
    return ReplyPage(comments=list(seen.values()), total_page=total, forum_id=_id(_forum_of(body).get("id")) or None)


def parse_sub_replies(html: str, *, post_id: str, parent_id: str | None, fetched_at: datetime) -> list[Comment]:
    """Return the 楼中楼 replies of one /p/comment page (li.lzl_single_post; none on an empty page)."""
    replies: dict[str, Comment] = {}
    for item in BeautifulSoup(html, "html.parser").select("li.lzl_single_post"):
        try:
            field = _dict(json.loads(str(item.get("data-field") or "{}")))
        except ValueError as exc:
            raise _fail("sub_replies", f"data-field is not JSON: {exc}") from exc
        if not (spid := _id(field.get("spid"))):
            raise _fail("sub_replies", "a li.lzl_single_post has no data-field spid")
        user_link = item.select_one("a.j_user_card.lzl_p_p")
        query = ep.link_query(str(user_link.get("href"))) if user_link else {}
        text, when = item.select_one("span.lzl_content_main"), item.select_one("span.lzl_time")
        replies.setdefault(spid, Comment(
            comment_id=spid, post_id=post_id, platform=PLATFORM, parent_id=parent_id,
            author=field.get("showname") or query.get("un") or None,
            author_id=ep.clean_portrait(field.get("portrait") or query.get("id")),
            content=squash(text.get_text()) if text else "", likes=None,
            publish_time=tieba_time(squash(when.get_text()), now=fetched_at) if when else None,
            platform_data={"user_name": field["user_name"]} if field.get("user_name") else {},
        ))  # fmt: skip
    return list(replies.values())


def parse_creator(payload: Any, *, fetched_at: datetime, portrait: str | None = None) -> Author:
    """Return the Author of a homeSidebarRight answer (data.user); `fetched_at` kept for symmetry."""
    user = _dict(_checked(payload, "creator_info").get("data")).get("user")
    author = parse_user(user, portrait=portrait) if isinstance(user, dict) else None
    if author is None:
        raise _fail("creator_info", "expected data.user with an id or portrait")
    return author


def parse_tbs(payload: Any) -> str:
    """Return data.anti.tbs of a /c/s/pc/sync answer; ParseError when it is missing."""
    tbs = _dict(_dict(_checked(payload, "sync").get("data")).get("anti")).get("tbs")
    if not isinstance(tbs, str) or not tbs:
        raise _fail("sync", "expected data.anti.tbs")
    return tbs


def _kind_comments(payload: Any, fetched_at: datetime) -> list[Record]:
    if isinstance(payload, str):  # a 楼中楼 page names neither its thread nor its floor
        return list(parse_sub_replies(payload, post_id="", parent_id=None, fetched_at=fetched_at))
    return list(parse_reply_page(payload, post_id="", fetched_at=fetched_at).comments)


#: `keypick parse` kinds: payload (parsed JSON, or HTML text) + fetched_at → records.
PARSE_KINDS: dict[str, Callable[[Any, datetime], list[Record]]] = {
    "search": lambda p, at: list[Record](parse_search_page(p, fetched_at=at).posts),
    "detail": lambda p, at: [parse_thread_page(p, fetched_at=at)],
    "comments": _kind_comments,
    "creator": lambda p, at: [parse_creator(p, fetched_at=at)],
}
