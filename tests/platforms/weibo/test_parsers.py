"""Weibo post parsers, field by field, on the real captured samples in src/keypick/sandbox/samples/weibo/.

The search-shaped sample is the 2019 user-timeline getIndex answer (same envelope and card/mblog
shape as search; no real search capture exists, see SOURCES.md).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from keypick.content.schemas import Author, Post
from keypick.exceptions import DataFetchError, LoginRequired, ParseError, RateLimited, VerificationRequired
from keypick.platforms.weibo.parsers import parse_detail_html, parse_mblog, parse_search_page, parse_weibo_time
from tests.platforms.weibo.payloads import FETCHED_AT, FIRST_ID, detail_page, first_mblog, timeline


def posts_by_id() -> dict[str, Post]:
    return {p.id: p for p in parse_search_page(timeline(), fetched_at=FETCHED_AT).posts}


# -- times ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fri Jun 14 20:39:20 +0800 2019", datetime(2019, 6, 14, 12, 39, 20, tzinfo=UTC)),
        ("Tue Dec 31 23:59:59 +0800 2019", datetime(2019, 12, 31, 15, 59, 59, tzinfo=UTC)),
        ("刚刚", FETCHED_AT),
        ("5分钟前", FETCHED_AT - timedelta(minutes=5)),
        ("2小时前", FETCHED_AT - timedelta(hours=2)),
        ("40秒前", FETCHED_AT - timedelta(seconds=40)),
        ("今天 12:30", datetime(2019, 6, 15, 4, 30, tzinfo=UTC)),
        ("昨天 12:30", datetime(2019, 6, 14, 4, 30, tzinfo=UTC)),
        ("06-14", datetime(2019, 6, 13, 16, 0, tzinfo=UTC)),
        ("2019-06-01", datetime(2019, 5, 31, 16, 0, tzinfo=UTC)),
    ],
)
def test_parse_weibo_time(text: str, expected: datetime) -> None:
    assert parse_weibo_time(text, now=FETCHED_AT) == expected


def test_parse_weibo_time_month_day_across_a_year_boundary() -> None:
    # 2020-01-02 10:00 in China: "12-30" was last year, "01-01" this year.
    now = datetime(2020, 1, 2, 2, 0, tzinfo=UTC)
    assert parse_weibo_time("12-30", now=now) == datetime(2019, 12, 29, 16, 0, tzinfo=UTC)
    assert parse_weibo_time("01-01", now=now) == datetime(2019, 12, 31, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "yesterday", "Fri Jun 14 2019", "99-99", None, 1560515960])
def test_parse_weibo_time_unknown_is_none(text: object) -> None:
    assert parse_weibo_time(text, now=FETCHED_AT) is None


# -- search page (getIndex envelope) --------------------------------------------------------------


def test_search_page_keeps_every_post_card_of_the_real_page() -> None:
    result = parse_search_page(timeline(), fetched_at=FETCHED_AT)
    ids = [c["mblog"]["id"] for c in timeline()["data"]["cards"]]
    assert [p.id for p in result.posts] == ids
    assert len(result.posts) == 10
    assert result.skipped == 0
    assert result.end is False


def test_first_card_field_by_field() -> None:
    post = posts_by_id()[FIRST_ID]
    mblog = first_mblog()
    assert post.id == FIRST_ID and isinstance(post.id, str)
    assert post.platform == "weibo"
    assert post.title is None
    assert post.content == "搬完这块砖，就可以吃好吃的了[偷笑][偷笑][偷笑]"
    assert post.content.count("[偷笑]") == 3 and "<" not in post.content
    assert post.url == f"https://m.weibo.cn/detail/{FIRST_ID}"
    assert (post.likes, post.comments, post.shares) == (348872, 95535, 240492)
    assert post.collects is None and post.views is None
    assert post.author == "用户甲"
    assert post.author_id == "1331994986"
    assert post.author_avatar == "https://tvax1.sinaimg.cn/crop.0.0.996.996.180/4f64a16afn7zsc48ryvbtd62pj0tv6i0.jpg"
    # "06-14" seen on 2019-06-15 08:00 China time → 2019-06-14 00:00 China.
    assert post.publish_time == datetime(2019, 6, 13, 16, 0, tzinfo=UTC)
    assert post.tags == []
    assert post.images == [
        "https://wx3.sinaimg.cn/large/4f64a16agy1g40ypljwzvj20o70v379u.jpg",
        "https://wx4.sinaimg.cn/large/4f64a16agy1g40ysojhntj22b52b51kz.jpg",
        "https://wx1.sinaimg.cn/large/4f64a16agy1g40ypkrjlaj20v8168gzf.jpg",
    ]
    assert post.videos == []
    assert post.ip_location is None
    assert post.crawl_time == FETCHED_AT
    assert post.platform_data == {
        "mid": FIRST_ID,
        "bid": "HyTZc60ew",
        "is_long_text": False,
        "source": None,
        "page_type": None,
        "text_length": 46,
        "pic_num": 3,
    }
    assert post.raw == mblog


def test_first_card_author_info() -> None:
    author = posts_by_id()[FIRST_ID].author_info
    assert isinstance(author, Author)
    assert author.platform == "weibo"
    assert author.author_id == "1331994986"
    assert author.nickname == "用户甲"
    assert author.avatar == "https://wx1.sinaimg.cn/orj480/4f64a16afn7zsc48ryvbtd62pj0tv6i0.jpg"  # avatar_hd
    assert author.gender == "f"
    assert author.description == "这是一段示例个人简介。"
    assert (author.followers, author.following, author.posts_count) == (63356825, 240, 1008)
    assert author.profile_url == "https://m.weibo.cn/u/1331994986"
    assert author.platform_data["verified"] is True
    assert author.platform_data["verified_type"] == 0
    assert author.platform_data["verified_reason"] == "示例认证说明"


def test_public_dump_has_no_raw_and_iso_times() -> None:
    dumped = posts_by_id()[FIRST_ID].model_dump()
    assert "raw" not in dumped and "author_info" not in dumped
    assert dumped["publish_time"] == "2019-06-13T16:00:00+00:00"


def test_hundred_wan_plus_counts_become_one_million() -> None:
    posts = posts_by_id()
    assert posts["4381207217392722"].shares == 1_000_000
    assert posts["4380517519047355"].shares == 1_000_000
    p = posts["4379188905591760"]
    assert (p.likes, p.comments, p.shares) == (1049077, 1_000_000, 1_000_000)
    assert posts["4378514142544199"].shares == 1_000_000


def test_every_post_has_as_many_images_as_pics() -> None:
    cards = {c["mblog"]["id"]: c["mblog"] for c in timeline()["data"]["cards"]}
    for post_id, post in posts_by_id().items():
        pics = cards[post_id].get("pics") or []
        assert len(post.images) == len(pics) == post.platform_data["pic_num"]
        assert all(url.startswith("https://") and "/large/" in url for url in post.images)


def test_video_card_has_its_video() -> None:
    post = posts_by_id()["4382054705416396"]
    assert post.platform_data["page_type"] == "video"
    assert post.videos == [
        "http://f.us.sinaimg.cn/002YRPx7lx07uzlTVySc01041200erCl0E010.mp4?label=mp4_720p&template=1280x720.23.0"
        "&Expires=1560665095&ssig=jusYVBV4%2FT&KID=unistore,video"
    ]
    assert post.tags == ["不潮不出街"]
    assert post.publish_time == datetime(2019, 6, 10, 16, 0, tzinfo=UTC)


def test_video_without_media_info_falls_back_to_page_url() -> None:
    mblog = copy.deepcopy(timeline()["data"]["cards"][3]["mblog"])
    del mblog["page_info"]["media_info"]
    post = parse_mblog(mblog, fetched_at=FETCHED_AT)
    assert post.videos == [mblog["page_info"]["page_url"]]


def test_topic_and_webpage_cards_have_no_video() -> None:
    posts = posts_by_id()
    assert posts["4380517519047355"].platform_data["page_type"] == "topic"
    assert posts["4380517519047355"].videos == []
    assert posts["4378893399854472"].platform_data["page_type"] == "webpage"
    assert posts["4378893399854472"].videos == []
    assert posts["4378893399854472"].platform_data["source"] == "生日动态"


def test_topics_become_tags_and_mentions_stay_in_text() -> None:
    posts = posts_by_id()
    assert posts["4381312410216312"].tags == ["我的身边有非遗", "极限挑战"]
    assert posts["4380517519047355"].tags == ["比耶季", "高考加油"]
    text = posts["4379825714272349"].content
    assert "@用户丙" in text and "@用户丁" in text
    assert posts["4379825714272349"].tags == ["蓝天保卫战我是行动者", "和地球自拍"]


def test_retweet_keeps_the_original_id_and_text() -> None:
    post = posts_by_id()["4383180406740606"]
    assert post.content == "大家一起电影院约起来啊～～～"
    assert post.platform_data["retweeted_id"] == "4383031864995274"
    retweeted = post.platform_data["retweeted_text"]
    assert retweeted.startswith("写在《秦明·生死语者》上映这一天……\n")
    assert "#614致敬法医#" in retweeted and "<" not in retweeted
    assert post.images == []  # the pictures belong to the retweeted post


def test_region_name_becomes_ip_location() -> None:
    mblog = copy.deepcopy(timeline()["data"]["cards"][0]["mblog"])
    mblog["region_name"] = "发布于 上海"
    assert parse_mblog(mblog, fetched_at=FETCHED_AT).ip_location == "上海"


def test_long_text_flag_is_kept() -> None:
    mblog = copy.deepcopy(timeline()["data"]["cards"][0]["mblog"])
    mblog["isLongText"] = True
    assert parse_mblog(mblog, fetched_at=FETCHED_AT).platform_data["is_long_text"] is True


def test_card_group_wrapper_is_unwrapped() -> None:
    """card_type 11 + card_group[] is how search pages box posts; built here from real timeline cards
    (no real search capture exists), with one non-post child and one non-post top-level card."""
    payload = timeline()
    cards = payload["data"]["cards"]
    not_a_post = {k: v for k, v in cards[9].items() if k != "mblog"} | {"card_type": 58}
    payload["data"]["cards"] = [
        cards[0],
        {"card_type": 11, "card_group": [cards[1], not_a_post, cards[2]]},
        {"card_type": 11, "card_group": []},
        not_a_post,
    ]
    result = parse_search_page(payload, fetched_at=FETCHED_AT)
    assert [p.id for p in result.posts] == [FIRST_ID, "4383180406740606", "4382054705416396"]
    assert result.skipped == 3
    assert result.end is False


def test_duplicate_cards_are_counted_as_skipped() -> None:
    payload = timeline()
    payload["data"]["cards"].append(copy.deepcopy(payload["data"]["cards"][0]))
    result = parse_search_page(payload, fetched_at=FETCHED_AT)
    assert len(result.posts) == 10 and result.skipped == 1


def test_end_of_results_is_not_an_error() -> None:
    payload = {"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}}
    result = parse_search_page(payload, fetched_at=FETCHED_AT)
    assert result.posts == [] and result.end is True


def test_ok_page_without_cards_is_the_end() -> None:
    result = parse_search_page({"ok": 1, "data": {"cards": []}}, fetched_at=FETCHED_AT)
    assert result.end is True


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"ok": 0, "errno": "20003", "msg": "请求失败，请稍后重试"}, DataFetchError),
        ({"ok": 0, "msg": "这里还没有内容", "data": {"cards": [{"card_type": 9}]}}, DataFetchError),
        ({"ok": 0}, DataFetchError),
        ({"ok": 0, "errno": "100005", "msg": "请先登录"}, LoginRequired),
        ({"ok": 0, "msg": "login please"}, LoginRequired),
        ({"ok": -100, "url": "https://passport.weibo.cn/signin/welcome?entry=mweibo"}, LoginRequired),
        ({"ok": 0, "msg": "请求过于频繁"}, RateLimited),
        ({"ok": 0, "msg": "请进行安全验证"}, VerificationRequired),
    ],
)
def test_ok_zero_maps_to_typed_errors(payload: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_search_page(payload, fetched_at=FETCHED_AT)


@pytest.mark.parametrize("payload", [{"ok": 1, "data": {}}, {"ok": 1}, {"data": {"cards": []}}, [], "x", None])
def test_unknown_search_shapes_raise_parse_error(payload: Any) -> None:
    with pytest.raises(ParseError, match=r"weibo search: expected"):
        parse_search_page(payload, fetched_at=FETCHED_AT)


def test_mblog_without_id_raises_parse_error() -> None:
    payload = timeline()
    del payload["data"]["cards"][0]["mblog"]["id"]
    del payload["data"]["cards"][0]["mblog"]["idstr"]
    del payload["data"]["cards"][0]["mblog"]["mid"]
    with pytest.raises(ParseError, match="id"):
        parse_search_page(payload, fetched_at=FETCHED_AT)


# -- detail page --------------------------------------------------------------------------------------


def test_detail_page_gives_the_full_post() -> None:
    mblog = first_mblog()
    post = parse_detail_html(detail_page(mblog), fetched_at=FETCHED_AT)
    assert post.id == FIRST_ID
    # The text holds "[偷笑]": brackets inside JSON strings must not end the array early.
    assert post.content == "搬完这块砖，就可以吃好吃的了[偷笑][偷笑][偷笑]"
    assert post == parse_mblog(mblog, fetched_at=FETCHED_AT)


@pytest.mark.parametrize(
    "html",
    [
        "<html><body>请先登录</body></html>",
        "<script>var $render_data = [{}][0] || {};</script>",
        "<script>var $render_data = [][0] || {};</script>",
        "<script>var $render_data = [{status: 1}][0] || {};</script>",
        "<script>var $render_data = ",
        "",
    ],
)
def test_detail_page_without_status_raises_parse_error(html: str) -> None:
    with pytest.raises(ParseError, match="weibo detail"):
        parse_detail_html(html, fetched_at=FETCHED_AT)
