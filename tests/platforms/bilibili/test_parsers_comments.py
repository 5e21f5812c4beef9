"""Bilibili comment parsers, field by field, on the three real reply captures.

reply-2 (/x/v2/reply, 2026) has 6 roots with 3 embedded replies each and IP locations; reply-1
(/x/v2/reply, 2022) has 5 roots without; reply_wbi_main-1 (/x/v2/reply/wbi/main, mode 2) has 2
roots and the cursor. The /x/v2/reply/reply page was never captured: it is built in payloads.py
from a real reply-2 root and its real replies. Pinned comments were never captured either; their
test moves a real root into top_replies.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from keypick.content.schemas import Comment
from keypick.exceptions import LoginRequired, ParseError, RiskControl
from keypick.platforms.bilibili import PARSE_KINDS
from keypick.platforms.bilibili.parsers import parse_comments_page
from tests.platforms.bilibili.payloads import FETCHED_AT, reply_main, reply_modern, reply_old, sub_replies

POST = "BV1M1421t7hT"


def _parse(payload: Any) -> list[Comment]:
    return parse_comments_page(payload, post_id=POST, fetched_at=FETCHED_AT).comments


@pytest.mark.parametrize("payload", [reply_modern(), reply_old(), reply_main()], ids=["reply-2", "reply-1", "main"])
def test_every_reply_maps_its_raw_fields(payload: dict[str, Any]) -> None:
    by_id = {c.comment_id: c for c in _parse(payload)}
    raws = [(r, None) for r in payload["data"]["replies"]]
    raws += [(s, str(r["rpid"])) for r, _ in raws for s in r.get("replies") or []]
    assert len(by_id) == len(raws)
    for raw, root in raws:
        comment = by_id[raw["rpid_str"]]
        assert comment.post_id == POST and comment.platform == "bilibili" and comment.parent_id == root
        assert comment.author == raw["member"]["uname"] and comment.author_id == raw["member"]["mid"]
        assert isinstance(comment.author_id, str) and str(raw["mid"]) == comment.author_id  # int twin agrees
        assert comment.content == raw["content"]["message"]
        assert comment.likes == raw["like"] and comment.reply_count == raw["rcount"]
        assert comment.publish_time == datetime.fromtimestamp(raw["ctime"], UTC)
        location = raw.get("reply_control", {}).get("location")
        assert comment.ip_location == (location.removeprefix("IP属地：") if location else None)
        # The raw record leaves out the embedded replies: they are stored as comments of their own.
        assert comment.raw == {k: v for k, v in raw.items() if k != "replies"}


def test_reply2_first_root_field_by_field() -> None:
    first = _parse(reply_modern())[0]
    assert first.comment_id == "237106897104" and first.parent_id is None
    assert (first.author, first.author_id) == ("用户甲", "794383850")
    assert first.content == "身伤易愈，心伤难合"
    assert (first.likes, first.reply_count) == (192, 20)
    assert first.publish_time == datetime(2024, 8, 11, 10, 51, 30, tzinfo=UTC)
    assert first.ip_location == "湖南"
    assert first.platform_data == {
        "author_avatar": "https://i0.hdslb.com/bfs/face/9785442795680f036164f7674a12985450f6cf99.jpg",
        "author_level": 6,
        "pictures": ["http://i0.hdslb.com/bfs/new_dyn/07982bc137fae62b3bd58ac18afe98f1227542137.jpg"],
        "up_liked": False,
    }


def test_reply2_replies_are_flattened_under_their_root_with_whom_they_answer() -> None:
    comments = _parse(reply_modern())
    assert [(c.comment_id, c.parent_id) for c in comments[:4]] == [
        ("237106897104", None),
        ("237108982016", "237106897104"),
        ("237109513696", "237106897104"),
        ("237495603232", "237106897104"),
    ]
    answer = comments[3]
    assert answer.content == "回复 @用户丁 :铁锁连舟而行，东吴水师可破"
    assert answer.platform_data["reply_to"] == "237109513696"  # a reply to a reply, not to the root
    assert "reply_to" not in comments[1].platform_data
    assert (answer.ip_location, answer.publish_time) == ("辽宁", datetime(2024, 8, 13, 9, 48, 56, tzinfo=UTC))


def test_reply2_paging_and_pending_roots() -> None:
    result = parse_comments_page(reply_modern(), post_id=POST, fetched_at=FETCHED_AT)
    assert (result.next, result.end) == (2, False)  # page 1 of 20 out of 2240
    # Every root has more replies (rcount 20, 5, 36, ...) than the three embedded.
    assert list(result.pending) == ["237106897104", "237108055680", "237107365072", "237193867152",
                                    "237190775680", "237116942032"]  # fmt: skip
    assert result.pending["237106897104"] == ["237108982016", "237109513696", "237495603232"]
    assert result.pinned == []


def test_reply1_first_root_field_by_field() -> None:
    result = parse_comments_page(reply_old(), post_id=POST, fetched_at=FETCHED_AT)
    first = result.comments[0]
    assert (first.comment_id, first.parent_id, first.author, first.author_id) == (
        "104192624480", None, "用户甲", "586597886",
    )  # fmt: skip
    assert first.content.startswith("我赶上了我们这个年龄段二次元的末班车") and first.content.endswith("[大哭]")
    assert (first.likes, first.reply_count, first.ip_location) == (1, 0, None)
    assert first.publish_time == datetime(2022, 3, 2, 7, 18, 27, tzinfo=UTC)
    assert first.platform_data == {
        "author_avatar": "http://i1.hdslb.com/bfs/face/2c960373f6d0639742b39e5f89722322995001bc.jpg",
        "author_level": 4,
        "up_liked": False,
    }
    assert (len(result.comments), result.next, result.end, result.pending) == (5, 2, False, {})


def test_wbi_main_first_root_and_cursor() -> None:
    result = parse_comments_page(reply_main(), post_id=POST, fetched_at=FETCHED_AT)
    assert [c.comment_id for c in result.comments] == ["237740291920", "237689432448"]
    first = result.comments[0]
    assert (first.author, first.author_id, first.content) == ("用户己", "5137750152", "好多20年和18年的[辣眼睛]")
    assert (first.likes, first.ip_location) == (0, "江苏")
    assert first.publish_time == datetime(2024, 8, 14, 12, 42, 22, tzinfo=UTC)
    assert result.comments[1].ip_location == "甘肃"
    assert (result.next, result.end, result.pending) == (71859, False, {})


def test_wbi_main_is_end_and_null_replies_end() -> None:
    payload = reply_main()
    payload["data"]["cursor"]["is_end"] = True
    assert parse_comments_page(payload, post_id=POST, fetched_at=FETCHED_AT).end is True
    payload = reply_main()
    payload["data"]["replies"] = None  # a comment area without comments
    result = parse_comments_page(payload, post_id=POST, fetched_at=FETCHED_AT)
    assert result.comments == [] and result.end is True


def test_pinned_replies_lead_and_are_deduplicated() -> None:
    payload = reply_main()
    pinned = copy.deepcopy(payload["data"]["replies"][1])
    payload["data"]["top_replies"] = [pinned]
    result = parse_comments_page(payload, post_id=POST, fetched_at=FETCHED_AT)
    assert [c.comment_id for c in result.comments] == ["237689432448", "237740291920"]
    assert result.pinned == ["237689432448"]
    legacy = reply_old()
    legacy["data"]["upper"]["top"] = copy.deepcopy(legacy["data"]["replies"][2])
    assert parse_comments_page(legacy, post_id=POST, fetched_at=FETCHED_AT).pinned == ["104179775904"]


def test_sub_reply_page_built_from_reply2() -> None:
    result = parse_comments_page(sub_replies(), post_id=POST, fetched_at=FETCHED_AT)
    assert [c.parent_id for c in result.comments] == ["237106897104"] * 3  # from root_str, not given
    assert result.comments[2].platform_data["reply_to"] == "237109513696"
    assert (result.next, result.end, result.pending) == (2, False, {})  # 10 of 20
    assert parse_comments_page(sub_replies(pn=2), post_id=POST, fetched_at=FETCHED_AT).end is True


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"code": -352, "message": "风控校验失败"}, RiskControl),
        ({"code": -101, "message": "账号未登录"}, LoginRequired),
        ({"code": 0, "data": {"replies": []}}, ParseError),
        ({"code": 0, "data": {"cursor": {}, "replies": {"a": 1}}}, ParseError),
        ({"code": 0, "data": {"cursor": {}, "replies": [{"content": {}}]}}, ParseError),
    ],
)
def test_comment_errors(payload: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_comments_page(payload, post_id=POST, fetched_at=FETCHED_AT)


def test_parse_kind_comments_leaves_the_post_empty() -> None:
    records = PARSE_KINDS["comments"](reply_modern(), FETCHED_AT)
    assert len(records) == 24 and all(isinstance(r, Comment) and r.post_id == "" for r in records)
