"""The replay of a user's own threads, GET /c/u/feed/myThread (platforms.md §6.2), for tieba.py.

No capture of this endpoint exists: the envelope is the documented `{error_code, data: {list[],
has_more}}`, each item a `thread_info` holding the page_pc `thread` fields (id and tid, title,
reply_num, create_time) of a thread TiebaData builds from the real sample posts with that user as
author, newest first, 20 a page over the sandbox's page count. tieba.py has checked the md5 sign.
ASSUMED (no capture): bad parameters are error_code 220034 "参数错误: ...", an unknown portrait
error_code 4 "用户不存在", as the profile endpoint answers; has_more is 0/1.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from keypick.sandbox.tieba_data import TiebaData

PARAM_CODE, NOT_FOUND_CODE = 220034, 4
USER_KEY = "user:"  # the "keyword" of a user's own threads (fault scopes, keyword_of)
Json = dict[str, Any]


def my_threads(data: TiebaData, params: Mapping[str, str], *, pages: int, empty: bool) -> Json:
    """Return one myThread answer: a real sample user's threads, page `pn` of `rn`."""
    portrait, pn, rn = params.get("portrait", ""), params.get("pn", ""), params.get("rn", "")
    if not portrait or "un" not in params or params.get("type") != "1":
        return {"error_code": PARAM_CODE, "error_msg": "参数错误: portrait, type=1 and un are required"}
    if not (pn.isdigit() and int(pn) >= 1 and rn.isdigit() and 1 <= int(rn) <= 50):
        return {"error_code": PARAM_CODE, "error_msg": "参数错误: pn >= 1 and rn in 1..50 are required"}
    user = data.user_by_portrait(portrait)
    if user is None:
        return {"error_code": NOT_FOUND_CODE, "error_msg": "用户不存在"}
    total, start = pages * 20, (int(pn) - 1) * int(rn)
    threads = [data.thread(f"{USER_KEY}{user['portrait']}", position, owner=user["name"])
               for position in range(start, min(start + int(rn), total))]  # fmt: skip
    items = [{"thread_info": {"id": int(t.tid), "tid": int(t.tid), "title": t.real.title,
                              "reply_num": data.reply_count(t), "create_time": int(t.created.timestamp())}}
             for t in threads]  # fmt: skip
    has_more = int(start + int(rn) < total)
    return {"error_code": 0, "error_msg": "", "data": {"list": [] if empty else items, "has_more": has_more}}
