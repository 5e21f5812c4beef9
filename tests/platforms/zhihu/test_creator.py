"""The parser of an author's answers (GET /api/v4/members/{url_token}/answers), field by field.

No real capture of this endpoint exists: the envelope follows platforms.md §7.1 (`data[]`, `paging.is_end`,
`paging.next`), and its items are the REAL answer objects of the search capture (search_v3-1.json),
the same shape as a search result's `object`, so every field is checked against that real object.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from keypick.exceptions import DataFetchError, LoginRequired, ParseError, RiskControl, VerificationRequired
from keypick.platforms import registry
from keypick.platforms.normalize import strip_html
from keypick.platforms.zhihu.creator import parse_member_answers
from keypick.platforms.zhihu.parsers import parse_content
from tests.platforms.zhihu.payloads import FETCHED_AT, member_answers

SHARED = ("id", "title", "content", "url", "likes", "comments", "collects", "author", "author_id", "author_avatar",
          "publish_time", "images", "platform_data")  # fmt: skip


def test_answers_field_by_field() -> None:
    payload = member_answers()
    page = parse_member_answers(payload, fetched_at=FETCHED_AT)
    assert len(page.posts) == 5 and page.skipped == 0 and page.next_offset == 20 and not page.end
    for post, obj in zip(page.posts, payload["data"], strict=True):
        assert isinstance(post.id, str) and post.id == str(obj["id"]) and post.platform == "zhihu"
        assert isinstance(post.likes, int) and post.likes == obj["voteup_count"]
        assert isinstance(post.comments, int) and post.comments == obj["comment_count"]
        assert post.publish_time == datetime.fromtimestamp(obj["created_time"], tz=UTC)
        question = obj["question"]
        assert post.platform_data["question_id"] == str(question["id"])
        assert post.url == f"https://www.zhihu.com/question/{question['id']}/answer/{obj['id']}"
        assert post.author_id == obj["author"]["id"] and len(post.author_id) == 32
        assert post.author == obj["author"]["name"] and post.author_info is not None
        assert post.content == strip_html(obj["content"]) and "<" not in post.content
        assert (
            post.platform_data["content_type"] == "answer" and post.platform_data["updated_time"] == obj["updated_time"]
        )
        assert post.crawl_time == FETCHED_AT and post.raw == obj
        # The same object from search gives the same post.
        same = parse_content(obj, fetched_at=FETCHED_AT)
        assert {k: getattr(post, k) for k in SHARED} == {k: getattr(same, k) for k in SHARED}


def test_objects_without_a_type_are_answers_and_repeats_are_skipped() -> None:
    payload = member_answers()
    payload["data"] = [{k: v for k, v in o.items() if k != "type"} for o in payload["data"]] + [payload["data"][0]]
    page = parse_member_answers(payload, fetched_at=FETCHED_AT)
    assert len(page.posts) == 5 and page.skipped == 1
    assert {p.platform_data["content_type"] for p in page.posts} == {"answer"}


def test_paging_end_and_next_offset() -> None:
    assert parse_member_answers(member_answers(offset=40), fetched_at=FETCHED_AT).next_offset == 60
    last = parse_member_answers(member_answers(is_end=True), fetched_at=FETCHED_AT)
    assert last.end and len(last.posts) == 5
    empty = parse_member_answers({"data": [], "paging": {"is_end": False, "next": ""}}, fetched_at=FETCHED_AT)
    assert empty.end and empty.posts == [] and empty.next_offset is None


@pytest.mark.parametrize(
    ("payload", "match"),
    [
        ({"paging": {"is_end": True}}, "expected data"),
        ({"data": []}, "paging"),
        ({"data": {}, "paging": {}}, "expected data"),
        ([], "expected data"),
        ({"data": [{"type": "article", "id": "1"}], "paging": {}}, "expected answer objects"),
        ({"data": ["3458972610"], "paging": {}}, "expected answer objects"),
        ({"data": [{"type": "answer", "id": 1.5e18}], "paging": {}}, "id"),
    ],
)
def test_bad_shapes_are_parse_errors(payload: Any, match: str) -> None:
    with pytest.raises(ParseError, match=match):
        parse_member_answers(payload, fetched_at=FETCHED_AT)


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        ({"code": 40362, "message": "您当前请求存在异常，暂时限制本次访问"}, RiskControl),
        ({"code": 101, "name": "ZERR_NOT_LOGIN", "message": "请求需要登录"}, LoginRequired),
        (
            {"code": 40352, "message": "验证", "redirect": "https://www.zhihu.com/account/unhuman?type=x"},
            VerificationRequired,
        ),
        ({"code": 404, "message": "你似乎来到了没有知识存在的荒原"}, DataFetchError),
    ],
)
def test_error_codes_raise_their_typed_error(error: dict[str, Any], kind: type[Exception]) -> None:
    with pytest.raises(kind) as caught:
        parse_member_answers({"error": error}, fetched_at=FETCHED_AT)
    assert caught.value.endpoint == "creator_posts" and caught.value.raw_code == error["code"]  # type: ignore[attr-defined]


def test_creator_posts_parse_kind() -> None:
    posts = registry.parse_raw("zhihu", "creator_posts", member_answers(), fetched_at=FETCHED_AT)
    assert len(posts) == 5 and all(p.platform_data["content_type"] == "answer" for p in posts)
    assert set(registry.PARSE_KINDS["zhihu"]) == {"search", "detail", "comments", "creator", "creator_posts"}
