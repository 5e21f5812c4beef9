"""Real captured Douyin payloads for the tests, freshly loaded each call (tests may mutate them).

`search()` is the App general search capture: a substitute of the same family for the web search
/aweme/v1/web/general/search/single/ (same envelope, same `data[].aweme_info`), see SOURCES.md.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from tests.samples import load_sample

#: The comment page was captured on 2026-02-05 (extra.now 1770286846000); "now" is just after.
FETCHED_AT = datetime(2026, 2, 5, 12, 0, tzinfo=UTC)
#: The video whose comments were captured; it is also the 2nd search card.
VIDEO_ID = "7565738211130035491"


def search() -> dict[str, Any]:
    """The general search answer (App capture): 8 aweme cards and one related-search card."""
    return dict(load_sample("douyin", "app_general_search-1.json"))


def comments() -> dict[str, Any]:
    """The /aweme/v1/web/comment/list/ page of VIDEO_ID: 10 comments, has_more 1, cursor 20."""
    return dict(load_sample("douyin", "comment_list-1.json"))


def aweme(index: int) -> dict[str, Any]:
    """The aweme_info of one search card."""
    found: dict[str, Any] = search()["data"][index]["aweme_info"]
    return found


def replies_of(root_cid: str, count: int = 2) -> dict[str, Any]:
    """A reply page for a root: real comment objects re-identified as replies (no reply page was captured).

    platforms.md §2.1 says /comment/list/reply/ has the same shape as /comment/list/; a reply names
    its root in `reply_id` and has level 2.
    """
    page = comments()
    raws = page["comments"][:count]
    for i, raw in enumerate(raws):
        raw.update(cid=f"{root_cid[:-1]}{i}", reply_id=root_cid, level=2, reply_comment_total=0)
    return {**page, "comments": raws, "has_more": 0, "cursor": count, "total": count}


def profile(user: dict[str, Any]) -> dict[str, Any]:
    """A /user/profile/other/ answer around a real user object (no profile was captured)."""
    return {"status_code": 0, "status_msg": "", "user": copy.deepcopy(user)}
