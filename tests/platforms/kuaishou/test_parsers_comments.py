"""Kuaishou comment and sub-comment parsers (V2 snake_case, legacy camelCase fallbacks).

No real Kuaishou capture exists: the comments are the sandbox's reshaping of the 10 REAL
douyin comments (each field checked against the real one), plus a legacy page written
from the platforms.md §3.3 field list.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from keypick.exceptions import LoginRequired, ParseError, RateLimited
from keypick.platforms import registry
from keypick.platforms.kuaishou.parsers import parse_comments_page
from tests.platforms.kuaishou.payloads import (
    FETCHED_AT,
    documented_legacy_comments,
    douyin_comments,
    sandbox_data,
)

PHOTO = "3xphotoforcomments"


def _real(text: str, nickname: str) -> dict[str, Any]:
    (raw,) = [c for c in douyin_comments() if c["text"] == text and c["user"]["nickname"] == nickname]
    return raw


def test_root_page_field_by_field() -> None:
    body = sandbox_data().comments(PHOTO, 1)
    result = parse_comments_page({"result": 1, **body}, post_id=PHOTO, fetched_at=FETCHED_AT)
    assert len(result.comments) == 10 and result.pcursor == body["pcursorV2"] and not result.end
    assert result.total == body["commentCountV2"]
    for comment, raw in zip(result.comments, body["rootCommentsV2"], strict=True):
        real = _real(raw["content"], raw["author_name"])
        assert comment.comment_id == str(raw["comment_id"]) and comment.comment_id.isdigit()
        assert comment.post_id == PHOTO and comment.parent_id is None and comment.platform == "kuaishou"
        assert comment.content == real["text"].strip()
        assert comment.author == real["user"]["nickname"] and comment.author_id == raw["author_id"]
        assert comment.platform_data["author_avatar"] == real["user"]["avatar_thumb"]["url_list"][0]
        assert comment.reply_count == real["reply_comment_total"]
        assert comment.platform_data["has_sub_comments"] is (real["reply_comment_total"] > 0)
        assert comment.publish_time == datetime.fromtimestamp(raw["timestamp"] / 1000, tz=UTC)
        assert comment.likes is None  # V2 has no like count in the documented field list
    replied = [c.comment_id for c in result.comments if c.reply_count]
    assert result.with_replies == replied and replied


def test_sub_comment_page_has_the_parent() -> None:
    data = sandbox_data()
    root = next(r for r in data.comments(PHOTO, 1)["rootCommentsV2"] if r["commentCount"] > 10)
    first = data.replies(PHOTO, root, "")
    assert first is not None
    result = parse_comments_page({"result": 1, **first}, post_id=PHOTO, parent_id=str(root["comment_id"]),
                                 fetched_at=FETCHED_AT)  # fmt: skip
    assert len(result.comments) == 10 and not result.end and result.with_replies == []
    assert {c.parent_id for c in result.comments} == {str(root["comment_id"])}
    assert all(c.publish_time is not None and c.publish_time.timestamp() * 1000 >= root["timestamp"]
               for c in result.comments)  # fmt: skip


def test_last_page_and_empty_page_end() -> None:
    body = sandbox_data().comments(PHOTO, 3)
    assert body["pcursorV2"] == "no_more"
    assert parse_comments_page({"result": 1, **body}, post_id=PHOTO, fetched_at=FETCHED_AT).end
    empty = {"result": 1, "rootCommentsV2": [], "pcursorV2": "123", "commentCountV2": 0}
    result = parse_comments_page(empty, post_id=PHOTO, fetched_at=FETCHED_AT)
    assert result.end and result.comments == []  # a cursor with nothing under it would loop


def test_duplicates_on_one_page_are_dropped() -> None:
    body = sandbox_data().comments(PHOTO, 1)
    body["rootCommentsV2"].append(body["rootCommentsV2"][0])
    result = parse_comments_page({"result": 1, **body}, post_id=PHOTO, fetched_at=FETCHED_AT)
    assert len(result.comments) == 10


def test_legacy_camel_case_fallbacks() -> None:
    (comment,) = parse_comments_page(documented_legacy_comments(), post_id="p", fetched_at=FETCHED_AT).comments
    assert (comment.comment_id, comment.author_id, comment.author) == ("11", "22", "老用户")
    assert comment.reply_count == 3 and comment.platform_data["author_avatar"] == "https://p3.a.yximgs.com/h.jpg"
    assert comment.publish_time == datetime(2024, 6, 1, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("payload", "error", "text"),
    [
        ({"result": 2}, RateLimited, "result 2"),
        ({"result": 109, "error_msg": "请先登录"}, LoginRequired, "log in"),
        ({"result": 1, "pcursorV2": "no_more"}, ParseError, "rootCommentsV2"),
        ({"result": 1, "rootCommentsV2": [{"content": "no id"}]}, ParseError, "comment_id"),
        ({"result": 1, "rootCommentsV2": ["text"]}, ParseError, "comment_id"),
    ],
)
def test_comment_errors(payload: Any, error: type[Exception], text: str) -> None:
    with pytest.raises(error, match=text):
        parse_comments_page(payload, post_id="p", fetched_at=FETCHED_AT)


def test_comments_kind_through_the_registry() -> None:
    body = sandbox_data().comments(PHOTO, 2)
    comments = registry.parse_raw("kuaishou", "comments", {"result": 1, **body}, fetched_at=FETCHED_AT)
    assert len(comments) == 10 and all(c.post_id == "" for c in comments)
