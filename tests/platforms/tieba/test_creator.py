"""The parser of a user's own threads (GET /c/u/feed/myThread), field by field.

No real capture of this endpoint (nor of any Tieba JSON) exists: the envelope follows platforms.md §6.2
(`data.list[].thread_info.tid/id`, `data.has_more`), and every thread_info is filled with a REAL post of
the captured search page (samples/tieba/search_result-1.html: tid, title, time), as the page_pc `thread`
object carries them.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

import pytest

from keypick.exceptions import DataFetchError, LoginRequired, ParseError, RateLimited, VerificationRequired
from keypick.platforms import registry
from keypick.platforms.tieba.constants import clean_title
from keypick.platforms.tieba.creator import parse_user_threads
from keypick.platforms.tieba.endpoints import clean_portrait
from keypick.sandbox.tieba_data import real_posts
from tests.platforms.tieba.payloads import FETCHED_AT, PORTRAIT, my_thread


def _infos() -> list[dict[str, Any]]:
    """One thread_info per real post of the captured page (ints, as the JSON API writes ids)."""
    return [{"tid": int(p.tid), "id": int(p.tid), "title": p.title, "reply_num": 3 + i,
             "create_time": int(p.when.timestamp())} for i, p in enumerate(real_posts())]  # fmt: skip


def test_threads_of_the_real_posts_field_by_field() -> None:
    result = parse_user_threads(my_thread(*_infos()), fetched_at=FETCHED_AT, portrait=PORTRAIT)
    assert len(result.posts) == 10 and result.skipped == 0 and not result.end
    for index, (post, real) in enumerate(zip(result.posts, real_posts(), strict=True)):
        assert isinstance(post.id, str) and post.id == real.tid and post.platform == "tieba"
        assert post.url == f"https://tieba.baidu.com/p/{real.tid}"
        assert post.title == clean_title(real.title) and post.title
        assert post.publish_time == real.when.astimezone(UTC)
        assert post.comments == 3 + index and isinstance(post.comments, int) and post.likes is None
        # The list is the user's: every thread is theirs; its text comes later from page_pc.
        assert post.author_id == PORTRAIT and post.author is None
        assert (
            post.author_info is not None
            and post.author_info.profile_url == f"https://tieba.baidu.com/home/main?id={PORTRAIT}"
        )
        assert post.content == "" and post.platform_data == {"content_is_snippet": True}
        assert post.crawl_time == FETCHED_AT and post.raw == _infos()[index]


def test_ids_as_strings_either_field_and_repeats() -> None:
    first, second = _infos()[:2]
    only_id = {k: v for k, v in first.items() if k != "tid"}
    only_tid = {k: str(v) if k == "tid" else v for k, v in second.items() if k != "id"}
    result = parse_user_threads(my_thread(only_id, only_tid, only_id), fetched_at=FETCHED_AT, portrait=PORTRAIT)
    assert [p.id for p in result.posts] == [str(first["id"]), str(second["tid"])] and result.skipped == 1


@pytest.mark.parametrize(("has_more", "end"), [(1, False), (0, True), (True, False), (False, True), ("1", False),
                                                ("0", True)])  # fmt: skip
def test_has_more_ends_the_list(has_more: Any, end: bool) -> None:
    result = parse_user_threads(my_thread(*_infos()[:3], has_more=has_more), fetched_at=FETCHED_AT)
    assert result.end is end and len(result.posts) == 3


def test_an_empty_list_ends_even_with_has_more() -> None:
    result = parse_user_threads(my_thread(has_more=1), fetched_at=FETCHED_AT, portrait=PORTRAIT)
    assert result.end and result.posts == []


@pytest.mark.parametrize(
    ("payload", "match"),
    [
        ({"error_code": 0, "data": {"has_more": 0}}, "expected data.list"),
        ({"error_code": 0, "data": {"list": {}, "has_more": 0}}, "expected data.list"),
        ({"error_code": 0}, "expected data.list"),
        ({"error_code": 0, "data": {"list": []}}, "has_more"),
        ({"error_code": 0, "data": {"list": [], "has_more": "maybe"}}, "has_more"),
        ({"error_code": 0, "data": {"list": [{"title": "no info"}], "has_more": 0}}, "thread_info"),
        (my_thread({"title": "no id"}), "no tid nor id"),
        ([], "expected a JSON object"),
    ],
)
def test_bad_shapes_are_parse_errors(payload: Any, match: str) -> None:
    with pytest.raises(ParseError, match=match) as caught:
        parse_user_threads(payload, fetched_at=FETCHED_AT)
    assert caught.value.endpoint == "creator_posts"


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"error_code": 110001, "error_msg": "未登录"}, LoginRequired),
        ({"error_code": 4, "error_msg": "用户不存在"}, DataFetchError),
        ({"error_code": 220034, "error_msg": "sign error"}, DataFetchError),
        ({"error_code": 1990055, "error_msg": "请完成验证"}, VerificationRequired),
        ({"no": 7, "error": "操作太频繁"}, RateLimited),
    ],
)
def test_error_codes_raise_their_typed_error(payload: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        parse_user_threads(payload, fetched_at=FETCHED_AT)
    assert caught.value.endpoint == "creator_posts"  # type: ignore[attr-defined]


def test_portraits_and_profile_links_are_cleaned() -> None:
    assert clean_portrait(f"https://tieba.baidu.com/home/main?id={PORTRAIT}&fr=home") == PORTRAIT
    assert clean_portrait(f"/home/main?id={PORTRAIT}%3Ft%3D1722847500") == PORTRAIT
    assert clean_portrait(f"{PORTRAIT}?t=1722847500") == PORTRAIT
    assert clean_portrait("https://tieba.baidu.com/home/main?un=someone") is None


def test_creator_posts_parse_kind() -> None:
    posts = registry.parse_raw("tieba", "creator_posts", my_thread(*_infos()), fetched_at=FETCHED_AT)
    assert [p.id for p in posts] == [p.tid for p in real_posts()] and {p.author_id for p in posts} == {None}
    assert set(registry.PARSE_KINDS["tieba"]) == {"search", "detail", "comments", "creator", "creator_posts"}
