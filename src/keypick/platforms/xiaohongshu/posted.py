"""PURE: a creator's note list (GET /api/sns/web/v1/user_posted) and the creator keyword (user id or profile link).

No real capture of user_posted exists (samples/SOURCES.md): the envelope follows platforms.md §1.1
(`data.notes[]`, each with `note_id`, `xsec_token`, `xsec_source`; `data.cursor`, the last note id;
`data.has_more`). A listed note carries the fields of a search item's note_card (`display_title`,
`type`, `user`, `interact_info`, `cover`), so it is read by the sample-tested note_card parser, with
the note's own xsec_token kept: the feed refuses a note without the token it was listed with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from keypick.content.schemas import Post
from keypick.exceptions import ParseError
from keypick.platforms.xiaohongshu import constants as c
from keypick.platforms.xiaohongshu.endpoints import profile_url
from keypick.platforms.xiaohongshu.parsers import parse_note_card

_USER_ID = re.compile(r"[0-9a-f]{24}")
_PROFILE_PATH = re.compile(r"/user/profile/([0-9a-f]{24})/?")
_PROFILE_HOSTS = frozenset({"www.xiaohongshu.com", "xiaohongshu.com"})
#: A task unit's keyword column holds 255 characters.
MAX_KEYWORD = 255


@dataclass(frozen=True)
class CreatorRef:
    """A creator keyword read: the user id, and the user-level xsec_token its profile link carried."""

    user_id: str
    xsec_token: str = ""
    xsec_source: str = ""

    @property
    def keyword(self) -> str:
        """Return the canonical keyword: the bare id, or the profile link with only its token and source."""
        if not self.xsec_token:
            return self.user_id
        query = f"xsec_token={quote(self.xsec_token, safe='')}"
        if self.xsec_source:
            query += f"&xsec_source={quote(self.xsec_source, safe='')}"
        return f"{profile_url(self.user_id)}?{query}"


@dataclass
class PostedResult:
    """One parsed page of a creator's notes: notes, repeats, the next cursor, and whether more exist."""

    posts: list[Post]
    cursor: str = ""
    has_more: bool = False
    skipped: int = 0


def parse_creator_ref(text: str) -> CreatorRef:
    """Return the user id and token of a 24-hex user id or a www.xiaohongshu.com/user/profile/{id} link."""
    text = text.strip()
    if _USER_ID.fullmatch(text):
        return CreatorRef(text)
    parts = urlsplit(text)
    match = _PROFILE_PATH.fullmatch(parts.path)
    if parts.scheme not in ("http", "https") or (parts.hostname or "") not in _PROFILE_HOSTS or match is None:
        shown = text if len(text) <= 60 else f"{text[:60]}..."
        raise ValueError(
            f"{shown!r} is neither a Xiaohongshu user id (24 hex digits) nor a profile link "
            "(https://www.xiaohongshu.com/user/profile/<user id>?xsec_token=...)"
        )
    query = dict(parse_qsl(parts.query))
    return CreatorRef(match.group(1), query.get("xsec_token", ""), query.get("xsec_source", ""))


def creator_keyword(text: str) -> str:
    """Return the canonical creator keyword of `text`; ValueError when it is not a user id or profile link."""
    keyword = parse_creator_ref(text).keyword
    if len(keyword) > MAX_KEYWORD:
        raise ValueError(f"the profile link is longer than {MAX_KEYWORD} characters even without its other params")
    return keyword


def parse_user_posted(payload: Any, *, fetched_at: datetime) -> PostedResult:
    """Return one user_posted page: its notes (repeats counted as skipped), data.cursor and has_more."""
    if (error := c.envelope_error(payload, endpoint="creator_posts")) is not None:
        raise error
    data = payload.get("data")
    if not isinstance(data, dict):
        raise _fail("expected a 'data' object")
    notes = data.get("notes", [] if data.get("has_more") is False else None)  # the end may come without notes
    if not isinstance(notes, list):
        raise _fail("expected data.notes[]")
    posts: dict[str, Post] = {}
    for note in notes:
        if not isinstance(note, dict) or not note.get("note_id"):
            raise _fail("expected note objects with a 'note_id'")
        # Each note is listed with its own token (and source): complete() must send exactly those.
        source = str(note.get("xsec_source") or c.CREATOR_XSEC_SOURCE)
        post = parse_note_card(note, fetched_at=fetched_at, note_id=str(note["note_id"]),
                               xsec_token=note.get("xsec_token"), xsec_source=source, raw=note)  # fmt: skip
        posts.setdefault(post.id, post)
    cursor = str(data.get("cursor") or "")
    has_more = bool(data.get("has_more")) and bool(notes) and bool(cursor)
    return PostedResult(list(posts.values()), cursor, has_more, len(notes) - len(posts))


def _fail(message: str) -> ParseError:
    return ParseError(f"xiaohongshu creator_posts: {message}", platform=c.PLATFORM, endpoint="creator_posts")
