"""The data behind the api.bilibili.com replay: videos per search position, comments, users, WBI keys.

Search items are the ten real items of the 2026 capture (search_type_video-1, the shape the wbi
endpoint answers today), varied per (keyword, position): new aid/bvid, scaled counts, the keyword
in an <em class="keyword"> title prefix and in the tags, and pubdates newest first, three hours
apart, ending at the anchor. Comment roots are the 13 real replies of the three reply captures
(reply-2's keep their three real embedded replies); sub-replies are reply-2's 18 real replies.
No real capture exists of /x/web-interface/view/detail, /x/space/wbi/acc/info, /nav or
/x/v2/reply/reply: those answers are built from platforms.md §4 field lists around real values,
and the counts the search item lacks (shares, coins, fans) are derived deterministically. No HTTP here.
"""

from __future__ import annotations

import copy
import hashlib
import html
import re
from collections import OrderedDict
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from keypick.sandbox.samples import load_json
from keypick.sandbox.vary import derive_digits, scale_count, stable_fraction, stable_int

HOST = "api.bilibili.com"
SEARCH_SAMPLE = "search_type_video-1.json"
REPLY_SAMPLES = ("reply-2.json", "reply_wbi_main-1.json", "reply-1.json")
PAGE_SIZE = 20  # `pages` in the sandbox means pages of this many videos
STEP_SECONDS = 3 * 3600  # 100 videos span about 12 days: a 7-day window ends mid-crawl
COMMENT_PAGES = 3
EMBEDDED = 3  # wbi/main embeds up to three replies under each root
MAX_REMEMBERED = 200_000
UPLOADER_KEY = "mid:"  # the "keyword" of an uploader's own video list
_COUNTS = ("play", "video_review", "favorites", "review", "like", "danmaku")
_EM = re.compile(r"</?em[^>]*>")
_BV_ALPHABET = "FcwAPNKTMug3GV5Lj7EJnHpWsx4tb8haYeviqBz6rkCy12mUSDQX9RdoZf"
Json = dict[str, Any]


class BilibiliData:
    """Deterministic Bilibili videos, comments and users for one sandbox (seed, anchor, pages)."""

    def __init__(self, *, seed: str, anchor: datetime, pages: int) -> None:
        self.seed, self.anchor, self.pages = seed, anchor, pages
        self.key_generation = 0
        self._videos: OrderedDict[str, tuple[str, int]] = OrderedDict()  # aid → (keyword, position)
        self._bvids: dict[str, str] = {}  # bvid → aid
        self._roots: OrderedDict[str, tuple[str, int, int]] = OrderedDict()  # rpid → (oid, index, total)

    # -- WBI keys -------------------------------------------------------------------------------------

    def keys(self) -> tuple[str, str]:
        """Return (img_key, sub_key) of the current generation: 32 hex chars each."""
        img, sub = (
            hashlib.sha256(f"{self.seed}\x1fwbi\x1f{name}\x1f{self.key_generation}".encode()).hexdigest()[:32]
            for name in ("img", "sub")
        )
        return img, sub

    def rotate_keys(self) -> None:
        """Hand out new keys from now on; requests signed with the old ones fail with -352."""
        self.key_generation += 1

    # -- search and detail ----------------------------------------------------------------------------

    def positions(self, keyword: str, begin: int | None, end: int | None) -> list[int]:
        """Return the positions of a keyword's videos published within [begin, end], newest first."""
        times = ((pos, int(self.pubdate(keyword, pos).timestamp())) for pos in range(self.pages * PAGE_SIZE))
        return [pos for pos, t in times if (begin is None or t >= begin) and (end is None or t <= end)]

    def pubdate(self, keyword: str, pos: int) -> datetime:
        """Newest first across the keyword; the jitter stays below one step, so times strictly decrease."""
        jitter = stable_int(self.seed, "jitter", keyword, pos) % STEP_SECONDS
        return self.anchor - timedelta(seconds=pos * STEP_SECONDS + jitter)

    def video(self, keyword: str, pos: int) -> Json:
        """Return the search item at a keyword's position; remember its aid and bvid."""
        samples = _search_items()
        raw = samples[(stable_int(self.seed, "rotate", keyword) + pos) % len(samples)]
        item = copy.deepcopy(raw)
        aid = derive_digits(str(raw["aid"]), self.seed, "aid", keyword, pos)
        bvid = "BV1" + _base58(stable_int(self.seed, "bvid", aid), 9)
        pubdate = int(self.pubdate(keyword, pos).timestamp())
        factor = 0.5 + stable_fraction(self.seed, "counts", aid)
        item |= {key: scale_count(raw[key], factor) for key in _COUNTS if key in raw}
        item |= {"id": int(aid), "aid": int(aid), "bvid": bvid, "arcurl": f"http://www.bilibili.com/video/av{aid}"}
        item |= {"pubdate": pubdate, "senddate": pubdate + raw["senddate"] - raw["pubdate"]}
        item["title"] = f'<em class="keyword">{html.escape(keyword)}</em>｜{_EM.sub("", raw["title"])}'
        item["tag"] = ",".join(t for t in (keyword, raw.get("tag")) if t)
        item["rank_index"] = item["rank_offset"] = pos + 1
        if keyword.startswith(UPLOADER_KEY) and (user := real_user(keyword.removeprefix(UPLOADER_KEY))):
            item |= {"mid": int(keyword.removeprefix(UPLOADER_KEY)), "author": user["name"], "upic": user["face"]}
        self._remember(self._videos, aid, (keyword, pos))
        self._bvids[bvid] = aid
        return item

    def space_list(self, mid: str, pn: int, ps: int) -> tuple[list[Json], int]:
        """Return one page of a real uploader's videos as /arc/search vlist items (newest first), and the count."""
        key, count = f"{UPLOADER_KEY}{mid}", self.pages * PAGE_SIZE
        items = [self.video(key, pos) for pos in range((pn - 1) * ps, min(pn * ps, count))]
        return [_vlist_item(item) for item in items], count

    def aid_of(self, *, bvid: str | None = None, aid: str | None = None) -> str | None:
        """Return the aid of a video this run served (by bvid or aid), else None."""
        found = self._bvids.get(bvid or "") if bvid else aid
        return found if found in self._videos else None

    def keyword_of(self, aid: str | None) -> str | None:
        """Return the keyword whose search served this aid."""
        origin = self._videos.get(aid or "")
        return origin[0] if origin else None

    def view_detail(self, aid: str) -> Json:
        """Return /view/detail `data` (View, Card, Tags) around a served search item."""
        keyword, pos = self._videos[aid]
        item = self.video(keyword, pos)
        stat = {"aid": item["aid"], "view": item["play"], "danmaku": item["danmaku"], "reply": item["review"],
                "favorite": item["favorites"], "coin": self._derived(aid, "coin", item["like"]),
                "share": self._derived(aid, "share", item["favorites"]), "now_rank": 0, "his_rank": 0,
                "like": item["like"], "dislike": 0}  # fmt: skip
        view = {"bvid": item["bvid"], "aid": item["aid"], "videos": 1, "tid": int(item["typeid"]),
                "tname": item["typename"], "copyright": 1, "pic": "http:" + item["pic"],
                "title": html.unescape(_EM.sub("", item["title"])), "pubdate": item["pubdate"],
                "ctime": item["senddate"], "desc": html.unescape(item["description"]),
                "duration": _seconds(item["duration"]), "owner": {"mid": item["mid"], "name": item["author"],
                "face": item["upic"]}, "stat": stat, "cid": int(derive_digits(str(item["aid"]), "cid"))}  # fmt: skip
        tags = [{"tag_id": stable_int("tag", t) % 10**7, "tag_name": t} for t in item["tag"].split(",")]
        return {"View": view, "Card": self._card(item), "Tags": tags, "Related": []}

    def _card(self, item: Json) -> Json:
        mid = item["mid"]
        fans = 1000 + stable_int(self.seed, "fans", mid) % 2_000_000
        card = {"mid": str(mid), "name": item["author"], "sex": "保密", "face": item["upic"], "sign": "",
                "fans": fans, "attention": stable_int(self.seed, "attention", mid) % 500,
                "level_info": {"current_level": 6}, "official_verify": {"type": -1, "desc": ""}}  # fmt: skip
        archives = 1 + stable_int(self.seed, "archives", mid) % 900
        return {"card": card, "following": False, "archive_count": archives, "article_count": 0, "follower": fans,
                "like_num": self._derived(str(mid), "like_num", fans * 5)}  # fmt: skip

    def _derived(self, key: str, what: str, base: int) -> int:
        return round(base * (0.05 + 0.3 * stable_fraction(self.seed, what, key)))

    # -- comments -------------------------------------------------------------------------------------

    def roots(self, oid: str, page: int, size: int) -> list[Json]:
        """Return the root comments of one wbi/main page (overall index q = (page-1)*size + slot)."""
        return [self.root(oid, (page - 1) * size + slot, size * COMMENT_PAGES) for slot in range(size)]

    def root(self, oid: str, q: int, total: int) -> Json:
        """Return root comment number q (of `total`) of a video, first replies embedded; remember its rpid."""
        raw = self._root_raw(oid, q)
        root = copy.deepcopy(raw)
        rpid = derive_digits(str(raw["rpid"]), self.seed, "root", oid, q)
        span = (self.anchor - self._posted(oid)).total_seconds()
        ctime = int((self.anchor - timedelta(seconds=(q + 1) * span / (total + 1))).timestamp())
        root |= _ids(raw, rpid=rpid, oid=oid, root="0", parent=None) | {"ctime": ctime}
        root["like"] = scale_count(raw["like"], 0.5 + stable_fraction(self.seed, "likes", rpid))
        embedded = min(EMBEDDED, int(raw.get("rcount") or 0)) if raw.get("replies") else 0
        root["replies"] = [self._reply(oid, root, raw, k) for k in range(embedded)]
        self._remember(self._roots, rpid, (oid, q, total))
        return root

    def replies_page(self, rpid: str, pn: int, ps: int) -> tuple[Json, list[Json], int] | None:
        """Return (root, replies of page pn, reply count) for a root this run served, else None."""
        origin = self._roots.get(rpid)
        if origin is None:
            return None
        oid, q, total = origin
        raw, root = self._root_raw(oid, q), self.root(oid, q, total)
        count = int(raw.get("rcount") or 0)
        return root, [self._reply(oid, root, raw, k) for k in range((pn - 1) * ps, min(pn * ps, count))], count

    def _root_raw(self, oid: str, q: int) -> Json:
        pool = _root_pool()
        return pool[(stable_int(self.seed, "roots", oid) + q) % len(pool)]

    def _reply(self, oid: str, root: Json, source: Json, k: int) -> Json:
        """Reply k under a root; a real reply to another reply answers reply k-1 here."""
        raw = self._reply_raw(root, source, k)
        rpid = self._reply_id(root, source, k)
        parent = self._reply_id(root, source, k - 1) if k > 0 and str(raw["parent"]) != str(raw["root"]) else None
        span = self.anchor.timestamp() - root["ctime"]
        reply = copy.deepcopy(raw) | _ids(raw, rpid=rpid, oid=oid, root=str(root["rpid"]), parent=parent)
        reply["ctime"] = int(root["ctime"] + 1 + k * span / (int(source.get("rcount") or 0) + 1))
        return reply

    def _reply_raw(self, root: Json, source: Json, k: int) -> Json:
        # The source root's own real replies first (so the embedded ones are real), then reply-2's others.
        own, pool = source.get("replies") or [], _reply_pool()
        raw: Json = own[k] if k < len(own) else pool[(stable_int(self.seed, "replies", root["rpid"]) + k) % len(pool)]
        return raw

    def _reply_id(self, root: Json, source: Json, k: int) -> str:
        return derive_digits(str(self._reply_raw(root, source, k)["rpid"]), self.seed, "reply", root["rpid"], k)

    def upper_mid(self, oid: str) -> int:
        """Return the uploader's mid of a served video (0 when unknown)."""
        origin = self._videos.get(oid)
        return int(self.video(*origin)["mid"]) if origin else 0

    def _posted(self, oid: str) -> datetime:
        origin = self._videos.get(oid)
        return self.pubdate(*origin) if origin else self.anchor - timedelta(days=2)

    @staticmethod
    def _remember(store: OrderedDict[str, Any], key: str, value: Any) -> None:
        store[key] = value
        store.move_to_end(key)
        if len(store) > MAX_REMEMBERED:
            store.popitem(last=False)


def _ids(raw: Json, *, rpid: str, oid: str, root: str, parent: str | None) -> Json:
    """The id fields of a varied reply, as the int/str pairs the real shape carries."""
    parent = parent or root
    # dialog: the thread inside a root; a direct reply to the root starts its own.
    dialog = "0" if root == "0" else (parent if parent != root else rpid)
    ids: Json = {"rpid": int(rpid), "rpid_str": rpid, "oid": int(oid), "root": int(root), "root_str": root,
                 "parent": int(parent), "parent_str": parent, "dialog": int(dialog)}  # fmt: skip
    if "oid_str" in raw:
        ids["oid_str"] = oid
    if "dialog_str" in raw:
        ids["dialog_str"] = dialog
    return ids


def real_user(mid: str) -> Json | None:
    """Return what the real samples say about a user (search author or reply member), else None."""
    return _users().get(mid)


def _vlist_item(item: Json) -> Json:
    """The same video under the uploader list's names (platforms.md §4.1; no capture of this list exists)."""
    return {"aid": item["aid"], "bvid": item["bvid"], "title": html.unescape(_EM.sub("", item["title"])),
            "description": item["description"], "created": item["pubdate"], "length": item["duration"],
            "play": item["play"], "comment": item["review"], "video_review": item["video_review"],
            "pic": item["pic"], "author": item["author"], "mid": item["mid"], "typeid": int(item["typeid"]),
            "copyright": "1", "is_union_video": 0}  # fmt: skip


def _seconds(duration: str) -> int:
    minutes, _, seconds = duration.rpartition(":")
    return int(minutes or 0) * 60 + int(seconds)


def _base58(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, rest = divmod(number, len(_BV_ALPHABET))
        chars.append(_BV_ALPHABET[rest])
    return "".join(chars)


@cache
def _search_items() -> list[Json]:
    return list(load_json("bilibili", SEARCH_SAMPLE)["data"]["result"])


@cache
def _root_pool() -> list[Json]:
    return [r for name in REPLY_SAMPLES for r in load_json("bilibili", name)["data"]["replies"]]


@cache
def _reply_pool() -> list[Json]:
    return [reply for root in load_json("bilibili", REPLY_SAMPLES[0])["data"]["replies"] for reply in root["replies"]]


@cache
def _users() -> dict[str, Json]:
    """Real users by mid: search authors (name, face) and reply members (name, sex, sign, face, level)."""
    users: dict[str, Json] = {}
    for item in _search_items():
        users.setdefault(str(item["mid"]), {"name": item["author"], "face": item["upic"], "sex": "保密", "sign": ""})
    for root in _root_pool():
        for reply in (root, *(root.get("replies") or [])):
            member = reply["member"]
            level = member.get("level_info", {}).get("current_level", 0)
            user = {"name": member["uname"], "face": member["avatar"], "sex": member["sex"], "sign": member["sign"]}
            users.setdefault(str(member["mid"]), user | {"level": level})
    return users
