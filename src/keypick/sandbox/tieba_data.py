"""The data behind the tieba.baidu.com replay: threads per search slot, reply floors, 楼中楼, users.

Every thread is one of the 10 REAL posts of samples/tieba/search_result-1.html (its title, text,
forum and forum id, author name, GBK `un=` link) with a new tid, the keyword woven into its
text and a time anchored on `anchor`, newest first across a keyword's pages (45 minutes apart).
Reply floors and 楼中楼 reuse the real sentences and author names of the same sample. A user's own
threads (myThread) are the same real posts, cycled, each with that user as author and its real text.

No Tieba JSON and no 楼中楼 page was ever captured: the envelopes (multsearch card_list,
page_pc, homeSidebarRight) are built from the platforms.md §6 field lists, and the numbers no
real post shows (user ids, portraits, fans/follow counts, 吧龄, reply counts) are derived
deterministically. Assumptions: page_pc lists the first floor again as post_list[0] on page 1,
10 floors a page; ip_address is "" (no real value to show). No HTTP here.
"""

from __future__ import annotations

import copy
import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from bs4 import BeautifulSoup, Tag

from keypick.sandbox.samples import load_text
from keypick.sandbox.vary import derive_digits, stable_fraction, stable_int

HOST = "tieba.baidu.com"
SAMPLE = "search_result-1.html"
STEP_SECONDS = 45 * 60  # 100 threads (5 pages of 20) span about 3 days
FLOORS_PER_PAGE = 10
SUB_PER_PAGE = 10
SUB_COUNTS = (0, 0, 0, 2, 12)  # 楼中楼 per floor: most have none, some need two /p/comment pages
MAX_REMEMBERED = 200_000
Json = dict[str, Any]
_SENTENCE_END = re.compile(r"(?<=[。！？；])")


@dataclass(frozen=True)
class RealPost:
    """One div.s_post of the real sample, as found."""

    tid: str
    pid: str
    fid: str
    title: str
    text: str
    forum: str
    author: str
    when: datetime  # China time, as the page shows it


@dataclass(frozen=True)
class Thread:
    """A thread the replay serves: the real post it comes from, its ids, time and keyword."""

    tid: str
    real: RealPost
    created: datetime
    keyword: str | None = None
    owner: str | None = None  # set on a user's own threads: that user wrote them all

    @property
    def author(self) -> str:
        """The name of the thread's author: the owner of a user's list, else the real post's author."""
        return self.owner or self.real.author

    @property
    def first_pid(self) -> str:
        """The post id of its first floor (the real one for an unvaried sample thread)."""
        return self.real.pid if self.keyword is None else derive_digits(self.real.pid, "first", self.tid)

    def full_text(self) -> str:
        """The first floor's text: a search keyword, then the real post's text (a user's threads: the real text)."""
        return f"{self.keyword}：{self.real.text}" if self.keyword and not self.owner else self.real.text


@dataclass(frozen=True)
class Floor:
    """One reply floor of a thread."""

    pid: str
    number: int  # 2, 3, ... (floor 1 is the thread itself)
    author: str
    text: str
    when: datetime
    sub_count: int


def _squash(text: str) -> str:
    return " ".join(text.split())


@cache
def _entries() -> list[Tag]:
    root = BeautifulSoup(load_text("tieba", SAMPLE), "html.parser").select_one("div.s_post_list")
    assert root is not None, "the Tieba sample lost its div.s_post_list"
    return list(root.select("div.s_post"))


@cache
def real_posts() -> list[RealPost]:
    """The 10 real posts of the sample, in page order (newest first)."""
    posts = []
    for entry in _entries():
        link, forum, date = (
            entry.select_one("span.p_title a"),
            entry.select_one("a.p_forum"),
            entry.select_one(".p_date"),
        )
        body, user = entry.select_one("div.p_content"), entry.select_one('a[href*="/home/main"]')
        assert link is not None and forum is not None and date is not None and user is not None
        pid = str(link["href"]).split("pid=", 1)[1].split("&", 1)[0]
        when = datetime.strptime(_squash(date.get_text()) + " +0800", "%Y-%m-%d %H:%M %z")
        text = _squash(body.get_text()) if body else ""
        posts.append(RealPost(
            tid=str(link["data-tid"]), pid=pid, fid=str(forum["data-fid"]), title=_squash(link.get_text()), text=text,
            forum=_squash(forum.get_text()), author=_squash(user.get_text()), when=when,
        ))  # fmt: skip
    return posts


@cache
def authors() -> list[str]:
    """The distinct real author names, in order of appearance."""
    return list(dict.fromkeys(p.author for p in real_posts()))


@cache
def sentences() -> list[str]:
    """Real sentences of the sample's texts, used as reply texts."""
    found = (s.strip() for p in real_posts() for s in _SENTENCE_END.split(p.text))
    return [s for s in found if len(s) >= 6]


def html_entry(real: RealPost) -> Tag:
    """A fresh copy of the real div.s_post of a sample post."""
    return copy.copy(_entries()[[p.tid for p in real_posts()].index(real.tid)])


class TiebaData:
    """Deterministic Tieba threads, floors, 楼中楼 and users for one sandbox (seed, anchor time)."""

    def __init__(self, *, seed: str, anchor: datetime) -> None:
        self.seed = seed
        self.anchor = anchor
        self._threads: OrderedDict[str, Thread] = OrderedDict()

    def keyword_of(self, tid: str) -> str | None:
        """Return the keyword whose search produced `tid`, if this run produced it."""
        thread = self._threads.get(tid)
        return thread.keyword if thread else None

    def thread(self, keyword: str, position: int, *, owner: str | None = None) -> Thread:
        """Return (and remember) the thread at a 0-based position of a keyword's results, newest first.

        With `owner` (a real author name) the keyword names that user's own list and every thread is theirs.
        """
        shift = stable_int(self.seed, "rotate", keyword) % 10
        real = real_posts()[(shift + position) % len(real_posts())]
        tid = derive_digits(real.tid, self.seed, "thread", keyword, position)
        jitter = stable_int(self.seed, "jitter", keyword, position) % STEP_SECONDS
        created = self.anchor - timedelta(seconds=position * STEP_SECONDS + jitter)
        thread = Thread(tid=tid, real=real, created=created, keyword=keyword, owner=owner)
        self._threads[tid] = thread
        self._threads.move_to_end(tid)
        if len(self._threads) > MAX_REMEMBERED:
            self._threads.popitem(last=False)
        return thread

    def find(self, tid: str) -> Thread | None:
        """Return a thread this run served, or a real sample thread (unvaried, at its real time)."""
        if (thread := self._threads.get(tid)) is not None:
            return thread
        real = next((p for p in real_posts() if p.tid == tid), None)
        return Thread(tid=tid, real=real, created=real.when) if real else None

    def reply_count(self, thread: Thread) -> int:
        """How many reply floors a thread has (5 to 25)."""
        return 5 + stable_int(self.seed, "replies", thread.tid) % 21

    def floors(self, thread: Thread) -> list[Floor]:
        """Every reply floor of a thread, oldest first, times between the thread's and the anchor."""
        count = self.reply_count(thread)
        span = max((self.anchor - thread.created).total_seconds(), float(count))
        names, texts = authors(), sentences()
        floors = []
        for i in range(count):
            key = (self.seed, "floor", thread.tid, i)
            seconds = span * (i + stable_fraction(*key)) / (count + 1)
            floors.append(Floor(
                pid=derive_digits(thread.real.pid, *key), number=i + 2,
                author=names[stable_int(*key, "who") % len(names)], text=texts[stable_int(*key, "say") % len(texts)],
                when=thread.created + timedelta(seconds=int(seconds) + 1),
                sub_count=SUB_COUNTS[stable_int(*key, "lzl") % len(SUB_COUNTS)],
            ))  # fmt: skip
        return floors

    def sub_replies(self, thread: Thread, floor: Floor) -> list[Json]:
        """The 楼中楼 under a floor: spid, author, text (some answer another author) and time."""
        names, texts = authors(), sentences()
        span = max((self.anchor - floor.when).total_seconds(), 60.0)
        replies = []
        for j in range(floor.sub_count):
            key = (self.seed, "lzl", floor.pid, j)
            text = texts[stable_int(*key, "say") % len(texts)]
            if j % 3 == 2:  # 楼中楼 often answer someone: "回复 用户乙 :..."
                text = f"回复 {names[stable_int(*key, 'to') % len(names)]} :{text}"
            seconds = span * (j + stable_fraction(*key)) / (floor.sub_count + 1)
            who = names[stable_int(*key, "who") % len(names)]
            when = floor.when + timedelta(seconds=int(seconds) + 1)
            replies.append({"spid": derive_digits(floor.pid, *key), "author": who, "text": text, "when": when})
        return replies

    def user(self, name: str) -> Json:
        """The user object of a real author name: derived numeric id and portrait (no capture of either)."""
        digest = f"{stable_int(self.seed, 'portrait', name):064x}"
        return {"id": int(derive_digits("1234567890", self.seed, "uid", name)), "name": name, "name_show": name,
                "portrait": f"tb.1.{digest[:8]}.{digest[8:30]}", "ip_address": ""}  # fmt: skip

    def user_by_portrait(self, portrait: str) -> Json | None:
        """The profile (homeSidebarRight data.user) of a portrait this replay gives out, else None."""
        for name in authors():
            user = self.user(name)
            if user["portrait"] == portrait.split("?", 1)[0]:
                key = (self.seed, "profile", name)
                age = f"{stable_int(*key, 'age') % 150 / 10:.1f}"  # 吧龄 in years
                extra = {"sex": 1 + stable_int(*key, "sex") % 2, "concern_num": stable_int(*key, "follow") % 300,
                         "fans_num": stable_int(*key, "fans") % 5000, "tb_age": age}  # fmt: skip
                return user | extra
        return None
