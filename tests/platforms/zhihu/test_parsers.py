"""Zhihu search parser, field by field, on the one real capture (zhihu/search_v3-1.json)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from keypick.content.schemas import Post
from keypick.exceptions import ParseError
from keypick.platforms.zhihu.parsers import parse_content, parse_search_page
from tests.platforms.zhihu.payloads import CONTENT_IDS, FETCHED_AT, result, search


@pytest.fixture(scope="module")
def posts() -> dict[str, Post]:
    return {p.id: p for p in parse_search_page(search(), fetched_at=FETCHED_AT).posts}


def _utc(stamp: int) -> datetime:
    return datetime.fromtimestamp(stamp, tz=UTC)


# id → (type, question id, title, likes, collects, comments, created, updated, original_id, author id, url_token, name)
EXPECTED: dict[str, tuple[Any, ...]] = {
    "3458972610": ("answer", "646087842", "为什么互联网给我一种想搜的东西什么都搜不到，屁用没有的信息一大堆的无力感？",
                   36, 28, 7, 1712584885, 1712592049, "658976624",
                   "92f38183266a26012d15b1510593a537", "gkduoutoqaab", "用户甲"),
    "74216785323": ("answer", "8937706951", "如何看待百度搜索关键词增加 -robin或者 -李彦宏，就出现无广告正常内容？",
                    7310, 19458, 188, 1736301757, 1736301757, "707959501",
                    "26802b37204a7c8767d2568659135862", "wkvk", "用户乙"),
    "1929496763800196377": ("answer", "1928070993684981325", "问问大家有什么好用的文件搜索工具？",
                            3, 0, 1, 1752807876, 1752807876, "737619673",
                            "429340c89f010967957b4c831b072713", "212-75-86", "用户丙"),
    "78811218786": ("answer", "646087842", "为什么互联网给我一种想搜的东西什么都搜不到，屁用没有的信息一大堆的无力感？",
                    8, 3, 4, 1736826709, 1736826709, "708877840",
                    "998812388676fe346446818a08c84448", "vusgwea", "用户丁"),
    "1940013638279754161": ("answer", "23233662", "你有什么在网上搜索东西的神搜索技巧？",
                            1385, 4638, 46, 1755315295, 1755409232, "742456729",
                            "972414604c309501330f9531a240f859", "oezowema", "用户戊"),
    "371751409": ("article", None, "文件内容搜索软件正面PK：TextSeek vs FileLocator Pro",
                  65, 170, 36, 1620809815, 1626327120, None,
                  "185c38098d58b4d8e5707800f5478152", "sksnqssq", "用户己"),
}  # fmt: skip


def test_page_keeps_answers_and_articles_in_order_and_skips_the_rest() -> None:
    page = parse_search_page(search(), fetched_at=FETCHED_AT)
    assert [p.id for p in page.posts] == CONTENT_IDS
    # koc_box, knowledge_ad, relevant_query and the one question result.
    assert page.skipped == 4
    assert page.end is False  # paging.is_end is false in the capture


@pytest.mark.parametrize("post_id", list(EXPECTED))
def test_fields_of_each_content(posts: dict[str, Post], post_id: str) -> None:
    kind, qid, title, likes, collects, comments, created, updated, original, uid, token, name = EXPECTED[post_id]
    post = posts[post_id]
    assert isinstance(post.id, str) and post.platform == "zhihu"
    assert post.title == title and "<em>" not in post.title
    assert (post.likes, post.collects, post.comments, post.shares, post.views) == (
        likes,
        collects,
        comments,
        None,
        None,
    )
    assert post.publish_time == _utc(created) and post.publish_time.tzinfo is UTC
    assert post.crawl_time == FETCHED_AT
    assert (post.author_id, post.author) == (uid, name)
    assert post.author_avatar is not None and post.author_avatar.startswith("https://pic")
    assert post.tags == [] and post.videos == [] and post.ip_location is None and post.task_id is None
    if kind == "answer":
        assert post.url == f"https://www.zhihu.com/question/{qid}/answer/{post_id}"
    else:
        assert post.url == f"https://zhuanlan.zhihu.com/p/{post_id}"
    data = post.platform_data
    assert data["content_type"] == kind
    assert data.get("question_id") == qid and data.get("original_id") == original
    assert data["updated_time"] == updated and data["author_url_token"] == token
    assert data["content_truncated"] is False
    assert "<" not in data["excerpt"]
    assert post.raw is not None and post.raw["id"] == post_id


def test_content_is_the_full_html_as_text(posts: dict[str, Post]) -> None:
    first = posts["3458972610"]
    assert first.content.startswith("因为搜索引擎默认不给全部结果了\n我去谷歌搜water")
    assert first.content.endswith("十几年前的搜索体验比现在好无数倍。")
    assert len(first.content) == 677
    # Entities are decoded and tags gone, links keep their text.
    tricks = posts["1940013638279754161"].content
    assert "'use strict';" in tricks and "&#39;" not in tricks and "<p" not in tricks
    article = posts["371751409"].content
    assert article.startswith("上回我们横向评测了15款基于索引的文件内容搜索软件") and "<a" not in article


def test_question_title_comes_from_the_question_for_answers(posts: dict[str, Post]) -> None:
    assert posts["74216785323"].platform_data["question_title"] == posts["74216785323"].title
    item = result(4)
    del item["object"]["title"]  # the web API's answers may lack `title`: highlight, then question.name
    assert parse_content(item["object"], fetched_at=FETCHED_AT).title == posts["74216785323"].title
    hl = parse_content(item["object"], fetched_at=FETCHED_AT, highlight=item["highlight"])
    assert hl.title == "如何看待百度搜索关键词增加 -robin或者 -李彦宏，就出现无广告正常内容？"


def test_images_come_from_thumbnails(posts: dict[str, Post]) -> None:
    assert posts["74216785323"].images == [
        "https://picx.zhimg.com/80/v2-4304de5d0a62561f088a7b854be4f431_qhd.jpg?source=4e949a73",
        "https://picx.zhimg.com/80/v2-310df0a25c2edf4af249159124fb6ec7_qhd.jpg?source=4e949a73",
        "https://picx.zhimg.com/80/v2-42367808dd7ee688ef520f01a0db692f_qhd.jpg?source=4e949a73",
    ]
    assert posts["371751409"].images == [
        "https://picx.zhimg.com/80/v2-386298fe0010a4ef91bca0ac53e18588_qhd.jpg?source=4e949a73"
    ]
    assert posts["3458972610"].images == []


def test_answers_keep_the_question_visits_not_as_views(posts: dict[str, Post]) -> None:
    # visits_count is the question's (two answers of question 646087842 both say 71036).
    assert posts["3458972610"].platform_data["question_visit_count"] == 71036
    assert posts["78811218786"].platform_data["question_visit_count"] == 71036
    assert "question_visit_count" not in posts["371751409"].platform_data


def test_embedded_author_profiles(posts: dict[str, Post]) -> None:
    first = posts["3458972610"].author_info
    assert first is not None
    assert first.author_id == "92f38183266a26012d15b1510593a537" and first.nickname == "用户甲"
    assert first.profile_url == "https://www.zhihu.com/people/gkduoutoqaab"
    assert (first.followers, first.likes_received, first.gender) == (11135, 58496, "m")
    assert first.description == "示例个人简介" and first.avatar == posts["3458972610"].author_avatar
    assert first.platform_data["url_token"] == "gkduoutoqaab" and first.platform_data["user_type"] == "people"
    unknown = posts["1929496763800196377"].author_info
    assert unknown is not None and unknown.gender is None  # gender -1
    assert (unknown.followers, unknown.likes_received) == (3, 10)


def test_float_ids_of_cards_do_not_matter() -> None:
    payload = search()
    assert isinstance(payload["data"][0]["id"], float)  # the capture's quirk, kept as found
    assert len(parse_search_page(payload, fetched_at=FETCHED_AT).posts) == 6


def test_a_float_content_id_is_refused() -> None:
    obj = result(3)["object"] | {"id": 3.458972610e9}
    with pytest.raises(ParseError, match="id"):
        parse_content(obj, fetched_at=FETCHED_AT)


def test_card_without_content_falls_back_to_the_excerpt() -> None:
    obj = result(3)["object"]
    del obj["content"]
    post = parse_content(obj, fetched_at=FETCHED_AT)
    assert post.content.startswith("但是就不在你搜索的时候显示出来") and "<em>" not in post.content
    assert post.platform_data["content_truncated"] is True


def test_zvideo_shape_from_the_field_list() -> None:
    # No zvideo capture: a real answer reshaped with the §7.3 zvideo fields (created_at, video_url, play_count).
    obj = result(3)["object"]
    for key in ("content", "created_time", "question", "favorites_count"):
        obj.pop(key)
    obj |= {"type": "zvideo", "created_at": 1712584885, "video_url": "//vdn.vzuu.com/x.mp4", "play_count": "1.2万"}
    post = parse_content(obj, fetched_at=FETCHED_AT)
    assert post.url == "https://www.zhihu.com/zvideo/3458972610"
    assert post.videos == ["https://vdn.vzuu.com/x.mp4"] and post.views == 12000
    assert post.publish_time == _utc(1712584885)
    assert post.platform_data["content_truncated"] is False  # videos have no text to complete


def test_anonymous_author_has_no_id() -> None:
    obj = result(3)["object"]
    obj["author"] = {"id": "0", "url_token": "", "name": "匿名用户", "avatar_url": "https://picx.zhimg.com/x.jpg"}
    post = parse_content(obj, fetched_at=FETCHED_AT)
    assert (post.author, post.author_id, post.author_info) == ("匿名用户", None, None)


def test_duplicates_on_a_page_are_skipped() -> None:
    payload = search()
    payload["data"].append(payload["data"][3])
    page = parse_search_page(payload, fetched_at=FETCHED_AT)
    assert len(page.posts) == 6 and page.skipped == 5


def test_end_of_results() -> None:
    payload = search()
    payload["paging"]["is_end"] = True
    assert parse_search_page(payload, fetched_at=FETCHED_AT).end is True
    assert parse_search_page({"paging": {"is_end": False}, "data": []}, fetched_at=FETCHED_AT).end is True


@pytest.mark.parametrize("payload", [{}, {"data": {}}, [], "x", {"paging": {}}])
def test_unknown_shapes_raise_parse_error(payload: Any) -> None:
    with pytest.raises(ParseError, match=r"zhihu search: expected data\[\]"):
        parse_search_page(payload, fetched_at=FETCHED_AT)


def test_content_object_without_id_raises() -> None:
    obj = result(3)["object"]
    del obj["id"]
    with pytest.raises(ParseError, match="id"):
        parse_content(obj, fetched_at=FETCHED_AT)
    with pytest.raises(ParseError, match="question"):
        parse_content(result(9)["object"], fetched_at=FETCHED_AT)
