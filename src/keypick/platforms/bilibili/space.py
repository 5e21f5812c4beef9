"""PURE parser of an uploader's video list (/x/space/wbi/arc/search): data.list.vlist[] and data.page; the
creator keyword (a mid or a space link).

No real capture of this endpoint exists (samples/SOURCES.md): the fields follow platforms.md §4.1
(`list.vlist[]`, `page.count`) and the public API documentation. A vlist item carries the same facts
as a search item under other names, so it is renamed and read by the search item parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from keypick.content.schemas import Record
from keypick.exceptions import ParseError
from keypick.platforms.bilibili.constants import PLATFORM, SPACE_PAGE_SIZE, envelope_error
from keypick.platforms.bilibili.parsers import SearchResult, parse_video_item
from keypick.platforms.normalize import link_id, parse_count, quote_input

#: vlist name → search item name (the rest, aid, bvid, title, description, play, pic, author, mid, is shared).
_RENAMED = {"created": "pubdate", "comment": "review", "length": "duration"}
#: A mid is a positive number (up to 16 digits in the captures; never 0, which stands for "nobody").
_MID = re.compile(r"[1-9][0-9]{0,18}")
_SPACE_HOSTS = frozenset({"space.bilibili.com"})
_SPACE_PATH = re.compile(r"/([^/]+)(?:/.*)?")  # space.bilibili.com/{mid}, /{mid}/video, /{mid}/dynamic, ...


def creator_keyword(text: str) -> str:
    """Return the mid of a mid or a space.bilibili.com/{mid} link; ValueError for anything else."""
    text = text.strip()
    mid = link_id(text, _SPACE_HOSTS, _SPACE_PATH)
    if not _MID.fullmatch(mid):
        raise ValueError(
            f"{quote_input(text)} is neither a Bilibili mid (a positive number, the author_id of Bilibili videos) "
            "nor a space link (https://space.bilibili.com/<mid>)"
        )
    return mid


def parse_space_videos(payload: Any, *, fetched_at: datetime, page: int, page_size: int) -> SearchResult:
    """Return one page of an uploader's videos; `end` when page × page_size reaches page.count."""
    if (error := envelope_error(payload, endpoint="creator_posts")) is not None:
        raise error
    data = payload.get("data") if isinstance(payload, dict) else None
    listing = data.get("list") if isinstance(data, dict) else None
    vlist = listing.get("vlist") if isinstance(listing, dict) else None
    if not isinstance(vlist, list):
        raise ParseError("bilibili creator_posts: expected data.list.vlist[]", platform=PLATFORM)
    posts = []
    for item in vlist:
        if not isinstance(item, dict):
            continue
        renamed: dict[str, Any] = {_RENAMED.get(str(k), str(k)): v for k, v in item.items()}
        posts.append(parse_video_item(renamed, fetched_at=fetched_at).model_copy(update={"raw": item}))
    count = parse_count((data.get("page") or {}).get("count")) if isinstance(data, dict) else None
    end = not vlist or count is None or page * page_size >= count
    return SearchResult(posts=posts, skipped=len(vlist) - len(posts), end=end)


def _space_posts(payload: Any, fetched_at: datetime) -> list[Record]:
    # A saved answer is read for its videos only: whether a page follows needs the request's pn and ps.
    return list[Record](parse_space_videos(payload, fetched_at=fetched_at, page=1, page_size=SPACE_PAGE_SIZE).posts)


#: The `keypick parse` kind of this list (space.py builds on parsers.py, so it cannot sit in its table).
SPACE_KINDS: dict[str, Callable[[Any, datetime], list[Record]]] = {"creator_posts": _space_posts}
