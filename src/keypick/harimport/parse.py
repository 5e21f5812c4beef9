"""PURE: the records of one recognised HAR entry, through the platform parsers.

Most kinds go through registry.parse_raw, as `keypick parse` does. Three need what only the request knows,
and call the adapter's own parser the way its client does:
- zhihu replies (comment_v5 child_comment): parse_comment_page with the root id of the URL;
- tieba replies (楼中楼, /p/comment): parse_sub_replies with the thread (tid) and floor (pid) of the URL;
- tieba detail (page_pc): the thread and, from the same answer, its page of first-level replies (floors);
- tieba creator_posts (myThread): parse_user_threads with the portrait of the URL, the threads' author
  (the answer does not name its user).
"""

from __future__ import annotations

from datetime import UTC, datetime

from keypick.content.schemas import Record
from keypick.exceptions import ParseError
from keypick.harimport.recognize import Recognised
from keypick.platforms import registry
from keypick.platforms.tieba.creator import parse_user_threads
from keypick.platforms.tieba.parsers import parse_sub_replies
from keypick.platforms.zhihu.parsers import parse_comment_page


def received_at(item: Recognised, *, now: datetime) -> datetime:
    """Return when the browser got the response (the entry's startedDateTime), else `now`."""
    try:
        when = datetime.fromisoformat(item.started) if item.started else None
    except ValueError:
        when = None
    if when is None:
        return now
    # Relative times on pages ("3小时前", "昨天 12:00", "05-06") count from this moment, not from the import.
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def parse_entry(item: Recognised, *, now: datetime) -> list[Record]:
    """Return the posts, comments and authors of one entry; ParseError (or a platform error) on a bad shape."""
    at = received_at(item, now=now)
    platform, kind = item.route.platform, item.route.kind
    if (platform, kind) == ("zhihu", "replies"):
        # The post is not in the URL: the import resolves it through the root comment.
        page = parse_comment_page(item.payload, post_id="", fetched_at=at, root_id=item.parent_id)
        return list(page.comments)
    if (platform, kind) == ("tieba", "replies"):
        if not isinstance(item.payload, str):
            raise ParseError(
                "tieba sub_replies: expected the HTML 楼中楼 page, got JSON", platform=platform, endpoint="sub_replies"
            )
        return list(parse_sub_replies(item.payload, post_id=item.post_id or "", parent_id=item.parent_id,
                                      fetched_at=at))  # fmt: skip
    if (platform, kind) == ("tieba", "creator_posts"):
        return list(parse_user_threads(item.payload, fetched_at=at, portrait=item.author_id).posts)
    records = registry.parse_raw(platform, kind, item.payload, fetched_at=at)
    if (platform, kind) == ("tieba", "detail") and isinstance(item.payload, dict):
        # page_pc is the thread and its first page of floors in one answer, as the adapter reuses it.
        records += registry.parse_raw(platform, "comments", item.payload, fetched_at=at)
    return records
