"""A user's post list (/aweme/v1/web/aweme/post/) and the creator keyword. No real capture of the list exists:
its items are the real aweme objects of the search capture (the shape the list carries, platforms.md §2.1)
under the documented envelope, and must read as the same posts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from keypick.cli.main import app
from keypick.exceptions import LoginRequired, ParseError, RiskControl, VerificationRequired
from keypick.platforms import registry
from keypick.platforms.douyin import PARSE_KINDS
from keypick.platforms.douyin.parsers import parse_aweme
from keypick.platforms.douyin.posts import creator_keyword, parse_user_posts
from tests.platforms.douyin.payloads import FETCHED_AT, aweme
from tests.platforms.douyin.test_parsers import EXPECTED

SEC_UID = "MS4wLjABAAAAPmoug13e0rU2uePaPL55-PQjtEenOTM-An-acSgbnin8sfKmjCRcJfrToxKLcpv9"


def _page(awemes: list[Any], *, has_more: Any = 1, max_cursor: Any = 1765966706000) -> dict[str, Any]:
    return {"status_code": 0, "status_msg": "", "aweme_list": awemes, "has_more": has_more, "max_cursor": max_cursor}


def test_list_items_read_like_the_search_cards() -> None:
    awemes = [aweme(i) for i in range(8)]
    result = parse_user_posts(_page(awemes), fetched_at=FETCHED_AT)
    assert (len(result.posts), result.skipped, result.has_more, result.max_cursor) == (8, 0, True, 1765966706000)
    for post, raw, expected in zip(result.posts, awemes, EXPECTED, strict=True):
        aweme_id, note, likes, collects, comments, shares, nickname, sec_tail, uid, when, n_images = expected
        assert post == parse_aweme(raw, fetched_at=FETCHED_AT)
        assert post.id == aweme_id and isinstance(post.id, str)
        assert (post.likes, post.collects, post.comments, post.shares) == (likes, collects, comments, shares)
        assert all(isinstance(n, int) for n in (post.likes, post.collects, post.comments, post.shares))
        assert post.author == nickname and post.author_id is not None and post.author_id.endswith(sec_tail)
        assert post.platform_data["author_uid"] == uid and isinstance(post.platform_data["author_uid"], str)
        assert post.publish_time is not None and post.publish_time.isoformat().startswith(when)
        assert post.url is not None and post.url.endswith(f"/{'note' if note else 'video'}/{aweme_id}")
        assert len(post.images) == n_images
    assert result.posts[0].author_id == SEC_UID


def test_cursor_and_end() -> None:
    one = [aweme(0)]
    assert parse_user_posts(_page(one, has_more=0), fetched_at=FETCHED_AT).has_more is False
    strings = parse_user_posts(_page(one, has_more="1", max_cursor="1765966706000"), fetched_at=FETCHED_AT)
    assert (strings.has_more, strings.max_cursor) == (True, 1765966706000)
    empty = parse_user_posts(_page([], has_more=1), fetched_at=FETCHED_AT)  # nothing listed: the end
    assert (empty.posts, empty.has_more) == ([], False)
    null = parse_user_posts(_page(None, has_more=0, max_cursor=0), fetched_at=FETCHED_AT)  # Douyin's null list
    assert (null.posts, null.has_more, null.max_cursor) == ([], False, 0)
    repeated = parse_user_posts(_page([aweme(0), aweme(1), aweme(0)]), fetched_at=FETCHED_AT)
    assert ([p.id for p in repeated.posts], repeated.skipped) == ([EXPECTED[0][0], EXPECTED[1][0]], 1)


@pytest.mark.parametrize(
    "payload",
    [_page(None), _page({}), _page([aweme(0)], has_more=2), _page([aweme(0)], has_more=None),
     _page([{"desc": "no id"}]), _page(["7584769166932233472"]), _page([aweme(0)], max_cursor="soon"),
     {"aweme_list": []}, []],
)  # fmt: skip
def test_bad_shapes_raise_parse_error(payload: Any) -> None:
    with pytest.raises(ParseError, match="douyin creator_posts"):
        parse_user_posts(payload, fetched_at=FETCHED_AT)


def test_error_envelopes_raise_the_mapped_errors() -> None:
    with pytest.raises(LoginRequired):
        parse_user_posts({"status_code": 8, "status_msg": "用户未登录"}, fetched_at=FETCHED_AT)
    with pytest.raises(VerificationRequired):
        parse_user_posts({"status_code": 2483, "status_msg": ""}, fetched_at=FETCHED_AT)
    # The blocked/empty body is refused at the client's choke point (constants.body_error) before parsing:
    from keypick.platforms.douyin.constants import body_error

    assert isinstance(body_error("", endpoint="creator_posts"), RiskControl)
    assert isinstance(body_error("blocked", endpoint="creator_posts"), RiskControl)


def test_creator_keyword_is_a_sec_uid_or_a_profile_link() -> None:
    assert creator_keyword(f" {SEC_UID} ") == SEC_UID
    assert creator_keyword(f"https://www.douyin.com/user/{SEC_UID}?from_tab_name=main&vid=7584769166932233472") == (
        SEC_UID
    )
    assert creator_keyword(f"https://douyin.com/user/{SEC_UID}/") == SEC_UID
    for bad in ("8469643826572106", "MS4wLjABAAAA", f"https://www.douyin.com/video/{EXPECTED[0][0]}",
                f"https://evil.example/user/{SEC_UID}", f"{SEC_UID}!", "用户甲"):  # fmt: skip
        with pytest.raises(ValueError) as caught:
            creator_keyword(bad)
        # What was sent is quoted, also when it is a link on the right host with the wrong path.
        assert str(caught.value).startswith(f"{bad!r} is neither a Douyin sec_uid"), caught.value


def test_parse_kind_and_cli(tmp_path: Path) -> None:
    assert set(PARSE_KINDS) == {"search", "detail", "comments", "creator", "creator_posts"}
    payload = _page([aweme(i) for i in range(3)], has_more=0)
    posts = registry.parse_raw("douyin", "creator_posts", payload, fetched_at=FETCHED_AT)
    assert [p.id for p in posts] == [e[0] for e in EXPECTED[:3]]
    saved = tmp_path / "aweme_post.json"
    saved.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["parse", "dy", "creator_posts", str(saved)])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in result.output.splitlines()] == [p.id for p in posts]
    saved.write_text(json.dumps({"status_code": 0, "data": []}), encoding="utf-8")
    refused = CliRunner().invoke(app, ["parse", "dy", "creator_posts", str(saved)])
    assert refused.exit_code == 2 and "not a douyin creator_posts response" in refused.output
