"""The Xiaohongshu endpoints KeyPick knows, as data (platforms.md §1.1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

from keypick.platforms.xiaohongshu.constants import API_BASE, SEARCH_XSEC_SOURCE, WEB_BASE


@dataclass(frozen=True)
class Endpoint:
    """One endpoint: how to call it, whether it is signed, what comes back, and what to know about it."""

    name: str
    method: Literal["GET", "POST"]
    url: str
    signed: bool
    response: Literal["json", "html"]
    notes: str


ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        Endpoint(
            "selfinfo",
            "GET",
            f"{API_BASE}/api/sns/web/v1/user/selfinfo",
            True,
            "json",
            "login check: data.result.success",
        ),
        Endpoint(
            "search",
            "POST",
            f"{API_BASE}/api/sns/web/v1/search/notes",
            True,
            "json",
            "compact JSON {keyword, page (from 1), page_size 20, search_id (once per keyword), sort, "
            "note_type 0}; data.items[] (model_type note | rec_query | hot_query), data.has_more",
        ),
        Endpoint(
            "detail",
            "POST",
            f"{API_BASE}/api/sns/web/v1/feed",
            True,
            "json",
            "{source_note_id, image_formats, extra {need_body_topic 1}, xsec_source, xsec_token}; the "
            "token is the one the search item carried; data.items[0].note_card",
        ),
        Endpoint(
            "note_page",
            "GET",
            f"{WEB_BASE}/explore/{{note_id}}",
            False,
            "html",
            "fallback when feed has no item: ?xsec_token=&xsec_source=, with the cookie; "
            "window.__INITIAL_STATE__ → note.noteDetailMap[id].note (camelCase, `undefined` values)",
        ),
        Endpoint(
            "comments",
            "GET",
            f"{API_BASE}/api/sns/web/v2/comment/page",
            True,
            "json",
            "note_id, cursor ('' first), top_comment_id '', image_formats 'jpg,webp,avif', xsec_token; "
            "data.comments[] with embedded sub_comments[], data.cursor, data.has_more",
        ),
        Endpoint(
            "sub_comments",
            "GET",
            f"{API_BASE}/api/sns/web/v2/comment/sub/page",
            True,
            "json",
            "note_id, root_comment_id, num '10', cursor (from sub_comment_cursor), image_formats, "
            "top_comment_id '', xsec_token; data.comments[] with target_comment, cursor, has_more",
        ),
        Endpoint(
            "creator_info",
            "GET",
            f"{WEB_BASE}/user/profile/{{user_id}}",
            False,
            "html",
            "window.__INITIAL_STATE__ → user.userPageData {basicInfo, interactions[], tags[]}",
        ),
        Endpoint(
            "creator_posts",
            "GET",
            f"{API_BASE}/api/sns/web/v1/user_posted",
            True,
            "json",
            "num 30, cursor ('' first, then data.cursor: the last note id), user_id, image_formats, xsec_token "
            "(the user's, from the profile link), xsec_source pc_feed; data.notes[] (note_id, xsec_token, "
            "xsec_source, display_title, type, user, interact_info, cover), data.cursor, data.has_more",
        ),
    )
}


def note_url(note_id: str, xsec_token: str | None = None, xsec_source: str = SEARCH_XSEC_SOURCE) -> str:
    """Return the web page of a note; the xsec_token in it is what makes the link open."""
    base = ENDPOINTS["note_page"].url.format(note_id=note_id)
    if not xsec_token:
        return base
    return f"{base}?xsec_token={quote(xsec_token, safe='')}&xsec_source={quote(xsec_source, safe='')}"


def profile_url(user_id: str) -> str:
    """Return the web profile page of a user."""
    return ENDPOINTS["creator_info"].url.format(user_id=user_id)
