"""PURE parser of a user's own threads (GET /c/u/feed/myThread): data.list[].thread_info and data.has_more; the
creator keyword (a portrait or a /home/main?id= link).

NO REAL CAPTURE of this endpoint exists (samples/SOURCES.md): the fields follow platforms.md §6.2
(`data.list[].thread_info.tid/id`, `data.has_more`). A thread_info is read as the page_pc `thread`
object it stands for (id, title, reply_num, create_time); its author is the user whose list it is.
The list carries no text: the adapter completes every thread from page_pc, as it does search cards.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from keypick.content.schemas import Author, Post, Record
from keypick.exceptions import ParseError
from keypick.platforms.normalize import parse_count, quote_input
from keypick.platforms.tieba import endpoints as ep
from keypick.platforms.tieba.constants import PLATFORM, checked, clean_title, tieba_time
from keypick.platforms.tieba.parsers import SearchResult, thread_post

ENDPOINT = "creator_posts"
#: How `has_more` may be written: Baidu APIs use 0/1 (True and False hash as 1 and 0, so they match too).
_FLAGS: dict[object, bool] = {1: True, 0: False, "1": True, "0": False, "true": True, "false": False}
#: A portrait: "tb.1." + 8 hex + "." + a base64url tail (22 characters in the replay's; some slack either way),
#: or the older all-hex form that accounts from before the tb.1 scheme still carry.
_PORTRAIT = re.compile(r"tb\.1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{10,40}|[0-9a-f]{16,64}")
_PROFILE_HOSTS = frozenset({"tieba.baidu.com"})


def creator_keyword(text: str) -> str:
    """Return the portrait of a portrait or a tieba.baidu.com/home/main?id={portrait} link; ValueError otherwise."""
    text = text.strip()
    parts = urlsplit(text)
    portrait = text
    if parts.scheme in ("http", "https") and (parts.hostname or "") in _PROFILE_HOSTS:
        # Only id= names a portrait: un= is a user name, which myThread cannot read.
        portrait = ep.link_query(text).get("id", "") if parts.path.rstrip("/") == "/home/main" else ""
    portrait = portrait.split("?", 1)[0]  # an avatar URL's "?t=..." cache-buster
    if not _PORTRAIT.fullmatch(portrait):
        raise ValueError(
            f"{quote_input(text)} is neither a Tieba portrait (tb.1.…, the author_id of Tieba posts) nor a "
            "profile link (https://tieba.baidu.com/home/main?id=<portrait>)"
        )
    return portrait


def _fail(message: str) -> ParseError:
    return ParseError(f"tieba {ENDPOINT}: {message}", platform=PLATFORM, endpoint=ENDPOINT)


def _owner(portrait: str | None) -> Author | None:
    """The author of every thread in the list: the user it was asked for (by portrait)."""
    portrait = ep.clean_portrait(portrait)
    if portrait is None:
        return None
    return Author(platform=PLATFORM, author_id=portrait, profile_url=ep.profile_url(portrait),
                  avatar=ep.PORTRAIT_URL.format(portrait=portrait))  # fmt: skip


def parse_user_threads(payload: Any, *, fetched_at: datetime, portrait: str | None = None) -> SearchResult:
    """Return one page of a user's threads (by `portrait`); `end` when has_more is false or no thread came."""
    data = checked(payload, ENDPOINT).get("data")
    items = data.get("list") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(items, list):
        raise _fail("expected data.list[] in the myThread answer")
    raw_more = data.get("has_more")
    has_more = _FLAGS.get(raw_more.lower() if isinstance(raw_more, str) else raw_more)
    if has_more is None:
        raise _fail(f"expected data.has_more (0/1), got {raw_more!r}")
    owner = _owner(portrait)
    posts: dict[str, Post] = {}
    for item in items:
        info = item.get("thread_info") if isinstance(item, dict) else None
        if not isinstance(info, dict):
            raise _fail("expected data.list[] items with a thread_info object")
        tid = ep.id_text(info.get("tid")) or ep.id_text(info.get("id"))
        if not tid:
            raise _fail("a thread_info has no tid nor id")
        published = tieba_time(info.get("create_time"), now=fetched_at)
        posts.setdefault(tid, thread_post(
            tid, title=clean_title(info.get("title")), content="", author=owner, published=published,
            fetched_at=fetched_at, extra={"content_is_snippet": True}, comments=parse_count(info.get("reply_num")),
            raw=info,
        ))  # fmt: skip
    return SearchResult(posts=list(posts.values()), skipped=len(items) - len(posts), end=not has_more or not posts)


#: The `keypick parse` kind of this list; a saved answer does not name its user, so the author stays empty.
CREATOR_KINDS: dict[str, Callable[[Any, datetime], list[Record]]] = {
    "creator_posts": lambda p, at: list[Record](parse_user_threads(p, fetched_at=at).posts),
}
