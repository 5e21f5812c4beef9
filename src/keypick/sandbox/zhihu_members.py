"""The replay of an author's answers, GET /api/v4/members/{url_token}/answers (platforms.md §7.1), for zhihu.py.

No capture of this endpoint exists: the envelope is the documented `{data[], paging{is_end, next}}`
of the v4 lists; the answers are zhihu_data's (the sample's real answers, that author as author).
The url_token and the 32-hex id both name a member, as on the site. `include` matters as it does
there: without `content` among its data[*] fields the answers come without their text. zhihu.py has
checked the page's signature. ASSUMED (no capture): an unknown member gets Zhihu's HTTP 404
not-found error and a bad parameter HTTP 400 error 100, as the other replayed endpoints answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import unquote, urlencode

from starlette.responses import Response

from keypick.sandbox.replay import json_response
from keypick.sandbox.zhihu_data import HOST, MEMBER_KEY, PAGE_SIZE, ZhihuData, users
from keypick.sandbox.zhihu_errors import NOT_FOUND, bad_request

MEMBER_RE = re.compile(r"/api/v4/members/([^/]+)/answers")
ORDERS = frozenset({"created", "voteups"})


def member_key(path: str) -> str | None:
    """Return the fault-scope keyword of a member answers path (member: + the 32-hex id), None if unknown."""
    m = MEMBER_RE.fullmatch(path)
    user = users().get(unquote(m.group(1))) if m else None
    return f"{MEMBER_KEY}{user['id']}" if user else None


def member_answers(data: ZhihuData, path: str, params: Mapping[str, str], *, pages: int, empty: bool) -> Response:
    """Return one answer page of the member in `path`, newest first, `pages` pages in all."""
    m = MEMBER_RE.fullmatch(path)
    user = users().get(unquote(m.group(1))) if m else None
    if user is None:
        return json_response(NOT_FOUND, 404)
    offset = params.get("offset", "0")
    if not offset.isdigit() or int(offset) % PAGE_SIZE:
        return bad_request("offset must be a multiple of 20")
    if params.get("limit") != str(PAGE_SIZE) or params.get("order_by", "created") not in ORDERS:
        return bad_request("limit must be 20 and order_by created or voteups")
    page = int(offset) // PAGE_SIZE + 1
    items = [] if empty or page > pages else data.member_answers(user, page)
    fields = params.get("include", "").removeprefix("data[*].").split(",")
    if "content" not in fields:
        for item in items:
            item.pop("content", None)
    following = f"https://{HOST}{path}?{urlencode({**params, 'offset': int(offset) + PAGE_SIZE})}"
    paging = {"is_end": page >= pages, "is_start": page == 1, "next": following, "previous": "",
              "totals": pages * PAGE_SIZE}  # fmt: skip
    return json_response({"data": items, "paging": paging})
