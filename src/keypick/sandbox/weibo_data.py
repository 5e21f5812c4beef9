"""The data behind the m.weibo.cn replay: posts per search slot, comments per post, real users.

Search posts come from the 2019 user-timeline capture (the nearest real shape:
no real search capture exists, see samples/SOURCES.md), varied per keyword and
page. They are ordered newest first across a keyword's pages, about 90
minutes apart, ending at the anchor time. Every generated mid is remembered
(bounded), so its detail page and comments can be served later. No HTTP here.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from urllib.parse import quote

from keypick.sandbox.samples import load_json, walk_dicts
from keypick.sandbox.vary import derive_digits, make_long, stable_int, vary_comment, vary_mblog

HOST = "m.weibo.cn"
TIMELINE = "getindex_user_timeline-1.json"
HOTFLOW = "hotflow-1.json"
HOTFLOW_PAGES = 3
STEP_SECONDS = 90 * 60  # 50 posts span about 3 days: a 1-day window stops mid-crawl
GROUP_AT = 3  # page 1 carries its card_type 11 group after the third post
GROUP_SLOTS = (10, 11)  # the group's two posts: extra slots on page 1
MAX_REMEMBERED = 200_000
TIMELINE_CONTAINER = "107603"  # + uid: a user's own posts
TIMELINE_KEY = "uid:"  # the Origin "keyword" of timeline posts
Json = dict[str, Any]


@dataclass(frozen=True)
class Origin:
    """The search slot a generated post came from; enough to regenerate it."""

    keyword: str
    page: int
    slot: int


class WeiboData:
    """Deterministic Weibo posts and comments for one sandbox (seed, anchor time)."""

    def __init__(self, *, seed: str, anchor: datetime) -> None:
        self.seed = seed
        self.anchor = anchor
        self._origins: OrderedDict[str, Origin] = OrderedDict()

    def keyword_of(self, mid: str) -> str | None:
        """Return the keyword whose search produced `mid`, if this run produced it."""
        origin = self._origins.get(mid)
        return origin.keyword if origin else None

    def search_cards(self, keyword: str, page: int, containerid: str) -> list[Json]:
        """Return the cards of one search page: 10 posts, plus on page 1 a group with 2 posts and a tip."""
        cards = [self._card(keyword, page, slot, containerid) for slot in range(10)]
        if page == 1:
            # Search pages wrap some posts in a card_type 11 group next to non-post cards.
            tip = {"card_type": 58, "show_type": 0, "desc": f"以下是「{keyword}」的相关微博"}
            group = [tip, *(self._card(keyword, 1, slot, containerid) for slot in GROUP_SLOTS)]
            cards.insert(GROUP_AT, {"card_type": 11, "show_type": 1, "card_group": group})
        return cards

    def timeline_cards(self, uid: str, page: int) -> list[Json]:
        """Return one page of a real user's timeline: 10 of their posts, newest first."""
        return [self._card(f"{TIMELINE_KEY}{uid}", page, slot, f"{TIMELINE_CONTAINER}{uid}") for slot in range(10)]

    def since_id(self, uid: str, page: int) -> str:
        """Return the opaque since_id that leads to a timeline page (a post id, as on the site)."""
        return derive_digits(str(_timeline_cards()[0]["mblog"]["id"]), self.seed, "since", uid, page)

    def timeline_page(self, uid: str, since_id: str | None, pages: int) -> int | None:
        """Return the timeline page a since_id stands for: 1 without one, None for one never given out."""
        if not since_id:
            return 1
        return next((p for p in range(2, pages + 1) if since_id == self.since_id(uid, p)), None)

    def full_post(self, mid: str) -> Json | None:
        """Return the full (untruncated) mblog for a generated or real sample mid, else None."""
        origin = self._origins.get(mid)
        if origin is not None:
            return self._mblog(origin.keyword, origin.page, origin.slot)[1]
        return _sample_mblogs().get(mid)

    def comments(self, mid: str, page: int) -> Json:
        """Return hotflow `data` for one comment page of a post: 10 comments and the next max_id."""
        origin = self._origins.get(mid)
        # A mid this run did not produce still gets comments, dated after a post two days old.
        post_time = (
            self._created_at(origin.keyword, origin.page, origin.slot) if origin else self.anchor - timedelta(days=2)
        )
        sample = load_json("weibo", HOTFLOW)["data"]
        data = dict(sample)
        data["data"] = [
            vary_comment(raw, seed=self.seed, mid=mid, page=page, slot=i, post_time=post_time, now=self.anchor)
            for i, raw in enumerate(sample["data"])
        ]
        data["total_number"] = 20 + stable_int(self.seed, "total", mid) % sample["total_number"]
        data["max_id"] = self._max_id(mid, page + 1) if page < HOTFLOW_PAGES else 0
        data["max"] = HOTFLOW_PAGES
        data["max_id_type"] = 0
        return data

    def hotflow_page(self, mid: str, max_id: str | None) -> int | None:
        """Return the comment page a max_id stands for: 1 without one, None for one never given out."""
        if max_id in (None, "", "0"):
            return 1
        for page in range(2, HOTFLOW_PAGES + 1):
            if mid.isdigit() and max_id == str(self._max_id(mid, page)):
                return page
        return None

    def _max_id(self, mid: str, page: int) -> int:
        return int(derive_digits(str(load_json("weibo", HOTFLOW)["data"]["max_id"]), self.seed, mid, page))

    def _card(self, keyword: str, page: int, slot: int, containerid: str) -> Json:
        raw_card = _timeline_cards()[self._sample_index(keyword, page, slot)]
        listed, _ = self._mblog(keyword, page, slot)
        lfid = quote(containerid, safe="")
        return {
            "card_type": 9,
            "itemid": f"{containerid}_-_{listed['id']}",
            "scheme": f"https://{HOST}/status/{listed['bid']}?mblogid={listed['bid']}&luicode=10000011&lfid={lfid}",
            "mblog": listed,
            "show_type": raw_card.get("show_type", 0),
        }

    def _mblog(self, keyword: str, page: int, slot: int) -> tuple[Json, Json]:
        """Return (list version, full version) of the post in a search slot; remember its mid."""
        cards = _timeline_cards()
        index = self._sample_index(keyword, page, slot)
        created_at = self._created_at(keyword, page, slot)
        raw = cards[index]["mblog"]
        mblog = vary_mblog(raw, seed=self.seed, keyword=keyword, page=page, slot=slot, created_at=created_at)
        if keyword.startswith(TIMELINE_KEY):  # a timeline's posts are all by its owner
            mblog["user"] = copy.deepcopy(real_user(int(keyword.removeprefix(TIMELINE_KEY))) or mblog["user"])
        self._remember(mblog["id"], Origin(keyword, page, slot))
        # One post per page is long, so the crawler's full-text fetch is exercised every page.
        if slot == stable_int(self.seed, "long", keyword, page) % 10:
            return make_long(mblog, cards[(index + 1) % len(cards)]["mblog"]["text"])
        return mblog, mblog

    def _sample_index(self, keyword: str, page: int, slot: int) -> int:
        shift = stable_int(self.seed, "rotate", keyword, page) % 10
        return (shift + (slot if slot < 10 else 3 + 4 * (slot - 10))) % 10

    def _created_at(self, keyword: str, page: int, slot: int) -> datetime:
        """Newest first across the whole keyword: page 1 slot order, group posts after GROUP_AT."""
        if page == 1:
            if slot in GROUP_SLOTS:
                position = GROUP_AT + GROUP_SLOTS.index(slot)
            else:
                position = slot if slot < GROUP_AT else slot + len(GROUP_SLOTS)
        else:
            position = 10 + len(GROUP_SLOTS) + (page - 2) * 10 + slot
        # The jitter stays below one step, so times strictly decrease with position.
        jitter = stable_int(self.seed, "jitter", keyword, position) % STEP_SECONDS
        return self.anchor - timedelta(seconds=position * STEP_SECONDS + jitter)

    def _remember(self, mid: str, origin: Origin) -> None:
        self._origins[mid] = origin
        self._origins.move_to_end(mid)
        if len(self._origins) > MAX_REMEMBERED:
            self._origins.popitem(last=False)


def real_user(uid: int) -> Json | None:
    """Return the real user object with this uid from any Weibo sample, unvaried."""
    return _users().get(uid)


@cache
def _timeline_cards() -> list[Json]:
    return [card for card in load_json("weibo", TIMELINE)["data"]["cards"] if card.get("card_type") == 9]


@cache
def _sample_mblogs() -> dict[str, Json]:
    """Real posts by id (retweeted ones included), served unvaried by the detail page."""
    found: dict[str, Json] = {}
    for card in _timeline_cards():
        for mblog in (card["mblog"], card["mblog"].get("retweeted_status")):
            if isinstance(mblog, dict):
                found.setdefault(str(mblog["id"]), mblog)
    return found


@cache
def _users() -> dict[int, Json]:
    """Every real user object in the Weibo samples, by uid; the first one seen wins."""
    users: dict[int, Json] = {}
    for name in (TIMELINE, HOTFLOW, "comments_show-1.json"):
        for node in walk_dicts(load_json("weibo", name)):
            if isinstance(node.get("id"), int) and "screen_name" in node and "profile_url" in node:
                users.setdefault(node["id"], node)
    return users
