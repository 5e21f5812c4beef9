"""A creator's note list (user_posted) and the creator keyword. No real capture of user_posted exists: each
note here is a real search sample item (xhs/search_notes-1/2) under the documented fields, and must read as
the same note, keeping its own xsec_token."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from keypick.cli.main import app
from keypick.exceptions import LoginRequired, ParseError, RiskControl
from keypick.platforms import registry
from keypick.platforms.xiaohongshu.parsers import parse_note_card
from keypick.platforms.xiaohongshu.posted import CreatorRef, creator_keyword, parse_creator_ref, parse_user_posted
from tests.platforms.xiaohongshu.payloads import FETCHED_AT, sample

SHARED = ("id", "title", "likes", "author", "author_id", "author_avatar", "content", "tags", "videos")
USER = "3600bc5f000000000b09828e"
PROFILE = f"https://www.xiaohongshu.com/user/profile/{USER}"


def _items() -> list[dict[str, Any]]:
    items = [i for n in (1, 2) for i in sample(f"search_notes-{n}")["data"]["items"] if i["model_type"] == "note"]
    assert len(items) == 10
    return items


def _listed(item: dict[str, Any], source: str | None = "pc_user") -> dict[str, Any]:
    """A real search item under user_posted's field names (platforms.md §1.1)."""
    card = item["note_card"]
    note = {
        "note_id": item["id"],
        "xsec_token": item["xsec_token"],
        "type": card["type"],
        "user": {k: card["user"][k] for k in ("user_id", "nickname", "avatar")},
        "interact_info": {k: card["interact_info"][k] for k in ("liked", "liked_count")},
        "cover": card["cover"],
    }
    if "display_title" in card:
        note["display_title"] = card["display_title"]
    return note | ({"xsec_source": source} if source else {})  # fmt: skip


def _page(notes: list[dict[str, Any]], *, cursor: str | None = None, has_more: bool = True) -> dict[str, Any]:
    last = notes[-1]["note_id"] if notes else ""
    data = {"notes": notes, "cursor": last if cursor is None else cursor, "has_more": has_more}
    return {"code": 0, "success": True, "msg": "成功", "data": data}


def test_listed_notes_read_like_the_search_items() -> None:
    items = _items()
    result = parse_user_posted(_page([_listed(i) for i in items]), fetched_at=FETCHED_AT)
    assert (len(result.posts), result.skipped, result.has_more, result.cursor) == (10, 0, True, items[-1]["id"])
    for post, item in zip(result.posts, items, strict=True):
        expected = parse_note_card(item["note_card"], fetched_at=FETCHED_AT, note_id=item["id"],
                                   xsec_token=item["xsec_token"], xsec_source="pc_user")  # fmt: skip
        assert {k: getattr(post, k) for k in SHARED} == {k: getattr(expected, k) for k in SHARED}
        assert isinstance(post.id, str) and isinstance(post.likes, int)
        assert post.likes == int(item["note_card"]["interact_info"]["liked_count"])
        # The note's own token and source: complete() sends exactly these to the feed.
        assert post.platform_data["xsec_token"] == item["xsec_token"] and post.platform_data["xsec_source"] == "pc_user"
        assert post.url is not None and post.url == expected.url and "xsec_source=pc_user" in post.url
        assert post.platform_data["note_type"] == item["note_card"]["type"]
        assert post.platform_data.get("cover") == expected.platform_data.get("cover")
        assert post.publish_time is None and post.images == []  # the list has neither; complete() brings them
        assert post.raw is not None and post.raw["note_id"] == item["id"]
    first = result.posts[0]
    assert first.title == "入夏后吃榴莲，把阳气“吃”进肚子里‼️" and first.author == "用户甲" and first.likes == 3496
    assert first.author_id == USER and first.author_info is not None and first.author_info.author_id == USER
    assert first.platform_data["cover"] == _items()[0]["note_card"]["cover"]["url_default"]
    assert result.posts[1].title is None  # that real item has no display_title


def test_cursor_has_more_and_repeats() -> None:
    notes = [_listed(i) for i in _items()]
    assert parse_user_posted(_page(notes[:3], has_more=False), fetched_at=FETCHED_AT).has_more is False
    assert parse_user_posted(_page(notes[:3], cursor=""), fetched_at=FETCHED_AT).has_more is False  # nowhere to go
    empty = parse_user_posted(_page([], cursor="abc"), fetched_at=FETCHED_AT)
    assert (empty.posts, empty.has_more) == ([], False)
    end = {"code": 0, "success": True, "data": {"has_more": False}}  # the end may come without notes
    assert parse_user_posted(end, fetched_at=FETCHED_AT).posts == []
    repeated = parse_user_posted(_page([notes[0], notes[1], notes[0]]), fetched_at=FETCHED_AT)
    assert ([p.id for p in repeated.posts], repeated.skipped) == ([notes[0]["note_id"], notes[1]["note_id"]], 1)
    unsourced = parse_user_posted(_page([_listed(_items()[0], source=None)]), fetched_at=FETCHED_AT)
    assert unsourced.posts[0].platform_data["xsec_source"] == "pc_feed"  # the request's documented default


@pytest.mark.parametrize(
    "payload",
    [{"code": 0, "success": True, "data": {"has_more": True}}, {"code": 0, "success": True, "data": []},
     {"code": 0, "success": True, "data": {"notes": {}, "has_more": True}},
     {"code": 0, "success": True, "data": {"notes": [{"display_title": "x"}], "has_more": True}},
     {"code": 0, "success": True, "data": {"notes": ["6825bbe1000000002301e347"]}}, {"notes": []}, []],
)  # fmt: skip
def test_bad_shapes_raise_parse_error(payload: Any) -> None:
    with pytest.raises(ParseError, match="creator_posts"):
        parse_user_posted(payload, fetched_at=FETCHED_AT)


def test_risk_answers_raise_the_mapped_errors() -> None:
    with pytest.raises(RiskControl):
        parse_user_posted({"code": 300011, "success": False, "msg": "当前账号存在异常"}, fetched_at=FETCHED_AT)
    with pytest.raises(RiskControl):
        parse_user_posted({"code": 300012, "success": False, "msg": "网络连接异常"}, fetched_at=FETCHED_AT)
    with pytest.raises(LoginRequired):
        parse_user_posted({"code": -100, "success": False, "msg": "登录已过期"}, fetched_at=FETCHED_AT)


def test_creator_keyword_is_a_user_id_or_a_profile_link() -> None:
    token = "ABqjFwQVaCC0slr7d99ZozueVfzG8oe1ejkMCBR85O034="
    assert parse_creator_ref(USER) == CreatorRef(USER) and creator_keyword(f"  {USER} ") == USER
    link = f"{PROFILE}?xsec_token=ABqjFwQVaCC0slr7d99ZozueVfzG8oe1ejkMCBR85O034%3D&xsec_source=pc_note"
    assert parse_creator_ref(link) == CreatorRef(USER, token, "pc_note")
    assert creator_keyword(link) == link  # already canonical
    # Other params, a trailing slash, http and the bare domain: the canonical link keeps the token and source.
    messy = f"http://xiaohongshu.com/user/profile/{USER}/?channel_type=web_note_detail_r10&xsec_token={token}"
    assert creator_keyword(messy) == f"{PROFILE}?xsec_token={token.replace('=', '%3D')}"
    assert parse_creator_ref(creator_keyword(messy)).xsec_token == token
    assert creator_keyword(f"{PROFILE}?xsec_source=pc_note") == USER  # no token: the id says it all
    for bad in (
        "5f0c0a",
        USER.upper(),
        f"{USER}0",
        "https://www.xiaohongshu.com/explore/6825bbe1000000002301e347",
        f"https://evil.example/user/profile/{USER}",
        f"ftp://www.xiaohongshu.com/user/profile/{USER}",
        "",
    ):
        with pytest.raises(ValueError, match="24 hex digits"):
            creator_keyword(bad)
    with pytest.raises(ValueError, match="longer than 255"):
        creator_keyword(f"{PROFILE}?xsec_token={'A' * 250}")


def test_parse_kind_and_cli(tmp_path: Path) -> None:
    payload = _page([_listed(i) for i in _items()[:4]])
    posts = registry.parse_raw("xiaohongshu", "creator_posts", payload, fetched_at=FETCHED_AT)
    assert [p.id for p in posts] == [i["id"] for i in _items()[:4]]
    saved = tmp_path / "user_posted.json"
    saved.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["parse", "xhs", "creator_posts", str(saved)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["id"] for r in records] == [p.id for p in posts] and all(r["author_id"] for r in records)
    wrong = CliRunner().invoke(app, ["parse", "xhs", "creator_posts", str(tmp_path / "none.json")])
    assert wrong.exit_code == 2
    saved.write_text(json.dumps(sample("search_notes-1"), ensure_ascii=False), encoding="utf-8")
    refused = CliRunner().invoke(app, ["parse", "xhs", "creator_posts", str(saved)])
    assert refused.exit_code == 2 and "not a xiaohongshu creator_posts response" in refused.output
