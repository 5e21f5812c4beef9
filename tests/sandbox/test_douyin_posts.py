"""The www.douyin.com replay of a user's posts (/aweme/v1/web/aweme/post/), signed as the sandbox page signs.

No capture of the list exists: the replay serves the real awemes of the search capture, with the user as their
author, newest first, paged by max_cursor (the last post's create_time in ms), behind the same gateway, login
and fault handling as every Douyin call.
"""

from __future__ import annotations

import itertools
from typing import Any

import httpx

from keypick.platforms.douyin.parsers import parse_aweme
from keypick.sandbox.douyin_data import real_user
from tests.sandbox.test_douyin import LOGGED_IN, api_params, get

from .conftest import ANCHOR

POSTS = "/aweme/v1/web/aweme/post/"
#: 用户甲, the author of the capture's first aweme (anonymised, SOURCES.md).
SEC_UID = "MS4wLjABAAAAPmoug13e0rU2uePaPL55-PQjtEenOTM-An-acSgbnin8sfKmjCRcJfrToxKLcpv9"


def query(sec_uid: str = SEC_UID, max_cursor: int = 0, **changes: Any) -> dict[str, str]:
    """The query the adapter sends, common params first."""
    own = {"sec_user_id": sec_uid, "count": 18, "max_cursor": max_cursor, "locate_query": "false",
           "publish_video_strategy_type": 2}  # fmt: skip
    return api_params(**(own | changes))


async def posts(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await get(client, POSTS, query(**params))
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()
    return payload


async def test_pages_chain_by_max_cursor_and_end(client: httpx.AsyncClient) -> None:
    listed: list[dict[str, Any]] = []
    cursor, sizes = 0, []
    while True:
        page = await posts(client, max_cursor=cursor)
        assert page["status_code"] == 0 and set(page) == {"status_code", "status_msg", "aweme_list", "has_more",
                                                           "max_cursor"}  # fmt: skip
        sizes.append(len(page["aweme_list"]))
        listed += page["aweme_list"]
        assert page["max_cursor"] == page["aweme_list"][-1]["create_time"] * 1000
        if not page["has_more"]:
            break
        assert page["has_more"] == 1
        cursor = page["max_cursor"]
    assert sizes == [18, 18, 14] and len({a["aweme_id"] for a in listed}) == 50
    user = real_user(SEC_UID)
    assert user is not None
    for aweme in listed:
        assert aweme["author"] == user and aweme["author_user_id"] == int(user["uid"])
        assert not any(t.get("hashtag_name", "").startswith("user:") for t in aweme.get("text_extra") or [])
        post = parse_aweme(aweme, fetched_at=ANCHOR)  # the search cards' parser reads every item
        assert post.author_id == SEC_UID and post.publish_time is not None
    times = [a["create_time"] for a in listed]
    assert all(a > b for a, b in itertools.pairwise(times)) and times[0] <= ANCHOR.timestamp()
    again = await posts(client, max_cursor=listed[17]["create_time"] * 1000)
    assert again["aweme_list"] == listed[18:36]  # deterministic; a cursor is a time, not a token


async def test_unknown_users_refusals_and_the_gateway(client: httpx.AsyncClient) -> None:
    unknown = await posts(client, sec_uid="MS4wLjABAAAAunknownunknownunknown")
    assert (unknown["aweme_list"], unknown["has_more"]) == ([], 0)
    for bad in ({"sec_uid": "12345"}, {"count": 0}, {"locate_query": "true"}, {"publish_video_strategy_type": 0}):
        answer = await posts(client, **bad)
        assert answer["status_code"] == 2 and answer["status_msg"].startswith("参数错误")
    unsigned = await get(client, POSTS, query(), signed=False)
    assert unsigned.status_code == 200 and unsigned.content == b""  # Douyin's "blocked" answer
    logged_out = await get(client, POSTS, query(), headers={"User-Agent": LOGGED_IN["User-Agent"]})
    assert logged_out.json()["status_code"] == 8


async def test_faults_apply_to_the_list(client: httpx.AsyncClient) -> None:
    async def arm(*faults: str) -> None:
        assert (await client.post("/_sandbox/faults", json=list(faults))).status_code == 200

    first = await posts(client)
    await arm("blocked@path=/aweme/v1/web/aweme/post/,page=2")
    assert (await posts(client))["aweme_list"]  # page 1 goes through
    blocked = await get(client, POSTS, query(max_cursor=first["max_cursor"]))
    assert blocked.status_code == 200 and blocked.content == b""
    await arm(f"business_error:2483@keyword=user:{SEC_UID}")
    assert (await posts(client))["status_code"] == 2483
    await arm("empty_page@path=/aweme/v1/web/aweme/post/")
    assert (await posts(client))["aweme_list"] == []
    log = (await client.get("/_sandbox/requests")).json()["requests"]
    listed = [r for r in log if r["path"].endswith(POSTS)]
    assert len(listed) == 5 and all(r["params"].get("a_bogus") for r in listed)  # signed by the page hook
