"""Tieba HTML search parser, field by field, on the REAL captured page (samples/tieba/search_result-1.html)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from keypick.exceptions import ParseError
from keypick.platforms.registry import parse_raw
from keypick.platforms.tieba.constants import clean_title, content_text, tieba_time
from keypick.platforms.tieba.endpoints import link_query
from keypick.platforms.tieba.parsers import parse_search_html, parse_search_page
from tests.platforms.tieba.payloads import FETCHED_AT, search_html

# (tid, pid, fid, forum, author, China time) of the 10 entries, in page order, read off the file.
ENTRIES = [
    ("9117888152", "150718967291", "26976424", "武汉交互空间", "用户甲", "2024-08-05 16:45"),
    ("9114743782", "150705176739", "90367", "背包客", "用户乙", "2024-08-03 07:35"),
    ("9095684158", "150616716870", "1388265", "国际展会", "用户丙", "2024-07-19 15:44"),
    ("9093564752", "150606964195", "27984246", "京湘楼", "用户丁", "2024-07-17 23:43"),
    ("9088419293", "150582471307", "310", "地理", "用户戊", "2024-07-13 20:17"),
    ("9088416365", "150582456551", "7561034", "城市gdp", "用户戊", "2024-07-13 20:14"),
    ("9087419039", "150577861626", "46374", "昆明", "用户己", "2024-07-12 23:04"),
    ("9085102046", "150567555367", "348713", "东南亚", "用户庚", "2024-07-11 07:53"),
    ("9083888071", "150562129935", "30", "历史", "用户辛", "2024-07-10 09:00"),
    ("9071937582", "150510120873", "8103241", "园区招商", "用户壬", "2024-06-30 12:09"),
]
CHINA = "+08:00"


def posts() -> list:  # type: ignore[type-arg]
    return parse_search_html(search_html(), fetched_at=FETCHED_AT).posts


def test_every_entry_of_the_real_page_is_a_thread_in_page_order() -> None:
    result = parse_search_html(search_html(), fetched_at=FETCHED_AT)
    assert [p.id for p in result.posts] == [e[0] for e in ENTRIES]
    assert (result.skipped, result.end) == (0, False)


@pytest.mark.parametrize(("index", "entry"), list(enumerate(ENTRIES)), ids=[e[0] for e in ENTRIES])
def test_entry_fields(index: int, entry: tuple[str, str, str, str, str, str]) -> None:
    tid, pid, fid, forum, author, shown = entry
    post = posts()[index]
    assert post.id == tid and isinstance(post.id, str)
    assert post.platform == "tieba"
    assert post.url == f"https://tieba.baidu.com/p/{tid}"
    assert post.author == author
    # No portrait on this page (only a GBK-encoded un=): no author id, no profile, no avatar.
    assert (post.author_id, post.author_info, post.author_avatar) == (None, None, None)
    assert post.publish_time == datetime.fromisoformat(f"{shown}{CHINA}").astimezone(UTC)
    assert post.publish_time is not None and post.publish_time.utcoffset() == timedelta(0)
    # The search page shows no counts at all: unknown, not zero.
    assert (post.likes, post.comments, post.shares, post.collects, post.views) == (None,) * 5
    assert post.crawl_time == FETCHED_AT
    assert post.images == [] and post.videos == [] and post.ip_location is None
    data = post.platform_data
    assert (data["pid"], data["forum_id"], data["forum"], data["forum_name"]) == (pid, fid, forum, forum + "吧")
    assert data["forum_url"].startswith("https://tieba.baidu.com/f?kw=")
    assert data["user_name"] == author  # decoded from the GBK percent-encoding of un=
    assert data["content_is_snippet"] is True
    assert "<" not in post.content and "\t" not in post.content and "  " not in post.content


def test_first_entry_title_and_text() -> None:
    post = posts()[0]
    assert post.title == "武汉交互空间科技：富士康10亿加码中国大陆，印度为何逐渐“失宠"
    assert post.content.startswith("全球知名的电子制造服务巨头富士康的母公司鸿海精密工业股份有限公司")
    # The page breaks the snippet over source lines; rendered, that is one space.
    assert "扩张与升级。 项目一期选址位于郑东新区" in post.content
    assert post.content.endswith("战略产业发展中心、战略产业金融平台、")
    assert post.tags == []


def test_words_split_over_lines_keep_one_space() -> None:
    assert "京湘楼（KING HERO）品牌创始人：某某 京湘楼，KING HERO，集酱板鸭" in posts()[3].content


def test_topic_in_title_becomes_a_tag_and_stays_in_the_title() -> None:
    post = posts()[5]
    assert post.title == "#城市GDP#广州应该全力去争取迪士尼和环球影城"
    assert post.tags == ["城市GDP"]


def test_brackets_that_do_not_name_a_forum_stay() -> None:
    post = posts()[9]
    assert post.title == "东南亚，园区【 工 价 低 】"
    assert post.content == ""  # the real entry has an empty div.p_content


def test_replaced_text_of_the_private_post() -> None:
    assert posts()[7].content == "示例帖子内容（原文含个人寻人信息，已替换）"


def test_same_author_twice_on_the_page() -> None:
    assert [p.author for p in posts()].count("用户戊") == 2


def test_gbk_and_utf8_percent_encoded_names_decode() -> None:
    assert link_query("/home/main?un=%D3%C3%BB%A7%CE%EC") == {"un": "用户戊"}
    assert link_query("/f?kw=%B3%C7%CA%D0gdp") == {"kw": "城市gdp"}
    assert link_query("/home/main?un=%E7%94%A8%E6%88%B7%E7%94%B2&ie=utf-8") == {"un": "用户甲", "ie": "utf-8"}
    assert link_query("/home/main?id=tb.1.abc%3Ft%3D1&fr=pb")["id"] == "tb.1.abc?t=1"
    assert link_query(None) == {}


def test_entry_with_a_portrait_link_gets_an_author_profile() -> None:
    html = search_html().replace(
        "/home/main?un=%D3%C3%BB%A7%BC%D7", "/home/main?un=%D3%C3%BB%A7%BC%D7&id=tb.1.ab12?t=9"
    )
    post = parse_search_html(html, fetched_at=FETCHED_AT).posts[0]
    assert post.author_id == "tb.1.ab12" and post.author == "用户甲"
    assert (
        post.author_info is not None
        and post.author_info.profile_url == "https://tieba.baidu.com/home/main?id=tb.1.ab12"
    )
    assert post.author_avatar == "https://gss0.bdstatic.com/6LZ1dD3d1sgCo2Kml5_Y_D3/sys/portrait/item/tb.1.ab12"


def test_search_kind_accepts_the_html_page() -> None:
    records = parse_raw("tieba", "search", search_html(), fetched_at=FETCHED_AT)
    assert [r.id for r in records] == [e[0] for e in ENTRIES]
    assert parse_search_page(search_html(), fetched_at=FETCHED_AT).posts == records


def test_an_entry_without_title_link_is_skipped_and_repeats_count_as_skipped() -> None:
    html = search_html()
    first = html[html.index('<div class="s_post">') : html.index('<div class="s_post">', 30)]
    extra = '<div class="s_post"><span class="p_title">广告</span></div>'
    result = parse_search_html(html.replace("</div>\n</div>", f"</div>{first}{extra}\n</div>"), fetched_at=FETCHED_AT)
    assert len(result.posts) == 10 and result.skipped == 2


def test_an_empty_result_list_is_the_end() -> None:
    result = parse_search_html('<div class="s_post_list"></div>', fetched_at=FETCHED_AT)
    assert result.posts == [] and result.end


@pytest.mark.parametrize("html", ["<html><title>百度安全验证</title></html>", "", "<div class='other'></div>"])
def test_a_page_without_result_list_is_a_parse_error(html: str) -> None:
    with pytest.raises(ParseError, match="s_post_list"):
        parse_search_html(html, fetched_at=FETCHED_AT)


def test_entry_without_any_tid_is_a_parse_error() -> None:
    html = '<div class="s_post_list"><div class="s_post"><span class="p_title"><a href="/x">t</a></span></div></div>'
    with pytest.raises(ParseError, match="tid"):
        parse_search_html(html, fetched_at=FETCHED_AT)


# -- format readers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1722847500, datetime(2024, 8, 5, 8, 45, tzinfo=UTC)),
        ("1722847500", datetime(2024, 8, 5, 8, 45, tzinfo=UTC)),
        (1722847500123, datetime(2024, 8, 5, 8, 45, 0, 123000, tzinfo=UTC)),
        ("2024-08-05 16:45", datetime(2024, 8, 5, 8, 45, tzinfo=UTC)),
        ("2024-8-5 16:45", datetime(2024, 8, 5, 8, 45, tzinfo=UTC)),
        ("08-05", datetime(2024, 8, 4, 16, 0, tzinfo=UTC)),
        (None, None),
        ("", None),
        (True, None),
        ("yesterday", None),
    ],
)
def test_tieba_time(value: object, expected: datetime | None) -> None:
    assert tieba_time(value, now=FETCHED_AT) == expected


@pytest.mark.parametrize(
    ("title", "forum", "expected"),
    [
        ("【昆明吧】阳宗海物流枢纽_百度贴吧", "昆明", "阳宗海物流枢纽"),
        ("【昆明】阳宗海物流枢纽", "昆明", "阳宗海物流枢纽"),
        ("【地理吧】广州_百度贴吧", None, "广州"),
        ("东南亚，园区【 工 价 低 】", "园区招商", "东南亚，园区【 工 价 低 】"),
        ("<em>富士康</em>10亿", None, "富士康10亿"),
    ],
)
def test_clean_title(title: str, forum: str | None, expected: str) -> None:
    assert clean_title(title, forum) == expected


def test_content_text_joins_text_and_c_parts() -> None:
    items = [
        {"type": 0, "text": "前"},
        {"type": 2, "c": "[微笑]"},
        {"type": 3, "src": "x.jpg"},
        "junk",
        {"text": "后 "},
    ]
    assert content_text(items) == "前[微笑]后"
    assert content_text("a<br>b") == "a\nb"
    assert content_text(None) == ""
