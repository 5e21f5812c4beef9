"""The m.weibo.cn endpoints KeyPick knows, as data (platforms.md §5.1), and the creator keyword (a uid)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from keypick.platforms.normalize import link_id, quote_input
from keypick.platforms.weibo.constants import BASE_URL

#: A uid is a positive number (10 digits in every capture; shorter ones are let through).
_UID = re.compile(r"[1-9][0-9]{0,18}")
_PROFILE_HOSTS = frozenset({"weibo.com", "www.weibo.com", "m.weibo.cn"})
#: weibo.com/u/{uid}, m.weibo.cn/u/{uid} and m.weibo.cn/profile/{uid}, and the bare weibo.com/{uid}.
_PROFILE_PATH = re.compile(r"/(?:u/|profile/)?([^/]+)/?")


@dataclass(frozen=True)
class Endpoint:
    """One endpoint: how to call it, what comes back, and what to know about it."""

    name: str
    method: Literal["GET", "POST"]
    url: str
    response: Literal["json", "html"]
    notes: str


ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        Endpoint(
            "config",
            "GET",
            f"{BASE_URL}/api/config",
            "json",
            "login check: data.login is true with a valid cookie",
        ),
        Endpoint(
            "search",
            "GET",
            f"{BASE_URL}/api/container/getIndex",
            "json",
            "containerid=100103type={code}&q={kw} as ONE param, page_type=searchall, page=N (from 1); "
            "data.cards[] of card_type 9 (mblog) or 11 (card_group[]); ok=0 + 这里还没有内容 = end",
        ),
        Endpoint(
            "detail",
            "GET",
            f"{BASE_URL}/detail/{{mid}}",
            "html",
            "HTML page; `var $render_data = [...][0] || {};` holds [0].status, the full-text mblog",
        ),
        Endpoint(
            "comments",
            "GET",
            f"{BASE_URL}/comments/hotflow",
            "json",
            "id=mid, mid=mid, max_id_type (0 first), max_id (omitted on page 1); Referer /detail/{mid}; "
            "data.data[] with nested comments[] (the only replies there are); ends when max_id == 0",
        ),
        Endpoint(
            "creator_info",
            "GET",
            f"{BASE_URL}/api/container/getIndex",
            "json",
            "jumpfrom=weibocom, type=uid, value={uid}, containerid=100505{uid} → data.userInfo",
        ),
        Endpoint(
            "creator_posts",
            "GET",
            f"{BASE_URL}/api/container/getIndex",
            "json",
            "type=uid, value={uid}, containerid=107603{uid}, since_id ('' first) → cards[] + "
            "cardlistInfo.since_id (older answers: cardlistInfo.page)",
        ),
    )
}


def detail_url(mid: str) -> str:
    """Return the m.weibo.cn detail page URL of a post."""
    return ENDPOINTS["detail"].url.format(mid=mid)


def creator_keyword(text: str) -> str:
    """Return the uid of a uid or a weibo.com/u/{uid} (m.weibo.cn/u/, /profile/) link; ValueError for anything else."""
    text = text.strip()
    uid = link_id(text, _PROFILE_HOSTS, _PROFILE_PATH)
    if not _UID.fullmatch(uid):
        raise ValueError(
            f"{quote_input(text)} is neither a Weibo uid (a number, the author_id of Weibo posts) nor a profile "
            "link (https://weibo.com/u/<uid>, https://m.weibo.cn/u/<uid> or https://m.weibo.cn/profile/<uid>)"
        )
    return uid
