"""Bilibili payloads for the tests: the real captures (freshly loaded), and shapes built from field lists.

Real: search_type_video-1 (2026 item shape), search_type_video-2 (2020 shape), reply-1 and reply-2
(/x/v2/reply), reply_wbi_main-1 (/x/v2/reply/wbi/main). NOT captured, built here from the field lists
of platforms.md §4 around real values: the nav answer, /view/detail, /x/space/wbi/acc/info, the
/x/v2/reply/reply sub-reply page and the uploader list /x/space/wbi/arc/search (real search items under
the list's field names).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from tests.samples import load_sample

#: The 2026 captures were made on 2026-02-05.
FETCHED_AT = datetime(2026, 2, 5, 12, 0, tzinfo=UTC)
#: The public WBI example keys and the mixin key they give (a documented test vector).
IMG_KEY = "7cd084941338484aae1ad9425b84077c"
SUB_KEY = "4932caff0ff746eab6f01bf08b70ac45"
MIXIN = "ea1db124af3c7062474693fa704f4ff8"
NEW_IMG_KEY = "0" * 31 + "1"
NEW_SUB_KEY = "f" * 31 + "e"


def search_new() -> dict[str, Any]:
    """The 2026 /wbi/search/type answer (10 items kept)."""
    return dict(load_sample("bilibili", "search_type_video-1.json"))


def search_old() -> dict[str, Any]:
    """The 2020 /search/type answer: items without like/upic/danmaku."""
    return dict(load_sample("bilibili", "search_type_video-2.json"))


def reply_old() -> dict[str, Any]:
    """/x/v2/reply, 5 roots without location (reply-1)."""
    return dict(load_sample("bilibili", "reply-1.json"))


def reply_modern() -> dict[str, Any]:
    """/x/v2/reply through TikHub, 6 roots with 3 embedded replies each (reply-2)."""
    return dict(load_sample("bilibili", "reply-2.json"))


def reply_main() -> dict[str, Any]:
    """/x/v2/reply/wbi/main, mode 2, 2 roots (reply_wbi_main-1)."""
    return dict(load_sample("bilibili", "reply_wbi_main-1.json"))


def nav(img: str = IMG_KEY, sub: str = SUB_KEY, *, logged_in: bool = False) -> dict[str, Any]:
    """A nav answer (built): logged out it says -101 and still hands out the keys."""
    head = {"code": 0, "message": "0"} if logged_in else {"code": -101, "message": "账号未登录"}
    wbi = {"img_url": f"https://i0.hdslb.com/bfs/wbi/{img}.png", "sub_url": f"https://i0.hdslb.com/bfs/wbi/{sub}.png"}
    return head | {"ttl": 1, "data": {"isLogin": logged_in, "wbi_img": wbi}}


def first_item() -> dict[str, Any]:
    """The first real 2026 search item."""
    item: dict[str, Any] = search_new()["data"]["result"][0]
    return item


def view_detail(item: dict[str, Any] | None = None) -> dict[str, Any]:
    """A /view/detail answer (built) around a real search item: View.stat, owner, Card, Tags."""
    item = item or first_item()
    stat = {"aid": item["aid"], "view": item["play"], "danmaku": item["video_review"], "reply": item["review"],
            "favorite": item["favorites"], "coin": 321, "share": 45, "like": item.get("like", 0),
            "dislike": 0}  # fmt: skip
    view = {"bvid": item["bvid"], "aid": item["aid"], "tname": item["typename"], "pic": "http:" + item["pic"],
            "title": "【火-影-忍-者】全720集 4K超清未删减完整版 reaction", "pubdate": item["pubdate"], "desc": "简介",
            "duration": 849036, "cid": 35087654321, "owner": {"mid": item["mid"], "name": item["author"],
            "face": item.get("upic", "")}, "stat": stat}  # fmt: skip
    card = {"card": {"mid": str(item["mid"]), "name": item["author"], "sex": "男", "face": item.get("upic", ""),
            "sign": "签名", "fans": 12345, "attention": 67, "level_info": {"current_level": 6},
            "official_verify": {"type": -1, "desc": ""}}, "archive_count": 89, "like_num": 4567}  # fmt: skip
    tags = [{"tag_id": 1, "tag_name": "火影忍者"}, {"tag_id": 2, "tag_name": "合集"}]
    return {"code": 0, "message": "0", "ttl": 1, "data": {"View": view, "Card": card, "Tags": tags}}


def acc_info(mid: int = 794383850) -> dict[str, Any]:
    """An /x/space/wbi/acc/info answer (built) for the first reply-2 member."""
    data = {"mid": mid, "name": "用户甲", "sex": "女", "face": "https://i0.hdslb.com/bfs/face/a.jpg",
            "sign": "这是一段示例签名", "level": 6,
            "official": {"role": 0, "title": "", "desc": "", "type": -1}}  # fmt: skip
    return {"code": 0, "message": "0", "ttl": 1, "data": data}


def sub_replies(root_index: int = 0, pn: int = 1, ps: int = 10) -> dict[str, Any]:
    """A /x/v2/reply/reply page (built) from a real reply-2 root and its real replies."""
    root = copy.deepcopy(reply_modern()["data"]["replies"][root_index])
    replies = root.pop("replies")
    page = {"num": pn, "size": ps, "count": root["rcount"]}
    return {"code": 0, "message": "0", "ttl": 1, "data": {"page": page, "replies": replies, "root": root}}


#: Search item name → uploader list (vlist) name, for the fields the two spell differently.
VLIST_NAMES = {"pubdate": "created", "review": "comment", "duration": "length"}


def space_vlist() -> list[dict[str, Any]]:
    """The real 2020 search items under the vlist field names of /x/space/wbi/arc/search (built)."""
    items = search_old()["data"]["result"]
    keep = ("aid", "bvid", "title", "description", "pubdate", "play", "review", "video_review", "pic", "author",
            "mid", "duration")  # fmt: skip
    return [{VLIST_NAMES.get(k, k): item[k] for k in keep if k in item} for item in items]


def space_videos(count: int = 12) -> dict[str, Any]:
    """An /x/space/wbi/arc/search answer (built) of space_vlist(), page 1 of 30, `count` videos in all."""
    page = {"pn": 1, "ps": 30, "count": count}
    return {"code": 0, "message": "0", "data": {"list": {"vlist": space_vlist()}, "page": page}}
