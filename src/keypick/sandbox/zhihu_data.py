"""The data behind the Zhihu replay: search items per (keyword, page), comments per content, users.

Search results come from the one real capture (zhihu/search_v3-1.json: 3 cards, 5 answers,
1 article, 1 question), cycled over 20 slots a page and varied per keyword, page and slot:
new ids of the same shape, scaled counts, the keyword in every highlight (the <em> terms)
and in the content, times newest first (3 hours apart) ending at the anchor. One answer a
page has its `content` removed, leaving the excerpt, so the crawler's detail
fetch runs; that shape is a sandbox choice, not a capture.

No comment, child-comment, answer-page or profile-page capture exists. Comments are BUILT
from the comment_v5 field list of platforms.md §7.3 (id, type, content, created_time,
like_count, dislike_count, child_comment_count, reply_comment_id, comment_tag ip_info,
author); their text is REAL: sentences of the sample's answer excerpts; their authors are
the sample's real (anonymised) authors; IP provinces are the real `ip_location` values of
the xhs comment samples; like counts and times are derived deterministically. Pages carry
`js-initialData` as §7.1 names it (initialState.entities.{answers,articles,users}) with the
sample's objects in camelCase, the way the page state spells keys. No HTTP here.

An author's own answers (/api/v4/members/{t}/answers, no capture either) are the sample's 5 real
answers, cycled and varied the same way but without the keyword, each with that author as its
`author`; one answer a page is cut the same way.
"""

from __future__ import annotations

import copy
import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from html import escape
from typing import Any

from keypick.sandbox.samples import load_json, walk_dicts
from keypick.sandbox.vary import derive_digits, scale_count, stable_fraction, stable_int

HOST = "www.zhihu.com"
ZHUANLAN_HOST = "zhuanlan.zhihu.com"
SAMPLE = "search_v3-1.json"
PAGE_SIZE = 20
STEP_SECONDS = 3 * 3600  # 20 results span 2.5 days: a 1-day window ends inside page 1
ROOT_PAGES = 2  # root_comment pages per content, 10 roots each
ROOTS_PER_PAGE = 10
#: Root slot → child comments: slot 0 needs two child pages, slot 5 one (few: each costs a request).
CHILDREN = {0: 12, 5: 1}
MAX_REMEMBERED = 200_000
MEMBER_KEY = "member:"  # + the author's 32-hex id: the Origin "keyword" of an author's own answers
_EM_RE = re.compile(r"<em>.*?</em>")
_EM_MARK_RE = re.compile(r"</?em>")
_COUNT_KEYS = ("voteup_count", "comment_count", "favorites_count", "zfav_count", "visits_count")
Json = dict[str, Any]


@dataclass(frozen=True)
class Origin:
    """Where a generated content came from: enough to regenerate it."""

    keyword: str
    page: int
    slot: int


@dataclass(frozen=True)
class RootOrigin:
    """A generated root comment: its content id and slot (page * 10 + position)."""

    content_id: str
    slot: int


class ZhihuData:
    """Deterministic Zhihu search items and comments for one sandbox (seed, anchor time)."""

    def __init__(self, *, seed: str, anchor: datetime) -> None:
        self.seed = seed
        self.anchor = anchor
        self._origins: OrderedDict[str, Origin] = OrderedDict()
        self._roots: OrderedDict[str, RootOrigin] = OrderedDict()

    def keyword_of(self, content_id: str) -> str | None:
        """Return the keyword whose search produced a content id (or a root comment id), if any."""
        root = self._roots.get(content_id)
        origin = self._origins.get(root.content_id if root else content_id)
        return origin.keyword if origin else None

    def search_items(self, keyword: str, page: int, *, not_before: datetime | None) -> tuple[list[Json], bool]:
        """Return one page's `data[]` and whether a time window cut it short (the last result was too old)."""
        items: list[Json] = copy.deepcopy(_cards()) if page == 1 else []
        for slot in range(PAGE_SIZE - len(items)):
            item = self._result(keyword, page, slot)
            created = item["object"].get("created_time", item["object"].get("updated_time"))
            if not_before is not None and created < not_before.timestamp():
                return items, True
            items.append(item)
        return items, False

    def content(self, content_id: str) -> Json | None:
        """Return the full answer/article object (content included) of a generated id, else None."""
        origin = self._origins.get(content_id)
        if origin is None:
            return None
        return self._object(origin.keyword, origin.page, origin.slot, full=True)

    def root_comments(self, content_id: str, page: int) -> list[Json]:
        """Return the 10 root comments of one page for a content id this run produced."""
        post_time = self._post_time(content_id)
        roots = []
        for position in range(ROOTS_PER_PAGE):
            slot = (page - 1) * ROOTS_PER_PAGE + position
            cid = derive_digits("10000000000", self.seed, "root", content_id, slot)
            self._remember(self._roots, cid, RootOrigin(content_id, slot))
            roots.append(self._comment(cid, post_time, reply_to="0", children=CHILDREN.get(slot, 0)))
        return roots

    def child_comments(self, root_id: str) -> list[Json] | None:
        """Return every child comment of a generated root comment, else None."""
        origin = self._roots.get(root_id)
        if origin is None:
            return None
        root = self._comment(root_id, self._post_time(origin.content_id), reply_to="0", children=0)
        children: list[Json] = []
        for i in range(CHILDREN.get(origin.slot, 0)):
            cid = derive_digits("10000000000", self.seed, "child", root_id, i)
            # Every second reply answers the reply before it, the others answer the root.
            reply_to = children[-1]["id"] if i % 2 else root_id
            children.append(self._comment(cid, root["created_time"], reply_to=reply_to, children=0))
        return children

    def _post_time(self, content_id: str) -> int:
        # A content this run did not produce still gets comments, dated after a post a day old.
        base = self.content(content_id) or {}
        return int(base.get("created_time") or self.anchor.timestamp() - 86400)

    def offset_token(self, content_id: str, page: int) -> str:
        """Return the opaque `offset` that paging.next gives for a root page (page 1 has none)."""
        return f"{1_700_000_000 + stable_int(self.seed, 'offset', content_id, page) % 10**8}_{(page - 1) * 10}_0"

    def _result(self, keyword: str, page: int, slot: int) -> Json:
        raw = _results()[slot % len(_results())]
        item: Json = copy.deepcopy(raw)
        item["highlight"] = {k: _weave(v, keyword) for k, v in (raw.get("highlight") or {}).items()}
        item["object"] = self._object(keyword, page, slot, full=False)
        return item

    def member_answers(self, user: Json, page: int) -> list[Json]:
        """Return one page (20, newest first) of a real author's own answers, each by that author."""
        return [self._object(f"{MEMBER_KEY}{user['id']}", page, slot, full=False) for slot in range(PAGE_SIZE)]

    def _object(self, keyword: str, page: int, slot: int, *, full: bool) -> Json:
        member = users().get(keyword.removeprefix(MEMBER_KEY)) if keyword.startswith(MEMBER_KEY) else None
        pool = _answers() if member else _results()
        raw = pool[slot % len(pool)]["object"]
        obj: Json = copy.deepcopy(raw)
        new_id = derive_digits(str(raw["id"]), self.seed, keyword, page, slot)
        obj["id"] = new_id
        factor = 0.5 + stable_fraction(self.seed, "counts", new_id)
        for key in _COUNT_KEYS:
            if key in obj:
                obj[key] = scale_count(obj[key], factor)
        position = (page - 1) * PAGE_SIZE + slot
        jitter = stable_int(self.seed, "jitter", keyword, position) % STEP_SECONDS
        created = int(self.anchor.timestamp()) - position * STEP_SECONDS - jitter
        edited = int(raw.get("updated_time", 0)) - int(raw.get("created_time", raw.get("updated_time", 0)))
        obj["updated_time"] = created + max(0, edited)
        # Search weaves the keyword into the highlights; an author's own list has none (the <em> marks go).
        for key in ("excerpt", "title", "description"):
            if isinstance(obj.get(key), str):
                obj[key] = _EM_MARK_RE.sub("", obj[key]) if member else _weave(obj[key], keyword)
        if isinstance(question := obj.get("question"), dict):
            question["id"] = derive_digits(str(question["id"]), self.seed, "question", keyword, page, slot)
            question["name"] = _EM_MARK_RE.sub("", question["name"]) if member else _weave(question["name"], keyword)
        if raw["type"] == "question":
            return obj  # questions carry no created_time in the capture
        obj["created_time"] = created
        if obj.get("original_id"):
            obj["original_id"] = derive_digits(str(raw["original_id"]), self.seed, "orig", new_id)
        lead = "" if member else f'<p data-pid="kp-{position}">{escape(keyword)}</p>'
        obj["content"] = f"{lead}{raw.get('content', '')}"
        if member:
            obj["author"] = copy.deepcopy(member)
        self._remember(self._origins, new_id, Origin(keyword, page, slot))
        if not full and slot == stable_int(self.seed, "cut", keyword, page) % 5:  # slots 0-4 are answers
            del obj["content"]
        return obj

    def _comment(self, cid: str, after: int, *, reply_to: str, children: int) -> Json:
        texts, authors, places = _sentences(), _authors(), _places()
        span = max(int(self.anchor.timestamp()) - after, 60)
        created = after + int(span * stable_fraction(self.seed, "ctime", cid))
        return {
            "id": cid,
            "type": "comment",
            "content": escape(texts[stable_int(self.seed, "text", cid) % len(texts)]),
            "created_time": created,
            "like_count": stable_int(self.seed, "likes", cid) % 200,
            "dislike_count": 0,
            "child_comment_count": children,
            "reply_comment_id": reply_to,
            "comment_tag": [{"type": "ip_info", "text": f"IP 属地{places[stable_int(cid) % len(places)]}"}],
            "author": copy.deepcopy(authors[stable_int(self.seed, "author", cid) % len(authors)]),
        }

    @staticmethod
    def _remember(table: OrderedDict[str, Any], key: str, value: Any) -> None:
        table[key] = value
        table.move_to_end(key)
        if len(table) > MAX_REMEMBERED:
            table.popitem(last=False)


@lru_cache(maxsize=8)
def shared_data(seed: str, anchor: datetime) -> ZhihuData:
    """Return the one ZhihuData of (seed, anchor): both Zhihu hosts must know the same generated ids."""
    return ZhihuData(seed=seed, anchor=anchor)


def _weave(text: str, keyword: str) -> str:
    """Make the highlighted <em> terms the keyword, as Zhihu highlights the query."""
    return _EM_RE.sub(f"<em>{escape(keyword)}</em>", text) if "<em>" in text else f"<em>{escape(keyword)}</em> {text}"


@cache
def _cards() -> list[Json]:
    return [item for item in load_json("zhihu", SAMPLE)["data"] if item["type"] != "search_result"]


@cache
def _results() -> list[Json]:
    return [item for item in load_json("zhihu", SAMPLE)["data"] if item["type"] == "search_result"]


@cache
def _answers() -> list[Json]:
    return [item for item in _results() if item["object"]["type"] == "answer"]


@cache
def _sentences() -> list[str]:
    """Real sentences of the sample's excerpts, <em> marks removed."""
    found: list[str] = []
    for item in _results():
        text = re.sub(r"</?em>", "", item["object"].get("excerpt") or item["highlight"].get("description", ""))
        found += [s.strip() + "。" for s in re.split(r"[。？！]", text) if len(s.strip()) >= 6]
    return list(dict.fromkeys(found))


@cache
def _authors() -> list[Json]:
    """The real (anonymised) authors of the sample, one per id."""
    by_id = {a["id"]: a for a in (item["object"].get("author") for item in _results()) if isinstance(a, dict)}
    return list(by_id.values())


@cache
def _places() -> list[str]:
    """Real province names from the xhs comment samples' ip_location."""
    names = [d["ip_location"] for n in ("comment_page-1.json", "sub_comment_page-1.json")
             for d in walk_dicts(load_json("xhs", n)) if d.get("ip_location")]  # fmt: skip
    return sorted(set(names))


def users() -> dict[str, Json]:
    """The sample's authors keyed by url_token and by id (profile pages accept either)."""
    table: dict[str, Json] = {}
    for author in _authors():
        table[author["url_token"]] = author
        table[author["id"]] = author
    return table


def camel(node: Any) -> Any:
    """Return a copy with snake_case keys spelled camelCase, as js-initialData writes them."""
    if isinstance(node, list):
        return [camel(v) for v in node]
    if isinstance(node, dict):
        return {re.sub(r"_([a-z])", lambda m: m.group(1).upper(), k): camel(v) for k, v in node.items()}
    return node
