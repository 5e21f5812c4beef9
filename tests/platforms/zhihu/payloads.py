"""Zhihu payloads for the tests: the real search capture, and shapes built from platforms.md where none exists.

Only zhihu/search_v3-1.json is a real capture. Comment pages (comment_v5) and the
js-initialData of answer, article and profile pages have NO real capture: the builders
below assemble them from the field lists of platforms.md §7.1/§7.3, reusing real values
from the search capture (ids, texts, authors) wherever a value is needed.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

from keypick.content.schemas import Post
from keypick.platforms.zhihu.parsers import parse_content
from tests.samples import load_sample

# The capture was committed on 2025-11-20; its newest answer is from 2025-08-16.
FETCHED_AT = datetime(2025, 11, 20, tzinfo=UTC)
#: Ids of the six content objects of the capture, in order (five answers, one article).
CONTENT_IDS = ["3458972610", "74216785323", "1929496763800196377", "78811218786", "1940013638279754161", "371751409"]
Json = dict[str, Any]


def search() -> Json:
    """The real search_v3 answer (3 cards, 5 answers, 1 article, 1 question)."""
    payload: Json = load_sample("zhihu", "search_v3-1.json")
    return payload


def result(index: int) -> Json:
    """The `data[index]` item of the capture."""
    item: Json = search()["data"][index]
    return item


def card(index: int = 3) -> Post:
    """The search card (parsed Post) of `data[index]` of the capture."""
    return parse_content(result(index)["object"], fetched_at=FETCHED_AT)


def comment(cid: str, *, text: str, reply_to: str = "0", root: str = "0", children: int = 0, **extra: Any) -> Json:
    """A comment_v5 comment object BUILT from the §7.3 field list (no capture); the author is a real one."""
    author = copy.deepcopy(result(3)["object"]["author"])
    return {
        "id": cid,
        "type": "comment",
        "content": text,
        "created_time": 1712600000,
        "like_count": 12,
        "dislike_count": 1,
        "child_comment_count": children,
        "reply_comment_id": reply_to,
        "reply_root_comment_id": root,
        "comment_tag": [{"type": "ip_info", "text": "IP 属地陕西"}],
        "author": author,
        **extra,
    }


def comment_page(items: list[Json], *, next_offset: str = "", is_end: bool = True, totals: int = 20) -> Json:
    """A comment_v5 page (`data[]`, `paging{is_end,next,totals}`), BUILT from §7.1 (no capture)."""
    following = (
        f"https://www.zhihu.com/api/v4/comment_v5/answers/1/root_comment?order=score&limit=10&offset={next_offset}"
    )
    return {"data": items, "paging": {"is_end": is_end, "is_start": True, "next": following, "totals": totals}}


def camel(node: Any) -> Any:
    """Return a copy with snake_case keys in camelCase, as js-initialData spells them."""
    if isinstance(node, list):
        return [camel(v) for v in node]
    if isinstance(node, dict):
        return {"".join(p.title() if i else p for i, p in enumerate(k.split("_"))): camel(v) for k, v in node.items()}
    return node


def state_page(entities: dict[str, dict[str, Json]]) -> str:
    """An HTML page with `<script id="js-initialData">` holding initialState.entities (objects camelCased)."""
    tables = {name: {key: camel(obj) for key, obj in table.items()} for name, table in entities.items()}
    data = json.dumps({"initialState": {"entities": tables}}, ensure_ascii=False).replace("</", "<\\/")
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>知乎</title></head><body><div id="root"></div>'
        f'<script id="js-initialData" type="text/json">{data}</script></body></html>'
    )


def answer_page(index: int = 3) -> str:
    """An answer page built around a real answer object of the capture."""
    obj = result(index)["object"]
    question = {**obj["question"], "title": obj["question"]["name"]}
    return state_page({"answers": {obj["id"]: {**obj, "question": question}}, "questions": {question["id"]: question}})


def people_page(index: int = 3) -> str:
    """A /people page around a real author of the capture (only the fields the capture has)."""
    author = result(index)["object"]["author"]
    return state_page({"users": {author["url_token"]: author}})


def member_answers(*, offset: int = 0, is_end: bool = False, token: str = "someone") -> Json:
    """An /api/v4/members/{t}/answers answer (no capture: the §7.1 v4 list envelope) holding the REAL answer
    objects of the search capture, unchanged."""
    answers = [copy.deepcopy(i["object"]) for i in search()["data"] if i.get("object", {}).get("type") == "answer"]
    following = f"https://www.zhihu.com/api/v4/members/{token}/answers?include=data&offset={offset + 20}&limit=20"
    return {"data": answers, "paging": {"is_end": is_end, "is_start": offset == 0, "next": following, "totals": 45}}
