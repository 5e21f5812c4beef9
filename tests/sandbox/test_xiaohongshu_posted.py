"""The Xiaohongshu replay of a creator's note list (GET /api/sns/web/v1/user_posted), signed as the adapter signs.

No capture of the list exists: the replay serves real search sample items under the documented fields, several
pages chained by a real cursor (the last note id), with the same checks and risk answers as every edith call.
"""

from __future__ import annotations

import itertools
from typing import Any

import httpx

from keypick.sandbox.xiaohongshu_data import real_users
from tests.sandbox.test_xiaohongshu import COOKIE, FEED, call, comment_query, feed_body

from .conftest import ANCHOR

POSTED = "/api/sns/web/v1/user_posted"
USER = "3600bc5f000000000b09828e"  # 用户甲 of search_notes-1
FIELDS = {"note_id", "xsec_token", "xsec_source", "display_title", "type", "user", "interact_info", "cover"}


def query(user_id: str = USER, cursor: str = "", **changes: Any) -> dict[str, Any]:
    """The query the adapter sends."""
    params = {"num": 30, "cursor": cursor, "user_id": user_id, "image_formats": "jpg,webp,avif", "xsec_token": "",
              "xsec_source": "pc_feed"}  # fmt: skip
    return params | changes


async def posted(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await call(client, "GET", POSTED, query(**params))
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()
    return payload


async def test_pages_chain_by_the_last_note_id_and_end(client: httpx.AsyncClient) -> None:
    notes: list[dict[str, Any]] = []
    cursor, sizes = "", []
    while True:
        payload = await posted(client, cursor=cursor)
        assert payload["success"] is True and payload["code"] == 0
        data = payload["data"]
        sizes.append(len(data["notes"]))
        notes += data["notes"]
        assert data["cursor"] == data["notes"][-1]["note_id"]
        if not data["has_more"]:
            break
        cursor = data["cursor"]
    assert sizes == [30, 30, 30, 10] and len({n["note_id"] for n in notes}) == 100
    user = real_users()[USER]
    for note in notes:
        assert set(note) <= FIELDS and FIELDS - set(note) <= {"display_title"}  # some real items have none
        assert note["user"] == {"user_id": USER, "nickname": user["nickname"], "avatar": user["avatar"]}
        assert note["xsec_source"] == "pc_feed" and note["xsec_token"].startswith("AB")
        assert set(note["interact_info"]) == {"liked", "liked_count"} and note["type"] in ("normal", "video")
        assert "｜" not in note.get("display_title", "")  # no search keyword woven into a user's own titles
    assert len({n["xsec_token"] for n in notes}) == 100  # one token per note
    seconds = [int(n["note_id"][:8], 16) for n in notes]  # ObjectId-shaped ids: newest first, before the anchor
    assert all(a > b for a, b in itertools.pairwise(seconds)) and seconds[0] <= ANCHOR.timestamp()
    again = await posted(client, cursor=notes[29]["note_id"])
    assert again["data"]["notes"] == notes[30:60]  # deterministic


async def test_listed_notes_open_with_their_own_token_only(client: httpx.AsyncClient) -> None:
    first, second = (await posted(client))["data"]["notes"][:2]
    item = {"id": first["note_id"], "xsec_token": first["xsec_token"]}
    detail = (await call(client, "POST", FEED, feed_body(item) | {"xsec_source": "pc_feed"})).json()
    card = detail["data"]["items"][0]["note_card"]
    assert card["note_id"] == first["note_id"] and card["user"]["user_id"] == USER
    assert not any(t["name"].startswith("user:") for t in card["tag_list"])
    refused = (await call(client, "POST", FEED, feed_body(item, token=second["xsec_token"]))).json()
    assert (refused["code"], refused["msg"]) == (-1, "访问链接异常")
    comments = (await call(client, "GET", "/api/sns/web/v2/comment/page", comment_query(item))).json()
    assert comments["success"] is True and comments["data"]["comments"]


async def test_refusals(client: httpx.AsyncClient) -> None:
    unknown = await posted(client, user_id="0123456789abcdef01234567")
    assert (unknown["code"], unknown["success"], unknown["msg"]) == (-1, False, "用户不存在")
    assert (await posted(client, xsec_token="not-a-token"))["msg"] == "访问链接异常"
    assert (await posted(client, xsec_token="ABqjFwQVaCC0slr7d99ZozueVfzG8oe1ejkMCBR85O034="))["success"] is True
    assert "cursor" in (await posted(client, cursor="0123456789abcdef01234567"))["msg"]
    for bad in ({"num": 31}, {"num": 0}, {"user_id": "5f0c0a"}):
        assert (await posted(client, **bad))["msg"].startswith("参数错误")
    missing = query()
    del missing["xsec_source"]
    answer = (await call(client, "GET", POSTED, missing)).json()
    assert answer["code"] == -1 and "xsec_source" in answer["msg"]
    unsigned = await call(client, "GET", POSTED, query(), drop=("X-S",))
    assert unsigned.status_code == 406
    logged_out = await call(client, "GET", POSTED, query(), cookie="webId=1", signed_for=COOKIE)
    assert logged_out.json()["code"] == -101


async def test_faults_apply_to_the_list(client: httpx.AsyncClient) -> None:
    async def arm(*faults: str) -> None:
        assert (await client.post("/_sandbox/faults", json=list(faults))).status_code == 200

    await arm(f"business_error:300011@keyword=user:{USER}")
    blocked = await posted(client)
    assert (blocked["code"], blocked["success"]) == (300011, False)
    assert (await posted(client, user_id="553226000000000005066392"))["success"] is True  # another user
    await arm()
    second = (await posted(client))["data"]["cursor"]
    await arm("verification@path=/api/sns/web/v1/user_posted,page=2")
    assert (await call(client, "GET", POSTED, query())).status_code == 200  # page 1 goes through
    captcha = await call(client, "GET", POSTED, query(cursor=second))
    assert captcha.status_code == 461 and captcha.headers["verifytype"]
    await arm("empty_page@path=/api/sns/web/v1/user_posted")
    assert (await posted(client))["data"] == {"notes": [], "cursor": "", "has_more": False}
    await arm("login_expired@path=/api/sns/web/v1/user_posted")
    assert (await posted(client))["code"] == -100
    log = (await client.get("/_sandbox/requests")).json()["requests"]
    listed = [r for r in log if r["path"].endswith(POSTED)]
    assert listed and all(r["headers"]["x-s"].startswith("XYS_") and r["headers"]["x-t"].isdigit() for r in listed)
    assert listed[-1]["faults"] == ["login_expired@path=/api/sns/web/v1/user_posted"]
