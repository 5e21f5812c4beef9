"""Author's-list answers of the six platforms, recorded from real sandbox requests as a browser saves them.

Every request is the one the adapter sends, signed the way the sandbox checks it: xhshow for Xiaohongshu
and WBI for Bilibili (the adapters' own signing modules), Tieba's md5 `sign`, and for Douyin, Kuaishou and
Zhihu the sandbox page's HMAC (signing_pages.sign, the stand-in for a_bogus, $encode and x-zse-96 that the
real pages compute). No capture of these lists exists: the sandbox serves real sample items under the
documented envelopes (sandbox/xiaohongshu_posted.py, douyin_data.py, bilibili_data.py, kuaishou_data.py,
zhihu_members.py, tieba_threads.py), with the real sample user as their author.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from keypick.platforms.bilibili.signing import sign_params as wbi_sign
from keypick.platforms.tieba.signing import sign_params as tieba_sign
from keypick.platforms.zhihu.constants import MEMBER_ANSWERS_INCLUDE
from keypick.sandbox.signing_pages import sign
from keypick.sandbox.tieba_data import TiebaData, real_posts
from tests.platforms.kuaishou.payloads import real_user_id
from tests.samples import load_sample
from tests.sandbox.test_bilibili import keys as wbi_keys
from tests.sandbox.test_douyin import get as douyin_get
from tests.sandbox.test_douyin_posts import SEC_UID
from tests.sandbox.test_douyin_posts import query as douyin_query
from tests.sandbox.test_xiaohongshu import call as xhs_call
from tests.sandbox.test_xiaohongshu_posted import USER as XHS_USER
from tests.sandbox.test_xiaohongshu_posted import query as xhs_query

from .sandbox_har import ANCHOR, Recorder

JSON_BODY = "application/json;charset=UTF-8"
BILI_MID = "5843802"  # a real uploader of the search capture (anonymised)
KS_USER = real_user_id()[0]  # the Kuaishou-style id of the real author of the first douyin aweme
#: A real (anonymised) answer author of the Zhihu search capture: the url_token the site's page asks by.
ZHIHU_AUTHOR = next(i["object"]["author"] for i in load_sample("zhihu", "search_v3-1.json")["data"]
                    if i.get("object", {}).get("type") == "answer")  # fmt: skip
#: The portrait the Tieba replay gives the real author of the capture's first post (seed "har").
TIEBA_PORTRAIT = TiebaData(seed="har", anchor=ANCHOR).user(real_posts()[0].author)["portrait"]


async def xhs_posted(rec: Recorder, user_id: str = XHS_USER, cursor: str = "") -> httpx.Response:
    """GET user_posted, xhshow-signed."""
    response = await xhs_call(rec.client, "GET", "/api/sns/web/v1/user_posted", xhs_query(user_id, cursor))
    rec.record(response)
    return response


async def douyin_posts(rec: Recorder, sec_uid: str = SEC_UID, max_cursor: int = 0) -> httpx.Response:
    """GET /aweme/v1/web/aweme/post/ with the common params and the page's a_bogus, logged in."""
    response = await douyin_get(rec.client, "/aweme/v1/web/aweme/post/", douyin_query(sec_uid, max_cursor))
    rec.record(response)
    return response


async def bili_space(rec: Recorder, mid: str = BILI_MID, pn: int = 1) -> httpx.Response:
    """GET /x/space/wbi/arc/search, WBI-signed with the keys nav hands out."""
    params = {"mid": mid, "ps": 30, "pn": pn, "order": "pubdate"}
    signed = wbi_sign(params, await wbi_keys(rec.client), wts=int(ANCHOR.timestamp()))
    response = await rec.client.get("/api.bilibili.com/x/space/wbi/arc/search", params=signed)
    rec.record(response)
    return response


async def kuaishou_profile(rec: Recorder, user_id: str = KS_USER, pcursor: str = "") -> httpx.Response:
    """POST /rest/v/profile/feed: the compact JSON body and its __NS_hxfalcon signature, logged in."""
    path = "/rest/v/profile/feed"
    body = json.dumps({"user_id": user_id, "pcursor": pcursor, "page": "profile"}, ensure_ascii=False,
                      separators=(",", ":"))  # fmt: skip
    signature = sign("kuaishou", f"{path}\n{body}")  # what the page's $encode stands for in the sandbox
    query = f"__NS_hxfalcon={signature}&caver=2"
    headers = {"User-Agent": "Mozilla/5.0 test", "Content-Type": JSON_BODY, "Cookie": "passToken=t; did=web_1"}
    response = await rec.client.post(f"/www.kuaishou.com{path}?{query}", content=body.encode(), headers=headers)
    rec.record(response, body, mime=JSON_BODY)
    return response


async def zhihu_answers(rec: Recorder, token: str = ZHIHU_AUTHOR["url_token"], offset: int = 0, *,
                        status: int = 200) -> dict[str, Any]:  # fmt: skip
    """GET /api/v4/members/{token}/answers with the adapter's query, x-zse-96 signed; the JSON answer."""
    params = {"include": MEMBER_ANSWERS_INCLUDE, "offset": offset, "limit": 20, "order_by": "created"}
    return await rec.zhihu(f"/api/v4/members/{token}/answers", params, status=status)


async def tieba_threads(rec: Recorder, portrait: str = TIEBA_PORTRAIT, pn: int = 1) -> httpx.Response:
    """GET /c/u/feed/myThread, md5-signed."""
    return await rec.tieba_get("/c/u/feed/myThread", tieba_sign({"pn": pn, "rn": 20, "portrait": portrait,
                                                                  "type": 1, "un": ""}))  # fmt: skip


@dataclass(frozen=True)
class Listing:
    """What one platform's list answer holds: its post ids, and the author id its posts carry."""

    ids: list[str]
    author_id: str


def listing(platform: str, payload: dict[str, Any]) -> Listing:
    """Return the post ids of a list answer as the parsers name posts, and the expected author id."""
    if platform == "xiaohongshu":
        return Listing([n["note_id"] for n in payload["data"]["notes"]], XHS_USER)
    if platform == "douyin":
        return Listing([a["aweme_id"] for a in payload["aweme_list"]], SEC_UID)
    if platform == "bilibili":
        return Listing([v["bvid"] for v in payload["data"]["list"]["vlist"]], BILI_MID)
    if platform == "kuaishou":
        return Listing([f["photo"]["id"] for f in payload["feeds"]], KS_USER)
    if platform == "zhihu":
        return Listing([str(a["id"]) for a in payload["data"]], ZHIHU_AUTHOR["id"])
    assert platform == "tieba"
    return Listing([str(t["thread_info"]["tid"]) for t in payload["data"]["list"]], TIEBA_PORTRAIT)
