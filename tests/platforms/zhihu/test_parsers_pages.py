"""Zhihu comment, page (js-initialData) and profile parsers, and `keypick parse` kinds.

No comment_v5 page, answer/article page or profile page was captured: these shapes are
BUILT from the field lists of platforms.md §7.1/§7.3 (payloads.py), with real values
(ids, texts, authors) from the search capture.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from keypick.exceptions import DataFetchError, LoginRequired, ParseError, RiskControl, VerificationRequired
from keypick.platforms import registry
from keypick.platforms.zhihu.parsers import (
    PARSE_KINDS,
    parse_comment_page,
    parse_detail_html,
    parse_people_html,
    parse_search_page,
)
from tests.platforms.zhihu.payloads import (
    FETCHED_AT,
    answer_page,
    comment,
    comment_page,
    people_page,
    result,
    search,
    state_page,
)


def test_root_comment_fields() -> None:
    raw = comment("10623946128", text="<p>说得对&amp;有道理<br/>第二行</p>", children=3, hot=True)
    page = parse_comment_page(comment_page([raw], next_offset="1712_10_0", is_end=False), post_id="42",
                              fetched_at=FETCHED_AT)  # fmt: skip
    (only,) = page.comments
    assert (only.comment_id, only.post_id, only.platform, only.parent_id) == ("10623946128", "42", "zhihu", None)
    assert only.content == "说得对&有道理\n第二行"
    assert (only.likes, only.reply_count) == (12, 3)
    assert only.publish_time == datetime.fromtimestamp(1712600000, tz=UTC)
    assert only.ip_location == "陕西"
    assert (only.author, only.author_id) == ("用户甲", "92f38183266a26012d15b1510593a537")
    assert only.platform_data["dislike_count"] == 1 and only.platform_data["is_hot"] is True
    assert only.platform_data["author_url_token"] == "gkduoutoqaab"
    assert "root_id" not in only.platform_data  # reply_root_comment_id "0"
    assert (page.next_offset, page.end, page.total) == ("1712_10_0", False, 20)


def test_child_comments_name_their_parent() -> None:
    items = [
        comment("201", text="回复根评论", reply_to="100", root="100"),
        comment("202", text="回复楼上", reply_to="201", root="100"),
        comment("203", text="没有 reply_comment_id", reply_to="", root="100"),
    ]
    page = parse_comment_page(comment_page(items), post_id="42", fetched_at=FETCHED_AT, root_id="100")
    assert [(c.comment_id, c.parent_id) for c in page.comments] == [("201", "100"), ("202", "201"), ("203", "100")]
    assert all(c.platform_data["root_id"] == "100" for c in page.comments)
    assert page.end is True


def test_comment_page_dedupes_skips_other_types_and_reads_member_authors() -> None:
    member = {"member": {"id": "abc", "url_token": "t", "name": "用户乙", "avatar_url": "//pic1.zhimg.com/a.jpg"}}
    items = [comment("1", text="a"), comment("1", text="a again"), {"type": "ad", "id": "x"},
             comment("2", text="b", author=member, comment_tag=[])]  # fmt: skip
    page = parse_comment_page(comment_page(items), post_id="42", fetched_at=FETCHED_AT)
    assert [c.comment_id for c in page.comments] == ["1", "2"]
    second = page.comments[1]
    assert (second.author, second.author_id, second.ip_location) == ("用户乙", "abc", None)
    assert second.platform_data["author_avatar"] == "https://pic1.zhimg.com/a.jpg"


def test_comment_page_end_without_next_or_items() -> None:
    assert parse_comment_page({"data": [], "paging": {"is_end": False}}, post_id="", fetched_at=FETCHED_AT).end
    page = parse_comment_page({"data": [comment("1", text="x")], "paging": {"is_end": True, "next": ""}},
                              post_id="", fetched_at=FETCHED_AT)  # fmt: skip
    assert page.end and page.next_offset == ""


@pytest.mark.parametrize("payload", [{}, {"data": None}, [], {"data": [{"type": "comment"}]}])
def test_comment_shapes_we_do_not_know_raise(payload: Any) -> None:
    with pytest.raises(ParseError):
        parse_comment_page(payload, post_id="", fetched_at=FETCHED_AT)


@pytest.mark.parametrize(
    ("code", "error"),
    [(40362, RiskControl), (40352, VerificationRequired), (101, LoginRequired), (100, DataFetchError),
     (10003, DataFetchError), (999, DataFetchError)],
)  # fmt: skip
def test_error_envelopes_raise_their_mapped_error(code: int, error: type[Exception]) -> None:
    payload = {"error": {"code": code, "message": "x"}}
    with pytest.raises(error):
        parse_search_page(payload, fetched_at=FETCHED_AT)
    with pytest.raises(error):
        parse_comment_page(payload, post_id="", fetched_at=FETCHED_AT)


def test_answer_page_gives_the_full_answer_in_camel_case() -> None:
    post = parse_detail_html(answer_page(3), fetched_at=FETCHED_AT, content_id="3458972610")
    card = parse_search_page(search(), fetched_at=FETCHED_AT).posts[0]
    for field in ("id", "title", "content", "url", "likes", "collects", "comments", "author", "author_id",
                  "author_avatar", "publish_time", "images"):  # fmt: skip
        assert getattr(post, field) == getattr(card, field), field
    assert post.platform_data["question_id"] == "646087842"


def test_article_and_zvideo_pages() -> None:
    article = result(8)["object"]
    post = parse_detail_html(state_page({"articles": {article["id"]: article}}), fetched_at=FETCHED_AT)
    assert (post.id, post.url, post.likes) == ("371751409", "https://zhuanlan.zhihu.com/p/371751409", 65)
    # zvideos name their author by key into entities.users (§7.1): built from a real answer and author.
    video = {k: v for k, v in result(3)["object"].items() if k not in ("question", "content", "author")}
    author = result(3)["object"]["author"]
    page = state_page({"zvideos": {"77": video | {"id": "77", "author": "gkduoutoqaab"}},
                       "users": {"gkduoutoqaab": author}})  # fmt: skip
    clip = parse_detail_html(page, fetched_at=FETCHED_AT, content_id="77")
    assert clip.platform_data["content_type"] == "zvideo" and clip.author == "用户甲"
    assert clip.url == "https://www.zhihu.com/zvideo/77"


@pytest.mark.parametrize(
    ("html", "needle"),
    [
        ("<html><body>你似乎来到了没有知识存在的荒原</body></html>", "js-initialData"),
        ('<script id="js-initialData" type="text/json">{not json</script>', "not JSON"),
        ('<script id="js-initialData" type="text/json">{"initialState": {}}</script>', "entities"),
        (state_page({"answers": {}}), "no answer"),
    ],
)
def test_pages_without_the_content_raise(html: str, needle: str) -> None:
    with pytest.raises(ParseError, match=needle):
        parse_detail_html(html, fetched_at=FETCHED_AT, content_id="1")


def test_people_page_profile() -> None:
    author = parse_people_html(people_page(3), user_key="92f38183266a26012d15b1510593a537")
    assert (author.author_id, author.nickname, author.followers, author.likes_received) == (
        "92f38183266a26012d15b1510593a537", "用户甲", 11135, 58496,
    )  # fmt: skip
    assert author.profile_url == "https://www.zhihu.com/people/gkduoutoqaab"
    assert parse_people_html(people_page(3), user_key="gkduoutoqaab") == author
    assert parse_people_html(people_page(3)) == author


def test_people_page_creator_counts_from_the_field_list() -> None:
    # The §7.3 creator fields (none in the capture) on a real author.
    counts = {"following_count": 5, "answer_count": 10, "articles_count": 2, "zvideo_count": 0, "question_count": 1}
    user = result(3)["object"]["author"] | counts | {"ip_info": "IP 属地上海"}
    author = parse_people_html(state_page({"users": {"gkduoutoqaab": user}}))
    assert (author.following, author.posts_count, author.ip_location) == (5, 12, "上海")
    assert author.platform_data["question_count"] == 1


def test_people_page_of_someone_else_raises() -> None:
    with pytest.raises(ParseError, match="nobody"):
        parse_people_html(people_page(3), user_key="nobody")


def test_parse_kinds_through_the_registry() -> None:
    assert set(PARSE_KINDS) == {"search", "detail", "comments", "creator"}
    posts = registry.parse_raw("zhihu", "search", search(), fetched_at=FETCHED_AT)
    assert len(posts) == 6
    (detail,) = registry.parse_raw("zhihu", "detail", answer_page(4), fetched_at=FETCHED_AT)
    assert detail.id == "74216785323"
    (from_json,) = registry.parse_raw("zhihu", "detail", result(8)["object"], fetched_at=FETCHED_AT)
    assert from_json.id == "371751409"
    comments = registry.parse_raw("zhihu", "comments", comment_page([comment("1", text="x")]), fetched_at=FETCHED_AT)
    assert comments[0].post_id == "" and comments[0].comment_id == "1"
    (creator,) = registry.parse_raw("zhihu", "creator", people_page(4), fetched_at=FETCHED_AT)
    assert creator.nickname == "用户乙"
