"""Tieba payloads for the tests.

`search_html()` is the REAL captured search page. No Tieba JSON answer and no 楼中楼 page was ever
captured (SOURCES.md): the other builders follow the platforms.md §6 field lists, filled with the
real values of the captured page (titles, texts, forums, forum ids, author names, times).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.samples import sample_path

# The page was captured on 2024-08-06 (file added that day); its newest post is 2024-08-05 16:45.
FETCHED_AT = datetime(2024, 8, 6, 0, 0, tzinfo=UTC)
TID = "9117888152"
PID = "150718967291"
PORTRAIT = "tb.1.5b8e2b7c.ZHzRk2QpN3xYtL0aVbCdEf"
OTHER_PORTRAIT = "tb.1.0c1d2e3f.QwErTyUiOpAsDfGhJkLzXc"
#: 2024-08-05 16:45 China time, the first post's time on the real page.
POST_EPOCH = 1722847500


def search_html() -> str:
    """The real /f/search/res result fragment: 10 div.s_post entries."""
    return sample_path("tieba", "search_result-1.html").read_text(encoding="utf-8")


def user(uid: int = 1785412375, name: str = "用户甲", portrait: str = PORTRAIT, **extra: Any) -> dict[str, Any]:
    """A user_list / card user object with the field-list keys."""
    return {"id": uid, "name": name, "name_show": name, "portrait": portrait, "ip_address": "", **extra}


def thread_card(tid: int = int(TID), **changes: Any) -> dict[str, Any]:
    """One multsearch thread card (cardStyle "thread", card.data) built from the first real post."""
    data = {
        "tid": tid,
        "title": "武汉交互空间科技：富士康10亿加码中国大陆，印度为何逐渐“失宠",
        "content": "全球知名的电子制造服务巨头<em>富士康</em>的母公司鸿海精密工业股份有限公司正式对外发布",
        "time": POST_EPOCH,
        "user": {
            "id": 1785412375,
            "portrait": f"{PORTRAIT}?t=1722847500",
            "show_nickname": "用户甲",
            "user_name": "用户甲",
        },
        "forum_name": "武汉交互空间",
        "post_num": "12",
        **changes,
    }
    return {"cardStyle": "thread", "data": data}


def multsearch(*cards: dict[str, Any]) -> dict[str, Any]:
    """A multsearch answer holding these cards."""
    return {"error_code": 0, "error_msg": "success", "data": {"card_list": list(cards)}}


def page_pc(pn: int = 1, total_page: int = 2, posts: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A page_pc answer for the first real post: thread, first_floor, forum, user_list, post_list."""
    first = {"id": int(PID), "author_id": 1785412375, "time": POST_EPOCH,
             "content": [{"type": 0, "text": "全球知名的电子制造服务巨头富士康的母公司"}, {"type": 2, "c": "[微笑]"},
                         {"type": 0, "text": "正式对外发布了一则重大投资公告。"}]}  # fmt: skip
    replies = posts if posts is not None else [
        {**first, "floor": 1, "sub_post_number": 0},
        {"id": 150718999001, "author_id": 2012345678, "time": POST_EPOCH + 600, "floor": 2, "sub_post_number": 12,
         "content": [{"type": 0, "text": "这一战略举措不仅彰显了富士康对中国市场持续深化的承诺与信心"}]},
        {"id": 150718999002, "author_id": 1785412375, "time": str(POST_EPOCH + 1200), "floor": 3, "sub_post_number": 0,
         "content": [{"type": 0, "text": "项目一期选址位于郑东新区"}]},
    ]  # fmt: skip
    forum = {"id": 26976424, "name": "武汉交互空间"}
    return {
        "error_code": 0, "error_msg": "",
        "thread": {"id": int(TID), "title": "【武汉交互空间吧】武汉交互空间科技：富士康10亿加码中国大陆_百度贴吧",
                   "reply_num": 14, "create_time": POST_EPOCH},
        "first_floor": first, "forum": forum, "display_forum": forum,
        "page": {"total_page": total_page, "current_page": pn},
        "user_list": [
            user(user_show_info={"feed_head": {"image_data": {"img_url": "https://himg.bdimg.com/sys/portrait/x.jpg"}}},
                 ip_address="湖北"),
            user(2012345678, "用户乙", OTHER_PORTRAIT),
        ],
        "post_list": replies,
    }  # fmt: skip


def lzl_item(spid: int, name: str, portrait: str, text: str, when: str) -> str:
    """One li.lzl_single_post of a /p/comment page (field-list shape; data-field HTML-escaped JSON)."""
    field = (
        f"{{&quot;spid&quot;:{spid},&quot;showname&quot;:&quot;{name}&quot;,&quot;user_name&quot;:&quot;{name}&quot;}}"
    )
    return (
        f'<li class="lzl_single_post j_lzl_s_p" data-field="{field}">'
        f'<a class="j_user_card lzl_p_p" href="/home/main?id={portrait}&amp;fr=pb" target="_blank"><img src=""></a>'
        f'<div class="lzl_cnt"><a class="at j_user_card" href="/home/main?id={portrait}">{name}</a>:'
        f'<span class="lzl_content_main">{text}</span>'
        f'<div class="lzl_content_reply"><span class="lzl_time">{when}</span></div></div></li>'
    )


def lzl_page(*items: str) -> str:
    """A /p/comment page wrapping the items."""
    return f'<html><body><ul class="j_lzl_m_w">{"".join(items)}</ul></body></html>'


def homesidebar(**changes: Any) -> dict[str, Any]:
    """A homeSidebarRight answer (data.user) for PORTRAIT."""
    profile = user(sex=2, concern_num=35, fans_num="1.2万", tb_age="8.5", ip_address="湖北") | changes
    return {"error_code": 0, "error_msg": "", "data": {"user": profile}}


def sync(tbs: str = "2f5e9a1c7d3b4e60" + "1722902400") -> dict[str, Any]:
    """A /c/s/pc/sync answer with its data.anti.tbs."""
    return {"error_code": 0, "error_msg": "", "data": {"anti": {"tbs": tbs}}}


def my_thread(*infos: dict[str, Any], has_more: Any = 1) -> dict[str, Any]:
    """A /c/u/feed/myThread answer (no capture: the platforms.md §6.2 field list) holding these thread_infos."""
    return {
        "error_code": 0,
        "error_msg": "",
        "data": {"list": [{"thread_info": i} for i in infos], "has_more": has_more},
    }
