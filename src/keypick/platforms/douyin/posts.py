"""PURE: a user's posts (GET /aweme/v1/web/aweme/post/) and the creator keyword (a sec_uid or a profile link).

No real capture of aweme/post exists (samples/SOURCES.md): the envelope follows platforms.md §2.1
(`aweme_list[]`, `has_more` 0/1, `max_cursor`). Its items are aweme objects, the same shape as a search
card's `aweme_info`, so they are read by the sample-tested `parse_aweme`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from keypick.content.schemas import Post
from keypick.exceptions import ParseError
from keypick.platforms.douyin.constants import PLATFORM, envelope_error
from keypick.platforms.douyin.parsers import parse_aweme
from keypick.platforms.normalize import link_id, quote_input

# Every sec_uid starts with the same 12 characters (base64 of a fixed header); the rest is base64url.
_SEC_UID = re.compile(r"MS4wLjABAAAA[A-Za-z0-9_\-]{8,200}")
_USER_PATH = re.compile(r"/user/([^/]+)/?")
_HOSTS = frozenset({"www.douyin.com", "douyin.com"})


@dataclass
class PostsResult:
    """One parsed page of a user's posts: posts, repeats, the next max_cursor, and whether more exist."""

    posts: list[Post]
    max_cursor: int = 0
    has_more: bool = False
    skipped: int = 0


def creator_keyword(text: str) -> str:
    """Return the sec_uid of a sec_uid or a www.douyin.com/user/{sec_uid} link; ValueError for anything else."""
    text = text.strip()
    sec_uid = link_id(text, _HOSTS, _USER_PATH)
    if not _SEC_UID.fullmatch(sec_uid):
        raise ValueError(  # quoting what was sent, not the part read out of a link
            f"{quote_input(text)} is neither a Douyin sec_uid (MS4wLjABAAAA…, the author_id of Douyin posts) nor a "
            "profile link (https://www.douyin.com/user/<sec_uid>)"
        )
    return sec_uid


def parse_user_posts(payload: Any, *, fetched_at: datetime) -> PostsResult:
    """Return one aweme/post page: its posts (repeats counted as skipped), max_cursor and has_more."""
    if (error := envelope_error(payload, endpoint="creator_posts")) is not None:
        raise error
    has_more = _int(payload.get("has_more"))
    awemes = payload.get("aweme_list")
    if awemes is None and has_more == 0:
        awemes = []  # Douyin sends null for an empty list (as `comments: null`)
    if not isinstance(awemes, list) or has_more not in (0, 1):
        raise _fail("expected aweme_list[] and has_more 0/1")
    posts: dict[str, Post] = {}
    for aweme in awemes:
        if not isinstance(aweme, dict) or not aweme.get("aweme_id"):
            raise _fail("expected aweme objects with an 'aweme_id'")
        post = parse_aweme(aweme, fetched_at=fetched_at)
        posts.setdefault(post.id, post)
    max_cursor = _int(payload.get("max_cursor"))
    if max_cursor is None and has_more:
        raise _fail("expected a numeric max_cursor while has_more is 1")
    return PostsResult(list(posts.values()), max_cursor or 0, has_more == 1 and bool(awemes), len(awemes) - len(posts))


def _int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _fail(message: str) -> ParseError:
    return ParseError(f"douyin creator_posts: {message}", platform=PLATFORM, endpoint="creator_posts")
