"""PURE parser of an author's answers (GET /api/v4/members/{url_token}/answers): data[] and paging; the
creator keyword (a 32-hex author id, a url_token or a profile link).

NO REAL CAPTURE of this endpoint exists (samples/SOURCES.md): platforms.md §7.1 gives it the
`{data[], paging{is_end, next}}` envelope of the other v4 lists, and its items are answer objects,
the shape of a search result's `object` with type answer, so each is read by `parse_content`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from keypick.content.schemas import Post, Record
from keypick.exceptions import ParseError
from keypick.platforms.normalize import link_id, quote_input
from keypick.platforms.zhihu.constants import PLATFORM, ContentType, error_of, response_error
from keypick.platforms.zhihu.parsers import parse_content

ENDPOINT = "creator_posts"
#: Both name a member in /members/{token}/: the 32-hex id (`author.id`) and the url_token (`author.url_token`,
#: letters, digits and '-' in the captures: "212-75-86", "gkduoutoqaab"; '_' is let through too).
_MEMBER = re.compile(r"[A-Za-z0-9_-]{1,64}")
_PEOPLE_HOSTS = frozenset({"www.zhihu.com", "zhihu.com"})
_PEOPLE_PATH = re.compile(r"/people/([^/]+)(?:/.*)?")  # /people/{url_token}, /people/{url_token}/answers, ...


@dataclass
class MemberPage:
    """One page of an author's answers; `next_offset` is the offset of `paging.next` (None without one)."""

    posts: list[Post]
    skipped: int = 0
    next_offset: int | None = None
    end: bool = False


def creator_keyword(text: str) -> str:
    """Return the member of a 32-hex id, a url_token or a www.zhihu.com/people/{url_token} link; else ValueError."""
    text = text.strip()
    member = link_id(text, _PEOPLE_HOSTS, _PEOPLE_PATH)
    if not _MEMBER.fullmatch(member):
        raise ValueError(
            f"{quote_input(text)} is neither a Zhihu author id (32 hex digits, the author_id of Zhihu posts), "
            "a url_token (letters, digits, '-' and '_') nor a profile link (https://www.zhihu.com/people/<url_token>)"
        )
    return member


def _fail(message: str) -> ParseError:
    return ParseError(f"zhihu {ENDPOINT}: {message}", platform=PLATFORM, endpoint=ENDPOINT)


def parse_member_answers(payload: Any, *, fetched_at: datetime) -> MemberPage:
    """Return one page of an author's answers; `end` on paging.is_end or an empty page."""
    if error_of(payload) is not None and (error := response_error(200, payload, endpoint=ENDPOINT)) is not None:
        raise error
    items = payload.get("data") if isinstance(payload, dict) else None
    paging = payload.get("paging") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not isinstance(paging, dict):
        raise _fail("expected data[] and paging{} in the member answers answer")
    posts: dict[str, Post] = {}
    for item in items:
        kind = item.get("type", ContentType.ANSWER.value) if isinstance(item, dict) else None
        if kind != ContentType.ANSWER:
            raise _fail(f"expected answer objects in data[], got {kind or type(item).__name__!r}")
        # The list only holds answers: an object without its own type is one too.
        post = parse_content({**item, "type": ContentType.ANSWER.value}, fetched_at=fetched_at)
        posts.setdefault(post.id, post)
    offsets = parse_qs(urlsplit(str(paging.get("next") or "")).query).get("offset", [""])
    next_offset = int(offsets[0]) if offsets[0].isdigit() else None
    end = bool(paging.get("is_end")) or not items
    return MemberPage(posts=list(posts.values()), skipped=len(items) - len(posts), next_offset=next_offset, end=end)


#: The `keypick parse` kind of this list.
CREATOR_KINDS: dict[str, Callable[[Any, datetime], list[Record]]] = {
    "creator_posts": lambda p, at: list[Record](parse_member_answers(p, fetched_at=at).posts),
}
