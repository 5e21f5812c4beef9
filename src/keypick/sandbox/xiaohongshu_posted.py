"""A creator's note list in the Xiaohongshu replay: GET /api/sns/web/v1/user_posted (platforms.md §1.1).

No capture of user_posted exists. The envelope is the documented one (`data.notes[]`, `data.cursor`
= the last note id, `data.has_more`); each note is a real search sample item (xhs/search_notes-1/2,
varied by xiaohongshu_data.py with the user as its author) under the listed fields only: note_id,
xsec_token (its own, which the feed and comment calls must bring back), xsec_source (the request's,
echoed), display_title, type, user{user_id, nickname, avatar}, interact_info{liked, liked_count}, cover.
Only the real sample users have notes: pages × 20 of them, newest first, `num` per page. A cursor
never given out is a parameter error; a user id with no such user gets `{code: -1, success: false}`
(the shape issue #754 reports for failing creator calls; the message is the sandbox's); a user-level
xsec_token that is not token-shaped gets the link-access error 访问链接异常, as a wrong note token does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from keypick.sandbox.replay import Call
from keypick.sandbox.xiaohongshu_data import CREATOR_KEY, XhsData, real_users

USER_POSTED = "/api/sns/web/v1/user_posted"
NOTES_PER_PAGE = 20  # a user has `pages` × this many notes
MAX_NUM = 30
_USER_ID = re.compile(r"[0-9a-f]{24}")
_TOKEN = re.compile(r"AB[A-Za-z0-9_\-]{20,}=*")
_PARAMS = ("num", "cursor", "user_id", "image_formats", "xsec_token", "xsec_source")
Json = dict[str, Any]


def classify_posted(data: XhsData, params: Mapping[str, str], *, pages: int) -> Call:
    """Return the Call of a user_posted request: keyword `user:{user_id}`, page from the cursor."""
    user_id, num = params.get("user_id", ""), _num(params.get("num"))
    start = _start(data, user_id, params.get("cursor", ""), pages) if num else None
    page = (start or 0) // (num or MAX_NUM) + 1
    return Call("user_posted", keyword=f"{CREATOR_KEY}{user_id}", page=page)


def user_posted(data: XhsData, params: Mapping[str, str], *, pages: int, empty: bool) -> tuple[Json | None, str]:
    """Return (the answer's `data`, "") or (None, why the request is refused: "token", "user" or a param problem)."""
    missing = [name for name in _PARAMS if name not in params]
    num, user_id = _num(params.get("num")), params.get("user_id", "")
    if missing or num is None or not _USER_ID.fullmatch(user_id):
        return None, f"missing {', '.join(missing)}" if missing else f"num must be 1 to {MAX_NUM}, user_id 24 hex"
    if params["xsec_token"] and not _TOKEN.fullmatch(params["xsec_token"]):
        return None, "token"
    if user_id not in real_users():
        return None, "user"
    start = _start(data, user_id, params["cursor"], pages)
    if start is None:
        return None, f"cursor {params['cursor']!r} was not given out for user {user_id}"
    end = min(start + num, pages * NOTES_PER_PAGE)
    items = [] if empty else [data.creator_note(user_id, p) for p in range(start, end)]
    notes = [_listed(item, params["xsec_source"]) for item in items]
    cursor = notes[-1]["note_id"] if notes else ""
    return {"notes": notes, "cursor": cursor, "has_more": bool(notes) and end < pages * NOTES_PER_PAGE}, ""


def _listed(item: Json, source: str) -> Json:
    """A search item under user_posted's field names (platforms.md §1.1; no capture of the list exists)."""
    card = item["note_card"]
    note: Json = {"note_id": item["id"], "xsec_token": item["xsec_token"], "xsec_source": source,
                  "type": card["type"], "user": {k: card["user"][k] for k in ("user_id", "nickname", "avatar")},
                  "interact_info": {k: card["interact_info"][k] for k in ("liked", "liked_count")},
                  "cover": card["cover"]}  # fmt: skip
    if "display_title" in card:  # some real items have none
        note["display_title"] = card["display_title"]
    return note


def _start(data: XhsData, user_id: str, cursor: str, pages: int) -> int | None:
    """Return the position after `cursor` (0 for ""), or None for a cursor never given out."""
    if not cursor:
        return 0
    total = pages * NOTES_PER_PAGE
    return next((p + 1 for p in range(total) if data.creator_note_id(user_id, p) == cursor), None)


def _num(raw: str | None) -> int | None:
    return int(raw) if raw is not None and raw.isdigit() and 1 <= int(raw) <= MAX_NUM else None
