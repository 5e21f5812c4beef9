"""The www.douyin.com web API endpoints KeyPick knows, as data (platforms.md §2.1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from keypick.platforms.douyin.constants import BASE_URL


@dataclass(frozen=True)
class Endpoint:
    """One endpoint: how to call it, what comes back, and what to know about it."""

    name: str
    method: Literal["GET", "POST"]
    url: str
    notes: str


ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        Endpoint(
            "search",
            "GET",
            f"{BASE_URL}/aweme/v1/web/general/search/single/",
            "search_channel=aweme_general, keyword, offset (steps by count), count, search_id = the "
            "previous page's extra.logid; filter_selected={sort_type, publish_time} + is_filter_search=1 "
            "when filtered → data[] of aweme_info / aweme_mix_info.mix_items[0] cards, has_more 0/1",
        ),
        Endpoint(
            "detail",
            "GET",
            f"{BASE_URL}/aweme/v1/web/aweme/detail/",
            "aweme_id → aweme_detail; not called by the adapter (search cards carry the whole aweme)",
        ),
        Endpoint(
            "comments",
            "GET",
            f"{BASE_URL}/aweme/v1/web/comment/list/",
            "aweme_id, cursor (0 first), count=20, item_type=0 → comments[], cursor, has_more 0/1",
        ),
        Endpoint(
            "replies",
            "GET",
            f"{BASE_URL}/aweme/v1/web/comment/list/reply/",
            "comment_id, cursor, count=20, item_type=0, item_id=aweme_id → same shape as comments; "
            "asked only for comments with reply_comment_total > 0",
        ),
        Endpoint(
            "creator_info",
            "GET",
            f"{BASE_URL}/aweme/v1/web/user/profile/other/",
            "sec_user_id, publish_video_strategy_type=2, personal_center_strategy=1 → user{…}",
        ),
        Endpoint(
            "creator_posts",
            "GET",
            f"{BASE_URL}/aweme/v1/web/aweme/post/",
            "sec_user_id, count=18, max_cursor (0 first, then the answer's), locate_query=false, "
            "publish_video_strategy_type=2 → aweme_list[] (aweme objects, as search cards' aweme_info), "
            "has_more 0/1, max_cursor",
        ),
    )
}


def post_url(aweme_id: str, *, note: bool = False) -> str:
    """Return the public page of an aweme: /note/ for image posts, /video/ otherwise."""
    return f"{BASE_URL}/{'note' if note else 'video'}/{aweme_id}"


def user_url(sec_uid: str) -> str:
    """Return the public profile page of a user (by sec_uid)."""
    return f"{BASE_URL}/user/{sec_uid}"
