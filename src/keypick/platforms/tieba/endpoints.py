"""The tieba.baidu.com endpoints KeyPick knows, as data (platforms.md §6.2), and its URL helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, unquote_to_bytes, urlsplit

from keypick.platforms.tieba.constants import BASE_URL

#: Avatar of a user without a custom head image (platforms.md §6.3).
PORTRAIT_URL = "https://gss0.bdstatic.com/6LZ1dD3d1sgCo2Kml5_Y_D3/sys/portrait/item/{portrait}"


@dataclass(frozen=True)
class Endpoint:
    """One endpoint: how to call it, whether it is signed, what comes back, and what to know."""

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
            "sync", "GET", f"{BASE_URL}/c/s/pc/sync", True, "json",
            "no params besides the PC markers; data.anti.tbs is the anti-CSRF token page_pc needs (cached)",
        ),
        Endpoint(
            "search", "GET", f"{BASE_URL}/mo/q/search/multsearch", True, "json",
            "rn, st (1 time desc, 0 asc, 2 relevance), word, needbrand=1, sug_type=2, pn (from 1), "
            "come_from=search → data.card_list[] of cardStyle 'thread' (card.data); an empty list ends",
        ),
        Endpoint(
            "search_html", "GET", f"{BASE_URL}/f/search/res", False, "html",
            "the older HTML result page: div.s_post_list > div.s_post; parsed, not used by the adapter",
        ),
        Endpoint(
            "thread", "POST", f"{BASE_URL}/c/f/pb/page_pc", True, "json",
            "form body: pn, lz=0, r=2, mark_type=0, back=0, fr='', kz=<tid>, session_request_times=1, tbs → "
            "thread, first_floor, forum/display_forum, page.total_page, user_list[], post_list[]",
        ),
        Endpoint(
            "sub_replies", "GET", f"{BASE_URL}/p/comment", False, "html",
            "tid, pid, fid, pn (sub_post_number//10+1 pages) → li.lzl_single_post.j_lzl_s_p items",
        ),
        Endpoint(
            "creator_info", "GET", f"{BASE_URL}/c/u/pc/homeSidebarRight", True, "json",
            "portrait, un='' → data.user{id,name,name_show,sex,concern_num,fans_num,tb_age,ip_address}",
        ),
        Endpoint(
            "creator_threads", "GET", f"{BASE_URL}/c/u/feed/myThread", True, "json",
            "pn, rn=20, portrait, type=1, un='' → data.list[].thread_info (tid/id, title, ...), data.has_more; "
            "each thread is completed from page_pc",
        ),
        Endpoint(
            "forum_threads", "POST", f"{BASE_URL}/c/f/frs/page_pc", True, "json",
            "kw, pn, sort_type=-1, is_newfrs=1, is_newfeed=1, rn=30, rn_need=10, tbs → forum.tids (not wired yet)",
        ),
    )
}  # fmt: skip


def thread_url(tid: str) -> str:
    """Return the public URL of a thread."""
    return f"{BASE_URL}/p/{tid}"


def forum_url(name: str) -> str:
    """Return the URL of a forum (吧) from its name, with or without the trailing 吧."""
    return f"{BASE_URL}/f?kw={quote(name.removesuffix('吧'))}"


def profile_url(portrait: str) -> str:
    """Return the profile page URL of a user portrait."""
    return f"{BASE_URL}/home/main?id={portrait}"


def clean_portrait(value: object) -> str | None:
    """Return a portrait id without its "?t=..." cache-buster, also out of a /home/main?id= link; None when empty."""
    text = str(value or "").strip()
    if "/home/main" in text:  # a profile link (§6.2: the creator URL …/home/main?id=<portrait>)
        text = link_query(text).get("id", "")
    return text.split("?", 1)[0] or None


def _decode(raw: str) -> str:
    # Older pages percent-encode names in GBK (kw=, un=); newer ones in UTF-8. UTF-8 is tried
    # first: GBK bytes are almost never valid UTF-8, the other way round they often are.
    data = unquote_to_bytes(raw)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gbk", errors="replace")


def link_query(href: str | None) -> dict[str, str]:
    """Return the query of a Tieba link decoded (GBK or UTF-8 percent-encoding); the first value wins."""
    query: dict[str, str] = {}
    for part in filter(None, urlsplit(href or "").query.split("&")):
        name, _, value = part.partition("=")
        query.setdefault(name, _decode(value.replace("+", " ")))
    return query


def id_text(value: object) -> str:
    """Return an id (int or str in the payloads) as a trimmed string; '' for anything else."""
    return str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else ""


def forum_fields(name: str, forum_id: object) -> dict[str, str]:
    """Return the forum keys of platform_data: name, name + 吧 (as MC stores it), URL and id."""
    name = name.removesuffix("吧")
    fields = {"forum": name, "forum_name": f"{name}吧", "forum_url": forum_url(name)} if name else {}
    fid = id_text(forum_id)
    return fields | ({"forum_id": fid} if fid else {})


def avatar_url(user: dict[str, Any], portrait: str | None) -> str | None:
    """Return user_show_info.feed_head.image_data.img_url, else the portrait image URL (§6.3)."""
    show = user.get("user_show_info")
    show = show[0] if isinstance(show, list) and show else show
    head = show.get("feed_head") if isinstance(show, dict) else None
    image = head.get("image_data") if isinstance(head, dict) else None
    url = image.get("img_url") if isinstance(image, dict) else None
    if isinstance(url, str) and url:
        return url
    return PORTRAIT_URL.format(portrait=portrait) if portrait else None
