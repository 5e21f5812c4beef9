"""The www.kuaishou.com endpoints KeyPick knows, as data, with its GraphQL documents (platforms.md §3.1), and the
creator keyword (a user id or a profile link).

The GraphQL documents are KeyPick's own, written from the field lists in
platforms.md §3.1/§3.3 (no real Kuaishou GraphQL traffic was captured).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from keypick.platforms.kuaishou.constants import BASE_URL, GraphQLOp
from keypick.platforms.normalize import link_id, quote_input

#: A user id: the "3x…" base36 id of a post's author.id and of profile links, or a numeric id (ids may come as ints).
_USER_ID = re.compile(r"3x[0-9a-z]{5,40}|[1-9][0-9]{0,18}")
_PROFILE_HOSTS = frozenset({"www.kuaishou.com", "kuaishou.com"})
_PROFILE_PATH = re.compile(r"/profile/([^/]+)/?")


@dataclass(frozen=True)
class Endpoint:
    """One endpoint: how to call it, whether the page must sign it, and what to know about it."""

    name: str
    method: Literal["GET", "POST"]
    url: str
    signed: bool
    notes: str

    @property
    def path(self) -> str:
        """The path on the real host: what the page's `$encode` is given as `url`."""
        return self.url.removeprefix(BASE_URL)


ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        Endpoint(
            "search",
            "POST",
            f"{BASE_URL}/rest/v/search/feed",
            True,
            "?__NS_hxfalcon={sig}&caver=2; compact JSON {keyword, pcursor (page number as a string), "
            'page:"search", searchSessionId (from the previous answer)} → result, feeds[], pcursor, searchSessionId',
        ),
        Endpoint(
            "comments",
            "POST",
            f"{BASE_URL}/rest/v/photo/comment/list",
            False,
            '{photoId, pcursor ("" first)} → result, rootCommentsV2[], pcursorV2 ("no_more" ends), commentCountV2',
        ),
        Endpoint(
            "sub_comments",
            "POST",
            f"{BASE_URL}/rest/v/photo/comment/sublist",
            False,
            "{photoId, pcursor, rootCommentId (an int)} → subCommentsV2[], pcursorV2; only when hasSubComments",
        ),
        Endpoint(
            "graphql",
            "POST",
            f"{BASE_URL}/graphql",
            False,
            "{operationName, variables, query}: visionVideoDetail (detail), visionProfile (creator), "
            "visionProfileUserList (login check: result == 1)",
        ),
        Endpoint(
            "creator_posts",
            "POST",
            f"{BASE_URL}/rest/v/profile/feed",
            True,
            '?__NS_hxfalcon={sig}&caver=2; compact JSON {user_id, pcursor ("" first), page:"profile"} → result, '
            'feeds[] (search feed items), pcursor ("no_more" or empty feeds end)',
        ),
    )
}

#: GraphQL documents by operation; variables: detail {photoId, page}, profile {userId}, login {ftype}.
QUERIES: dict[GraphQLOp, str] = {
    GraphQLOp.DETAIL: (
        "query visionVideoDetail($photoId: String, $type: String, $page: String) {\n"
        "  visionVideoDetail(photoId: $photoId, type: $type, page: $page) {\n"
        "    status\n    type\n    author { id name headerUrl }\n"
        "    photo { id caption likeCount realLikeCount viewCount coverUrl photoUrl timestamp duration }\n"
        "    tags { type name }\n  }\n}\n"
    ),
    GraphQLOp.PROFILE: (
        "query visionProfile($userId: String) {\n"
        "  visionProfile(userId: $userId) {\n    result\n    hostName\n"
        "    userProfile {\n      ownerCount { fan follow photo photo_public }\n"
        "      profile { user_id user_name gender headurl user_text }\n    }\n  }\n}\n"
    ),
    GraphQLOp.LOGIN_CHECK: (
        "query visionProfileUserList($pcursor: String, $ftype: Int) {\n"
        "  visionProfileUserList(pcursor: $pcursor, ftype: $ftype) {\n    result\n    pcursor\n  }\n}\n"
    ),
}


def video_url(photo_id: str) -> str:
    """Return the public page of a video."""
    return f"{BASE_URL}/short-video/{photo_id}"


def profile_url(user_id: str) -> str:
    """Return the public profile page of a user."""
    return f"{BASE_URL}/profile/{user_id}"


def creator_keyword(text: str) -> str:
    """Return the user id of a user id or a www.kuaishou.com/profile/{id} link; ValueError for anything else."""
    text = text.strip()
    user_id = link_id(text, _PROFILE_HOSTS, _PROFILE_PATH)
    if not _USER_ID.fullmatch(user_id):
        raise ValueError(
            f"{quote_input(text)} is neither a Kuaishou user id (3x…, the author_id of Kuaishou videos, or a "
            "numeric id) nor a profile link (https://www.kuaishou.com/profile/<user id>)"
        )
    return user_id
