"""The api.bilibili.com endpoints KeyPick knows, as data (platforms.md §4.1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from keypick.platforms.bilibili.constants import API_URL, SITE_URL, SPACE_URL


@dataclass(frozen=True)
class Endpoint:
    """One endpoint: how to call it, whether it is WBI-signed, and what to know about it."""

    name: str
    method: Literal["GET", "POST"]
    url: str
    wbi: bool
    notes: str


ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        Endpoint(
            "nav",
            "GET",
            f"{API_URL}/x/web-interface/nav",
            False,
            "login check (data.isLogin) and the WBI keys: basenames of data.wbi_img.img_url / sub_url",
        ),
        Endpoint(
            "search",
            "GET",
            f"{API_URL}/x/web-interface/wbi/search/type",
            True,
            "search_type=video, keyword, page (from 1), page_size=20, order, pubtime_begin_s/pubtime_end_s "
            "(seconds) → data.result[], data.numPages",
        ),
        Endpoint(
            "detail",
            "GET",
            f"{API_URL}/x/web-interface/view/detail",
            False,
            "bvid or aid → data.View (stat: view, danmaku, reply, favorite, coin, share, like), data.Card",
        ),
        Endpoint(
            "comments",
            "GET",
            f"{API_URL}/x/v2/reply/wbi/main",
            True,
            "oid=aid, type=1, mode (3 hot, 2 time), ps, next (0 first) → replies[] with up to 3 embedded "
            "replies each, top_replies[] on the first page, cursor{next,is_end}",
        ),
        Endpoint(
            "replies",
            "GET",
            f"{API_URL}/x/v2/reply/reply",
            True,
            "oid, type=1, root=rpid, ps=10, pn → replies[], page{num,size,count}; only when rcount > 0",
        ),
        Endpoint(
            "creator_posts",
            "GET",
            f"{API_URL}/x/space/wbi/arc/search",
            True,
            "mid, ps=30, pn, order=pubdate → data.list.vlist[] (aid, bvid, title, created, play, comment, ...), "
            "data.page.count",
        ),
        Endpoint(
            "creator_info",
            "GET",
            f"{API_URL}/x/space/wbi/acc/info",
            True,
            "mid → data{mid,name,sex,face,sign,level,official,...}; often -352 without a logged-in cookie",
        ),
    )
}


def video_url(bvid: str | None, aid: str | None = None) -> str:
    """Return the https page URL of a video (by bvid, else by av number)."""
    return f"{SITE_URL}/video/{bvid}" if bvid else f"{SITE_URL}/video/av{aid}"


def space_url(mid: str) -> str:
    """Return the space (profile) page URL of a user."""
    return f"{SPACE_URL}/{mid}"
