"""The data behind the www.kuaishou.com replay, RESHAPED FROM REAL DOUYIN SAMPLES.

There is no real Kuaishou capture (samples/SOURCES.md). The objects here have the
Kuaishou shapes of platforms.md §3.1/§3.3, but every value comes from a real item:
- Search feeds: the 8 real aweme cards of `douyin/app_general_search-1.json` → `{type, author
  {id, name, headerUrl}, photo {id, caption, likeCount, realLikeCount, coverUrl, photoUrl,
  timestamp (ms), duration}, tags[{type, name}]}`: caption = `#keyword ` + the real desc,
  realLikeCount = digg_count scaled, likeCount its "1.2万" display form, tags = the real
  text_extra hashtags, author = the real (anonymised) author. `viewCount` is left out: the
  capture hides play_count (0), and inventing a number would be fake data. Page 1 also
  carries the real `type: 6` related-search card (no photo: a card the parser must skip).
- Ids: photo and user ids are made in the "3x…" form of public short-video URLs (an
  assumption), derived from (seed, keyword, page, slot) and from the real uid.
- One card per page comes without `timestamp` (a sandbox choice, no capture shows it), so the
  adapter's visionVideoDetail fallback runs on every page.
- Comments (V2, snake_case): the 10 real comments of `douyin/comment_list-1.json` per page,
  `commentCount`/`hasSubComments` from their real reply_comment_total; replies reuse the texts
  and authors of the other real comments (the capture has no replies).
- Profiles: the real author objects (fan/follow/photo counts, gender 1/2 → M/F, signature).
- A user's own videos (profile feed): the same real cards, cycled, each with that user as author and the
  real desc as caption (no keyword tag); one opaque pcursor per page, like the comment cursors.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from keypick.sandbox.samples import load_json
from keypick.sandbox.vary import derive_digits, scale_count, stable_fraction, stable_int

HOST = "www.kuaishou.com"
SEARCH = "app_general_search-1.json"
COMMENTS = "comment_list-1.json"
FEEDS_PER_PAGE = 20
COMMENT_PAGES = 3
REPLIES_PER_PAGE = 10
STEP_SECONDS = 45 * 60  # 100 videos span about 3 days
MAX_REMEMBERED = 200_000
PROFILE_KEY = "user:"  # the Origin "keyword" of a user's own videos
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_GENDERS = {1: "M", 2: "F"}  # douyin's 1/2; Kuaishou writes "M"/"F" (platforms.md §3.3: "F" = female)
Json = dict[str, Any]


@dataclass(frozen=True)
class Origin:
    """The search slot a generated video came from; enough to regenerate it."""

    keyword: str
    page: int
    slot: int


def ks_id(*parts: object) -> str:
    """Return a Kuaishou-style id ("3x" + 13 base36 chars) derived from the parts."""
    number, chars = stable_int("ks-id", *parts), []
    for _ in range(13):
        number, rest = divmod(number, 36)
        chars.append(_BASE36[rest])
    return "3x" + "".join(chars)


def display_count(value: int) -> str:
    """Return a count as the site displays it: 9999, "1.2万", "3.4亿"."""
    for unit, size in (("亿", 100_000_000), ("万", 10_000)):
        if value >= size:
            text = f"{Decimal(value) / size:.1f}".removesuffix(".0")
            return f"{text}{unit}"
    return str(value)


class KuaishouData:
    """Deterministic Kuaishou feeds, comments and profiles for one sandbox (seed, anchor time)."""

    def __init__(self, *, seed: str, anchor: datetime) -> None:
        self.seed = seed
        self.anchor = anchor
        self._origins: OrderedDict[str, Origin] = OrderedDict()

    def keyword_of(self, photo_id: str) -> str | None:
        """Return the keyword whose search produced `photo_id`, if this run produced it."""
        origin = self._origins.get(photo_id)
        return origin.keyword if origin else None

    def session_id(self, keyword: str) -> str:
        """Return the searchSessionId given out for a keyword (carried by its later pages)."""
        return f"MTRfc2Vzc2lvbl8{stable_int(self.seed, 'session', keyword) % 16**24:024x}"

    def feeds(self, keyword: str, page: int) -> list[Json]:
        """Return the feeds of one search page: 20 videos, plus on page 1 the related-search card."""
        items = [self._feed(keyword, page, slot) for slot in range(FEEDS_PER_PAGE)]
        if page == 1:
            related = next(card for card in _search_cards() if card.get("type") != 1)
            items.insert(3, {"type": related["type"], "relatedWords": _related_words(related)})
        return items

    def profile_feeds(self, user_id: str, page: int) -> list[Json]:
        """Return one page of a real user's own videos (profile feed): 20, newest first, all by that user."""
        return [self._feed(f"{PROFILE_KEY}{user_id}", page, slot) for slot in range(FEEDS_PER_PAGE)]

    def profile_cursor(self, user_id: str, page: int) -> str:
        """Return the opaque pcursor that leads to a page of a user's videos."""
        return self._token("profile", user_id, page)

    def detail(self, photo_id: str) -> Json | None:
        """Return the full visionVideoDetail object of a video this run produced, else None."""
        origin = self._origins.get(photo_id)
        if origin is None:
            return None
        return {"status": 1, **self._video(origin.keyword, origin.page, origin.slot)}

    def _feed(self, keyword: str, page: int, slot: int) -> Json:
        video = self._video(keyword, page, slot)
        self._remember(video["photo"]["id"], Origin(keyword, page, slot))
        if slot == stable_int(self.seed, "bare", keyword, page) % FEEDS_PER_PAGE:
            video["photo"].pop("timestamp")
        return video

    def _video(self, keyword: str, page: int, slot: int) -> Json:
        cards = [card for card in _search_cards() if card.get("type") == 1]
        shift = stable_int(self.seed, "rotate", keyword, page) % len(cards)
        aweme = cards[(shift + slot) % len(cards)]["aweme_info"]
        owner = _users().get(keyword.removeprefix(PROFILE_KEY)) if keyword.startswith(PROFILE_KEY) else None
        photo_id = ks_id(self.seed, "photo", keyword, page, slot)
        likes = scale_count(aweme["statistics"]["digg_count"], 0.5 + stable_fraction(self.seed, "likes", photo_id))
        video = aweme["video"]
        photo: Json = {
            "id": photo_id,
            "caption": aweme["desc"] if owner else f"#{keyword} {aweme['desc']}",
            "likeCount": display_count(likes),
            "realLikeCount": likes,
            "coverUrl": video["cover"]["url_list"][0],
            "timestamp": int(self._published(keyword, page, slot).timestamp() * 1000),
            "duration": video.get("duration") or 0,
        }
        if aweme.get("aweme_type") == 0:  # image posts (68) carry music, not a video, in play_addr
            photo["photoUrl"] = video["play_addr"]["url_list"][0]
        hashtags = [t["hashtag_name"] for t in aweme.get("text_extra") or [] if t.get("hashtag_name")]
        return {
            "type": 1,
            "author": _author(owner or aweme["author"]),
            "photo": photo,
            "tags": [{"type": 1, "name": name} for name in hashtags],
        }

    def _published(self, keyword: str, page: int, slot: int) -> datetime:
        """Newest first across the whole keyword; the jitter stays below one step."""
        position = (page - 1) * FEEDS_PER_PAGE + slot
        jitter = stable_int(self.seed, "jitter", keyword, position) % STEP_SECONDS
        return self.anchor - timedelta(seconds=position * STEP_SECONDS + jitter)

    def _remember(self, photo_id: str, origin: Origin) -> None:
        self._origins[photo_id] = origin
        self._origins.move_to_end(photo_id)
        if len(self._origins) > MAX_REMEMBERED:
            self._origins.popitem(last=False)

    # Comments ---------------------------------------------------------------------------------

    def comment_page(self, photo_id: str, pcursor: str) -> int | None:
        """Return the root page a pcursor stands for: 1 for "", None for one never given out."""
        if pcursor == "":
            return 1
        pages = range(2, COMMENT_PAGES + 1)
        return next((p for p in pages if pcursor == self._token("roots", photo_id, p)), None)

    def comments(self, photo_id: str, page: int) -> Json:
        """Return one comment/list answer body (without `result`): 10 roots and the next pcursorV2."""
        roots = self._roots(photo_id, page)
        pages = range(1, COMMENT_PAGES + 1)
        total = sum(1 + r["commentCount"] for p in pages for r in (roots if p == page else self._roots(photo_id, p)))
        nxt = self._token("roots", photo_id, page + 1) if page < COMMENT_PAGES else "no_more"
        return {"rootCommentsV2": roots, "pcursorV2": nxt, "commentCountV2": total}

    def root(self, photo_id: str, root_id: int) -> Json | None:
        """Return the root comment with this id under a video, if the replay gives it out."""
        for page in range(1, COMMENT_PAGES + 1):
            for root in self._roots(photo_id, page):
                if root["comment_id"] == root_id:
                    return root
        return None

    def _roots(self, photo_id: str, page: int) -> list[Json]:
        return [self._root(photo_id, page, slot) for slot in range(len(_comments()))]

    def replies(self, photo_id: str, root: Json, pcursor: str) -> Json | None:
        """Return one sublist answer body for a root, or None for a pcursor never given out."""
        count = int(root["commentCount"])
        pages = max(1, -(-count // REPLIES_PER_PAGE))
        page = 1 if pcursor == "" else next(
            (p for p in range(2, pages + 1) if pcursor == self._token("replies", root["comment_id"], p)), None
        )  # fmt: skip
        if page is None:
            return None
        start = (page - 1) * REPLIES_PER_PAGE
        items = [self._reply(root, i) for i in range(start, min(count, start + REPLIES_PER_PAGE))]
        nxt = self._token("replies", root["comment_id"], page + 1) if page < pages else "no_more"
        return {"subCommentsV2": items, "pcursorV2": nxt}

    def _root(self, photo_id: str, page: int, slot: int) -> Json:
        raw = _comments()[(slot + stable_int(self.seed, "crotate", photo_id, page)) % len(_comments())]
        cid = int(derive_digits(raw["cid"], self.seed, "comment", photo_id, page, slot))
        total = int(raw.get("reply_comment_total") or 0)
        return {
            **self._comment_fields(raw, cid, self._posted(photo_id), photo_id),
            "commentCount": total,
            "hasSubComments": total > 0,
        }

    def _reply(self, root: Json, index: int) -> Json:
        raw = _comments()[(index + 1 + stable_int(self.seed, "rrotate", root["comment_id"])) % len(_comments())]
        cid = int(derive_digits(raw["cid"], self.seed, "reply", root["comment_id"], index))
        since = datetime.fromtimestamp(root["timestamp"] / 1000, tz=self.anchor.tzinfo)
        return self._comment_fields(raw, cid, since, root["comment_id"])

    def _comment_fields(self, raw: Json, cid: int, since: datetime, salt: object) -> Json:
        span = max((self.anchor - since).total_seconds(), 0.0)
        when = since + timedelta(seconds=int(span * stable_fraction(self.seed, "ctime", cid, salt)))
        user = raw["user"]
        return {
            "comment_id": cid,
            "author_id": ks_id("user", user["uid"]),
            "author_name": user["nickname"],
            "headurl": user["avatar_thumb"]["url_list"][0],
            "content": raw["text"],
            "timestamp": int(when.timestamp() * 1000),
        }

    def _posted(self, photo_id: str) -> datetime:
        origin = self._origins.get(photo_id)
        if origin is None:  # a video this run did not produce: comments after a two-day-old post
            return self.anchor - timedelta(days=2)
        return self._published(origin.keyword, origin.page, origin.slot)

    def _token(self, kind: str, owner: object, page: int) -> str:
        return derive_digits(str(load_json("douyin", COMMENTS)["cursor"]) + "0" * 14, self.seed, kind, owner, page)


def profile(user_id: str) -> Json | None:
    """Return the visionProfile `userProfile` of a user the replay names, from the real author object."""
    user = _users().get(user_id)
    if user is None:
        return None
    aweme_count = int(user.get("aweme_count") or 0)
    return {
        "ownerCount": {
            "fan": int(user.get("follower_count") or 0),
            "follow": int(user.get("following_count") or 0),
            "photo": aweme_count,
            "photo_public": aweme_count,
        },
        "profile": {
            "user_id": user_id,
            "user_name": user["nickname"],
            "gender": _GENDERS.get(int(user.get("gender") or 0), "U"),
            "headurl": user["avatar_thumb"]["url_list"][0],
            "user_text": user.get("signature") or "",
        },
    }


def _author(user: Json) -> Json:
    avatar = user["avatar_thumb"]["url_list"][0]
    return {"id": ks_id("user", user["uid"]), "name": user["nickname"], "headerUrl": avatar}


def _related_words(card: Json) -> list[str]:
    return [str(w.get("related_word")) for w in card.get("related_word_list") or [] if w.get("related_word")]


@cache
def _search_cards() -> list[Json]:
    cards: list[Json] = load_json("douyin", SEARCH)["data"]
    return cards


@cache
def _comments() -> list[Json]:
    comments: list[Json] = load_json("douyin", COMMENTS)["comments"]
    return comments


@cache
def _users() -> dict[str, Json]:
    """Every real author and commenter of the douyin samples, by their Kuaishou-style id."""
    users: dict[str, Json] = {}
    people = [c["aweme_info"]["author"] for c in _search_cards() if c.get("type") == 1]
    for user in [*people, *(c["user"] for c in _comments())]:
        users.setdefault(ks_id("user", user["uid"]), user)
    return users
