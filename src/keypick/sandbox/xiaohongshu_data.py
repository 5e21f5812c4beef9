"""The data behind the Xiaohongshu replay: notes per search slot, note details, comments, replies, profiles.

Search items are the 10 real note items of xhs/search_notes-1/2 (plus the real rec_query item on
page 1), varied per keyword and page: new ObjectId-shaped ids (8 hex seconds of the note time,
as real note and comment ids are), a new xsec_token per note, scaled counts, the keyword woven
into display_title, newest first one hour apart ending at the anchor. Every card gets a
`corner_tag_info` publish_time text in the forms the web shows ("N小时前", "昨天 HH:MM",
"N天前", "MM-DD", "YYYY-MM-DD"; only "05-15" is in a capture). Details are the real feed
note_cards (video: feed-1, image: feed-2) carrying the card's id, user, counts and time, the
keyword as a topic. Comments vary comment_page-1/2 (3 pages), replies sub_comment_page-1/2.
No creator profile was captured: profiles are built from the sample users and the platforms.md
§1.3 field list (basicInfo, interactions, tags), with placeholder bios. A real sample user's own
notes (user_posted, "keyword" `user:{user_id}`) are the same varied search items with that user as
their author and no keyword in the title. No HTTP here.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, lru_cache
from typing import Any

from keypick.sandbox.samples import load_json, walk_dicts
from keypick.sandbox.vary import stable_fraction, stable_int

Json = dict[str, Any]
STEP_SECONDS = 3600  # 20 notes a page span 20 hours: a 1-day window stops on page 2
COMMENT_PAGES = 3
MAX_REMEMBERED = 200_000
_TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_SUB_PAGES = ("sub_comment_page-1.json", "sub_comment_page-2.json")
CREATOR_KEY = "user:"  # the "keyword" of a user's own notes


@dataclass(frozen=True)
class Origin:
    """Where a generated note or root comment came from; enough to regenerate it."""

    keyword: str
    page: int
    slot: int
    note_id: str = ""


def object_id(moment: datetime, *parts: object) -> str:
    """Return a 24-hex id shaped like the real ones: 8 hex seconds, 8 zeros, 8 hex from the parts."""
    return f"{int(moment.timestamp()):08x}00000000{stable_int(*parts) % 16**8:08x}"


def display_time(moment: datetime, now: datetime) -> str:
    """Return the card date text the web shows for `moment` seen at `now` (China time)."""
    age = now - moment
    if age < timedelta(hours=1):
        return f"{max(1, int(age.total_seconds() // 60))}分钟前"
    if age < timedelta(hours=24):
        return f"{int(age.total_seconds() // 3600)}小时前"
    days = (now.date() - moment.date()).days  # calendar days, as "昨天" counts them
    if days == 1:
        return f"昨天 {moment:%H:%M}"
    if days < 7:
        return f"{days}天前"
    return f"{moment:%m-%d}" if moment.year == now.year else f"{moment:%Y-%m-%d}"


def _count(value: Any, factor: float) -> Any:
    # Counts are strings in every capture; scaled, they stay strings.
    return str(max(0, round(int(value) * factor))) if isinstance(value, str) and value.isdigit() else value


class XhsData:
    """Deterministic notes, details, comments and profiles for one sandbox (seed, anchor time)."""

    def __init__(self, *, seed: str, anchor: datetime) -> None:
        self.seed = seed
        self.anchor = anchor
        self._notes: OrderedDict[str, Origin] = OrderedDict()
        self._roots: OrderedDict[str, Origin] = OrderedDict()

    def keyword_of(self, note_id: str) -> str | None:
        """Return the keyword whose search produced the note, if this run produced it."""
        origin = self._notes.get(note_id)
        return origin.keyword if origin else None

    def token_of(self, note_id: str) -> str:
        """Return the xsec_token issued with a note (the feed and comment calls must bring it back)."""
        number = stable_int(self.seed, "xsec", note_id)
        return "AB" + "".join(_TOKEN_CHARS[(number >> (6 * i)) % 64] for i in range(43)) + "="

    def search_items(self, keyword: str, page: int, size: int) -> list[Json]:
        """Return one page of search items: `size` notes, plus the real rec_query item on page 1."""
        items = [self._item(keyword, page, slot) for slot in range(size)]
        if page == 1:
            rec = copy.deepcopy(_samples()["rec"])
            rec["id"] = rec["rec_query"]["word_request_id"] = f"{stable_int(self.seed, 'rec', keyword) % 10**12:x}"
            items.insert(5, rec)  # where the capture has it
        return items

    def creator_note(self, user_id: str, position: int) -> Json:
        """Return the search item of a user's `position`-th own note (newest first), the user as its author."""
        return self._item(f"{CREATOR_KEY}{user_id}", position // 20 + 1, position % 20)

    def creator_note_id(self, user_id: str, position: int) -> str:
        """Return the id creator_note(user_id, position) has, without building the note."""
        origin = Origin(f"{CREATOR_KEY}{user_id}", position // 20 + 1, position % 20)
        return object_id(self._created_at(origin), self.seed, "note", origin.keyword, origin.page, origin.slot)

    def note_card(self, note_id: str) -> Json | None:
        """Return the feed note_card of a note this run produced, else None."""
        origin = self._notes.get(note_id)
        if origin is None:
            return None
        item = self._item(origin.keyword, origin.page, origin.slot)
        listed = item["note_card"]
        kind = "feed-1.json" if listed["type"] == "video" else "feed-2.json"
        detail: Json = copy.deepcopy(load_json("xhs", kind)["data"]["items"][0]["note_card"])
        created = self._created_at(origin)
        topic = {"id": object_id(created, self.seed, "topic", origin.keyword), "name": origin.keyword, "type": "topic"}
        own, head = origin.keyword.startswith(CREATOR_KEY), listed.get("display_title") or origin.keyword
        interact = detail["interact_info"]
        factor = 0.5 + stable_fraction(self.seed, "counts", note_id)
        for key in ("collected_count", "comment_count", "share_count"):
            interact[key] = _count(interact[key], factor)
        interact["liked_count"] = listed["interact_info"]["liked_count"]
        user = {k: listed["user"][k] for k in ("user_id", "nickname", "avatar")}
        # A user's own note (user_posted) has no search keyword to weave into its text and topics.
        detail |= {
            "note_id": note_id, "type": listed["type"], "title": listed.get("display_title", ""), "user": user,
            "desc": detail["desc"] if own else f"{head}\n#{origin.keyword}[话题]# {detail['desc']}",
            "tag_list": detail["tag_list"] if own else [topic, *detail["tag_list"]],
            "time": int(created.timestamp() * 1000), "last_update_time": int(created.timestamp() * 1000) + 1000,
        }  # fmt: skip
        return detail

    def comment_page(self, note_id: str, page: int) -> Json:
        """Return comment/page `data` for one page: 10 varied roots (11 on page 1) and the next cursor."""
        sample = load_json("xhs", "comment_page-1.json")["data"]
        raws = list(sample["comments"])
        if page == 1:  # the author's own comment of comment_page-2 opens the first page
            raws.insert(0, load_json("xhs", "comment_page-2.json")["data"]["comments"][0])
        comments = [self._root(note_id, page, slot, raw) for slot, raw in enumerate(raws)]
        last = page >= COMMENT_PAGES
        return {"comments": comments, "cursor": comments[-1]["id"], "has_more": not last,
                "time": int(self.anchor.timestamp() * 1000), "user_id": sample["user_id"]}  # fmt: skip

    def comment_page_of(self, note_id: str, cursor: str) -> int | None:
        """Return the comment page a cursor stands for: 1 for "", None for one never given out."""
        if not cursor:
            return 1
        for page in range(1, COMMENT_PAGES):
            if self.comment_page(note_id, page)["cursor"] == cursor:
                return page + 1
        return None

    def sub_page(self, root_id: str, cursor: str) -> Json | None:
        """Return comment/sub/page `data` for a root after `cursor`, or None for an unknown root or cursor."""
        origin = self._roots.get(root_id)
        if origin is None:
            return None
        root = self._root(origin.note_id, origin.page, origin.slot, _root_raw(origin.page, origin.slot))
        expected = root["sub_comment_cursor"]
        for index, name in enumerate(_SUB_PAGES):
            data: Json = copy.deepcopy(load_json("xhs", name)["data"])
            replies = self._replies(root, data["comments"], "sub", index)
            if cursor == expected:
                return data | {
                    "comments": replies,
                    "cursor": replies[-1]["id"],
                    "has_more": index + 1 < len(_SUB_PAGES),
                }
            expected = replies[-1]["id"]
        return None

    def profile(self, user_id: str) -> Json | None:
        """Return the `userPageData` of a sample user (platforms.md §1.3 fields; no capture), else None."""
        user = real_users().get(user_id)
        if user is None:
            return None
        number = stable_int(self.seed, "profile", user_id)
        basic = {"nickname": user["nickname"], "images": user["avatar"], "gender": number % 2,
                 "redId": str(number % 10**9), "desc": "这是一段示例个人简介。",
                 "ipLocation": ("上海", "广东", "河南", "陕西")[number % 4]}  # fmt: skip
        counts = (("follows", "关注", 2), ("fans", "粉丝", 4), ("interaction", "获赞与收藏", 5))
        interactions = [{"type": t, "name": n, "count": str(number // 10**k % 10**k)} for t, n, k in counts]
        tags = [{"tagType": "location", "name": basic["ipLocation"]}]
        return {"basicInfo": basic, "interactions": interactions, "tags": tags}

    def _item(self, keyword: str, page: int, slot: int) -> Json:
        templates = _samples()["notes"]
        shift = stable_int(self.seed, "rotate", keyword, page) % len(templates)
        raw = templates[(shift + slot) % len(templates)]
        origin = Origin(keyword, page, slot)
        created = self._created_at(origin)
        note_id = object_id(created, self.seed, "note", keyword, page, slot)
        item: Json = copy.deepcopy(raw)
        card = item["note_card"]
        item["id"], item["xsec_token"] = note_id, self.token_of(note_id)
        owner = real_users().get(keyword.removeprefix(CREATOR_KEY)) if keyword.startswith(CREATOR_KEY) else None
        if owner is not None:
            card["user"] = {"user_id": keyword.removeprefix(CREATOR_KEY), **owner, "nick_name": owner["nickname"]}
        elif "display_title" in card:  # some real items have none; their keyword is in the detail
            card["display_title"] = f"{keyword}｜{card['display_title']}"
        factor = 0.5 + stable_fraction(self.seed, "counts", note_id)
        card["interact_info"] = {k: _count(v, factor) for k, v in card.get("interact_info", {}).items()}
        card["corner_tag_info"] = [{"type": "publish_time", "text": display_time(created, self.anchor)}]
        _remember(self._notes, note_id, origin)
        return item

    def _created_at(self, origin: Origin) -> datetime:
        """Newest first across the keyword's pages; the jitter stays below a step, so times strictly fall."""
        position = (origin.page - 1) * 20 + origin.slot
        jitter = stable_int(self.seed, "jitter", origin.keyword, position) % (STEP_SECONDS - 60)
        return self.anchor - timedelta(seconds=(position + 1) * STEP_SECONDS - jitter)

    def _root(self, note_id: str, page: int, slot: int, raw: Json) -> Json:
        origin = self._notes.get(note_id)
        note_time = self._created_at(origin) if origin else self.anchor - timedelta(days=2)
        span = max((self.anchor - note_time).total_seconds(), 60.0)
        when = note_time + timedelta(seconds=int(span * stable_fraction(self.seed, "ctime", note_id, page, slot)))
        root = copy.deepcopy(raw)
        root["id"] = object_id(when, self.seed, "root", note_id, page, slot)
        root["note_id"], root["create_time"] = note_id, int(when.timestamp() * 1000)
        root["like_count"] = _count(raw["like_count"], 0.5 + stable_fraction(self.seed, "likes", root["id"]))
        root["sub_comments"] = self._replies(root, raw.get("sub_comments", []), "embedded", 0)
        root["sub_comment_cursor"] = root["sub_comments"][-1]["id"] if root["sub_comments"] else ""
        paged = sum(len(load_json("xhs", n)["data"]["comments"]) for n in _SUB_PAGES)
        more = bool(raw.get("sub_comment_has_more"))
        root["sub_comment_count"] = str(len(root["sub_comments"]) + (paged if more else 0))
        _remember(self._roots, root["id"], Origin("", page, slot, note_id))
        return root

    def _replies(self, root: Json, raws: list[Json], kind: str, index: int) -> list[Json]:
        """Vary replies under `root`; targets that pointed at the sample's root or replies are re-pointed."""
        base = datetime.fromtimestamp(root["create_time"] / 1000, tz=self.anchor.tzinfo)
        span = max((self.anchor - base).total_seconds(), 60.0)
        renamed: dict[str, str] = {}
        replies = []
        for slot, raw in enumerate(raws):
            when = base + timedelta(seconds=int(span * stable_fraction(self.seed, kind, root["id"], index, slot)))
            reply = copy.deepcopy(raw)
            reply["id"] = renamed[raw["id"]] = object_id(when, self.seed, kind, root["id"], index, slot)
            reply["note_id"], reply["create_time"] = root["note_id"], int(when.timestamp() * 1000)
            target = reply.setdefault("target_comment", {})
            if target.get("id") in renamed:
                target["id"] = renamed[target["id"]]
            else:  # the sample's own root: point at ours
                target["id"], target["user_info"] = root["id"], root["user_info"]
            replies.append(reply)
        return replies


@lru_cache(maxsize=16)
def shared_data(seed: str, anchor: datetime) -> XhsData:
    """Return the one XhsData of a (seed, anchor): the API and the www replays must know the same notes."""
    return XhsData(seed=seed, anchor=anchor)


def _remember(memory: OrderedDict[str, Origin], key: str, origin: Origin) -> None:
    memory[key] = origin
    memory.move_to_end(key)
    if len(memory) > MAX_REMEMBERED:
        memory.popitem(last=False)


def _root_raw(page: int, slot: int) -> Json:
    raws = list(load_json("xhs", "comment_page-1.json")["data"]["comments"])
    if page == 1:
        raws.insert(0, load_json("xhs", "comment_page-2.json")["data"]["comments"][0])
    return dict(raws[slot])


@cache
def _samples() -> dict[str, Any]:
    """The real search items: the note templates (search_notes-1 first) and the rec_query item."""
    items = [item for n in (1, 2) for item in load_json("xhs", f"search_notes-{n}.json")["data"]["items"]]
    return {
        "notes": [i for i in items if i["model_type"] == "note"],
        "rec": next(i for i in items if i["model_type"] == "rec_query"),
    }


@cache
def real_users() -> dict[str, Json]:
    """Every real user in the xhs samples by user_id: nickname and avatar (the first one seen wins)."""
    users: dict[str, Json] = {}
    for name in ("search_notes-1.json", "search_notes-2.json", "feed-1.json", "feed-2.json", "comment_page-1.json",
                 "comment_page-2.json", "sub_comment_page-1.json", "sub_comment_page-2.json"):  # fmt: skip
        for node in walk_dicts(load_json("xhs", name)):
            if isinstance(node.get("user_id"), str) and node.get("nickname"):
                avatar = node.get("avatar") or node.get("image")
                users.setdefault(node["user_id"], {"nickname": node["nickname"], "avatar": avatar})
    return users
