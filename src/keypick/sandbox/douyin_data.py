"""The data behind the www.douyin.com replay: search cards, comments, replies and users, from real samples.

What is real and what is reshaped (no capture of the web search exists, SOURCES.md):
- Search cards are the 8 real `type: 1` aweme cards of the **App** general search capture
  (`app_general_search-1.json`, same family and same `data[].aweme_info` objects as the web
  `/aweme/v1/web/general/search/single/`), varied per (keyword, position): a new 19-digit
  aweme_id everywhere it appears in the card (statistics, share URLs), scaled counts,
  `create_time` anchored newest first, and the keyword appended to `desc` as a `#tag` with its
  `text_extra` span. Page 1 also carries the real `type: 6` related-search card.
- The envelope keeps the capture's top-level keys (SOURCES.md: the same as the web one);
  `data`, `has_more`, `cursor`, `extra.logid`/`extra.now` and `log_pb.impr_id` are set per page.
- One page-1 card is wrapped as a mix (合集) card, `aweme_mix_info.mix_items[0]`: that shape is
  built from the platforms.md §2.1 field path only (no capture).
- Comments are the 10 real comments of `comment_list-1.json`, varied per (post, page, slot).
- Replies (/comment/list/reply/, no capture; platforms.md: "same shape") are real comment objects
  re-identified as level-2 replies of their root (`reply_id` = root cid).
- Profiles (/user/profile/other/, no capture) serve the real user objects of the samples as `user`.
- A user's posts (/aweme/post/, no capture; platforms.md: `aweme_list[]` of aweme objects) are the same
  varied awemes of the search cards with that real user as `author` and no keyword tag, newest first;
  `max_cursor` is the last one's create_time in ms, as the web list pages by time.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from keypick.sandbox.samples import load_json
from keypick.sandbox.vary import derive_digits, scale_count, stable_fraction, stable_int

HOST = "www.douyin.com"
SEARCH = "app_general_search-1.json"
COMMENTS = "comment_list-1.json"
#: Search results per `pages` unit: a keyword has pages × 10 results.
RESULTS_PER_PAGE = 10
COMMENT_PAGES = 3
STEP_SECONDS = 90 * 60  # 50 posts span about 3 days: the 1-day filter keeps the first 16
RELATED_AT = 8  # where the capture has its related-search card: after the 8th aweme
MIX_SLOT = 5  # the page-1 position served as a mix card
MAX_REMEMBERED = 200_000
CREATOR_KEY = "user:"  # the "keyword" of a user's own posts
_STAT_KEYS = ("digg_count", "comment_count", "share_count", "collect_count", "download_count", "recommend_count")
Json = dict[str, Any]


@dataclass(frozen=True)
class Root:
    """Where a generated root comment came from: enough to build its replies."""

    aweme_id: str
    slot: int
    created: int


class DouyinData:
    """Deterministic Douyin awemes, comments and replies for one sandbox (seed, anchor time)."""

    def __init__(self, *, seed: str, anchor: datetime) -> None:
        self.seed = seed
        self.anchor = anchor
        self._keywords: OrderedDict[str, tuple[str, int]] = OrderedDict()
        self._roots: OrderedDict[str, Root] = OrderedDict()

    def keyword_of(self, aweme_id: str) -> str | None:
        """Return the keyword whose search produced `aweme_id`, if this run produced it."""
        origin = self._keywords.get(aweme_id)
        return origin[0] if origin else None

    def total(self, keyword: str, pages: int, publish_days: int) -> int:
        """Return how many results the keyword has: pages × 10, fewer inside a publish_time window."""
        total = pages * RESULTS_PER_PAGE
        if publish_days <= 0:
            return total
        window = publish_days * 86400
        return sum(1 for p in range(total) if self.created_at(keyword, p) >= self.anchor - timedelta(seconds=window))

    def search_cards(self, keyword: str, offset: int, count: int, total: int) -> list[Json]:
        """Return the data[] of one page: awemes at positions offset.., plus the real card types of page 1."""
        cards = [self._card(keyword, p) for p in range(offset, min(offset + count, total))]
        if offset == 0 and len(cards) > RELATED_AT:
            cards.insert(RELATED_AT, copy.deepcopy(_related_card()))
        return cards

    def logid(self, keyword: str, offset: int) -> str:
        """Return the page's logid (the next page's search_id): a timestamp and 20 hex digits, as Douyin's."""
        digest = hashlib.sha256(f"{self.seed}\x1f{keyword}\x1f{offset}".encode()).hexdigest()[:20].upper()
        return f"{self.anchor:%Y%m%d%H%M%S}{digest}"

    def created_at(self, keyword: str, position: int) -> datetime:
        """Newest first across a keyword's results; the jitter stays below one step."""
        jitter = stable_int(self.seed, "jitter", keyword, position) % STEP_SECONDS
        return self.anchor - timedelta(seconds=position * STEP_SECONDS + jitter)

    def comments(self, aweme_id: str, cursor: int, count: int) -> list[Json]:
        """Return the root comments of one page (10 per page, fewer if `count` asks fewer)."""
        page = cursor // len(_comments())
        origin = self._keywords.get(aweme_id)
        posted = self.created_at(*origin) if origin else self.anchor - timedelta(days=2)
        out = []
        for slot, raw in enumerate(_comments()[: max(0, count)]):
            comment = _revise(raw, seed=self.seed, aweme_id=aweme_id, cid=str(raw["cid"]), key=(page, slot))
            comment["create_time"] = self._between(posted, comment["cid"])
            comment["digg_count"] = scale_count(raw["digg_count"], 0.5 + stable_fraction(self.seed, comment["cid"]))
            self._remember(self._roots, comment["cid"], Root(aweme_id, slot, comment["create_time"]))
            out.append(comment)
        return out

    def replies(self, comment_id: str, cursor: int, count: int) -> tuple[list[Json], int]:
        """Return (replies from `cursor`, how many the root has); none for a root this run did not serve."""
        root = self._roots.get(comment_id)
        if root is None:
            return [], 0
        samples = _comments()
        total = int(samples[root.slot].get("reply_comment_total") or 0)
        out = []
        for i in range(cursor, min(cursor + max(0, count), total)):
            raw = samples[(root.slot + 1 + i) % len(samples)]
            reply = _revise(raw, seed=self.seed, aweme_id=root.aweme_id, cid=str(raw["cid"]), key=(comment_id, i))
            posted = datetime.fromtimestamp(root.created, tz=self.anchor.tzinfo)
            reply.update(
                reply_id=comment_id, level=2, reply_comment_total=0, create_time=self._between(posted, (comment_id, i))
            )
            out.append(reply)
        return out, total

    def posts_start(self, sec_uid: str, max_cursor: int, total: int) -> int:
        """Return the position of a user's first post older than max_cursor (ms; 0: the newest, position 0)."""
        key = f"{CREATOR_KEY}{sec_uid}"
        older = (p for p in range(total) if int(self.created_at(key, p).timestamp() * 1000) < max_cursor)
        return next(older, total) if max_cursor else 0

    def user_posts(self, sec_uid: str, max_cursor: int, count: int, total: int) -> tuple[list[Json], bool]:
        """Return a user's awemes older than max_cursor, newest first, and whether more follow."""
        start = self.posts_start(sec_uid, max_cursor, total)
        positions = range(start, min(start + max(0, count), total))
        awemes = [self._card(f"{CREATOR_KEY}{sec_uid}", p)["aweme_info"] for p in positions]
        return awemes, start + len(awemes) < total

    def _between(self, start: datetime, salt: object) -> int:
        span = max((self.anchor - start).total_seconds(), 0.0)
        return int((start + timedelta(seconds=span * stable_fraction(self.seed, "ctime", salt))).timestamp())

    def _card(self, keyword: str, position: int) -> Json:
        cards = _aweme_cards()
        raw = cards[(stable_int(self.seed, "rotate", keyword) + position) % len(cards)]
        old_id = str(raw["aweme_info"]["aweme_id"])
        new_id = derive_digits(old_id, self.seed, "aweme", keyword, position)
        # One textual replace re-identifies the aweme everywhere (statistics, share URLs, card ids).
        card: Json = json.loads(json.dumps(raw, ensure_ascii=False).replace(old_id, new_id))
        aweme = card["aweme_info"]
        aweme["create_time"] = int(self.created_at(keyword, position).timestamp())
        factor = 0.5 + stable_fraction(self.seed, "counts", new_id)
        stats = aweme["statistics"]
        for key in _STAT_KEYS:
            stats[key] = scale_count(stats.get(key), factor)
        owner = real_user(keyword.removeprefix(CREATOR_KEY)) if keyword.startswith(CREATOR_KEY) else None
        if owner is not None:  # a user's own post: that user is the author, and there is no keyword to tag
            aweme["author"] = copy.deepcopy(owner)
            if str(owner.get("uid", "")).isdigit():
                aweme["author_user_id"] = int(owner["uid"])
        else:
            tag = keyword.replace(" ", "")
            start = len(aweme["desc"]) + 1
            aweme["desc"] = f"{aweme['desc']} #{tag}"
            extra = {"hashtag_name": tag, "type": 1, "start": start, "end": start + len(tag) + 1, "is_commerce": False}
            aweme["text_extra"] = [*(aweme.get("text_extra") or []), extra]
        self._remember(self._keywords, new_id, (keyword, position))
        if position == MIX_SLOT and owner is None:
            card.pop("aweme_info")
            card["aweme_mix_info"] = {"mix_items": [aweme]}
        return card

    @staticmethod
    def _remember(store: OrderedDict[str, Any], key: str, value: Any) -> None:
        store[key] = value
        store.move_to_end(key)
        if len(store) > MAX_REMEMBERED:
            store.popitem(last=False)


def _revise(raw: Json, *, seed: str, aweme_id: str, cid: str, key: tuple[object, ...]) -> Json:
    """Return a copy of a real comment with a new cid (same shape) under `aweme_id`."""
    comment = copy.deepcopy(raw)
    comment["cid"] = derive_digits(cid, seed, "comment", aweme_id, *key)
    comment["aweme_id"] = aweme_id
    return comment


def real_user(sec_uid: str) -> Json | None:
    """Return the real user object with this sec_uid from the Douyin samples, unvaried."""
    return _users().get(sec_uid)


@cache
def _aweme_cards() -> list[Json]:
    return [card for card in load_json("douyin", SEARCH)["data"] if isinstance(card.get("aweme_info"), dict)]


@cache
def _related_card() -> Json:
    return next(card for card in load_json("douyin", SEARCH)["data"] if card.get("type") == 6)


@cache
def _comments() -> list[Json]:
    comments: list[Json] = load_json("douyin", COMMENTS)["comments"]
    return comments


@cache
def _users() -> dict[str, Json]:
    users: dict[str, Json] = {}
    for card in _aweme_cards():
        users.setdefault(card["aweme_info"]["author"]["sec_uid"], card["aweme_info"]["author"])
    for comment in _comments():
        users.setdefault(comment["user"]["sec_uid"], comment["user"])
    return users
