"""Douyin search and aweme parsers, field by field, on the real captured search sample.

The sample is the App general search (app_general_search-1.json): a substitute of the same family
for the web /aweme/v1/web/general/search/single/, which was never captured (SOURCES.md). Its 8
aweme cards are checked one by one; its 9th card (type 6, related searches) must be skipped.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from keypick.content.schemas import Post
from keypick.exceptions import DataFetchError, LoginRequired, ParseError, RiskControl, VerificationRequired
from keypick.platforms.douyin import PARSE_KINDS
from keypick.platforms.douyin.parsers import parse_aweme, parse_detail, parse_search_page
from tests.platforms.douyin.payloads import FETCHED_AT, aweme, search

SEC = "MS4wLjABAAAA"
# (aweme_id, note?, likes, collects, comments, shares, nickname, sec_uid tail, uid, publish time, images)
EXPECTED = [
    ("7584769166932233472", True, 2816, 711, 1046, 2298, "用户甲", "oxKLcpv9", "8469643826572106",
     "2025-12-17T10:18:26", 2),
    ("7565738211130035491", False, 60149, 44218, 3296, 3468, "用户丁", "HtGvhkUE", "8696163779914434002",
     "2025-10-30T10:00:00", 0),
    ("7596255733810151921", False, 4275016, 207435, 117003, 2817643, "用户戊", "p3l_L3-3", "540588294254",
     "2026-01-17T09:11:57", 0),
    ("7595430435636091264", False, 3976, 352, 296, 3503, "用户辛", "tOTGtody", "2870913778117019",
     "2026-01-16T05:49:00", 0),
    ("7602473466821889290", False, 172487, 9123, 28359, 6163, "用户癸", "whbIZTwk", "4506489292638701",
     "2026-02-03T03:20:17", 0),
    ("7378692545041157388", True, 4961, 668, 1868, 974, "用户丑", "BLxkmVVN", "6488189624035081",
     "2024-06-10T02:15:42", 2),
    ("7570716934770188154", True, 28, 8, 1, 6, "用户辰", "aGrSaYdF", "9697020342861408071",
     "2025-11-09T13:28:20", 6),
    ("7492775044351806778", True, 847, 118, 54, 1588, "用户午", "cVD1qFja", "623762284766508",
     "2025-04-13T12:34:02", 2),
]  # fmt: skip
TAGS = [
    ["猫", "好猫", "坏猫", "十九喵", "抖音萌宠出道计划"],
    # No hashtag spans in text_extra here: the tags come from "#养猫人#猫咪#…" in desc itself.
    ["养猫人", "猫咪", "养猫日常", "养猫经验分享", "新手养猫", "养猫百科", "萌宠", "养猫小妙招", "养猫知识",
     "养猫攻略", "小猫咪", "宠物猫", "猫咪迷惑行为", "猫咪日常", "可爱"],
    ["猫咪", "猫咪日常"],
    ["萌宠日常记录", "萌宠出道计划", "猫咪", "顺拐"],
    ["猫咪", "动物救助", "动物世界"],
    ["小猫咪怼脸杀视频", "评论区看看你们的猫", "有镜头感的小猫", "晒猫", "猫侧颜"],
    ["养猫新手", "萌宠出道计划", "宠物", "养猫"],
    ["可爱的小猫咪", "治愈猫咪", "喵", "猫🐱"],
]  # fmt: skip


def posts() -> list[Post]:
    return parse_search_page(search(), fetched_at=FETCHED_AT).posts


def test_search_page_envelope() -> None:
    result = parse_search_page(search(), fetched_at=FETCHED_AT)
    assert [p.id for p in result.posts] == [e[0] for e in EXPECTED]
    assert result.skipped == 1  # data[8] is a type 6 related-search card
    assert result.has_more is True and result.end is False
    assert result.logid == "2026020517484919A801EBF16F8EC0F8C4"  # extra.logid: the next page's search_id


@pytest.mark.parametrize("index", range(8))
def test_every_aweme_field_by_field(index: int) -> None:
    post = posts()[index]
    aweme_id, note, likes, collects, comments, shares, nickname, sec_tail, uid, when, n_images = EXPECTED[index]
    raw = aweme(index)
    assert post.id == aweme_id and isinstance(post.id, str) and post.platform == "douyin"
    assert post.url == f"https://www.douyin.com/{'note' if note else 'video'}/{aweme_id}"
    assert (post.likes, post.collects, post.comments, post.shares) == (likes, collects, comments, shares)
    assert post.views is None  # play_count is 0 in every payload: Douyin publishes no views
    assert post.content == raw["desc"]
    assert post.author == nickname
    assert post.author_id is not None and post.author_id.startswith(SEC) and post.author_id.endswith(sec_tail)
    assert post.author_avatar is not None and post.author_avatar.startswith("https://p3.douyinpic.com/")
    assert post.publish_time == datetime.fromisoformat(when).replace(tzinfo=UTC)
    assert post.tags == TAGS[index]
    assert len(post.images) == n_images and all(u.startswith("https://p3-sign.douyinpic.com/") for u in post.images)
    assert post.ip_location is None  # search cards carry no ip_label
    assert post.crawl_time == FETCHED_AT and post.raw == raw
    data = post.platform_data
    assert data["aweme_type"] == ("68" if note else "0") and data["author_uid"] == uid
    assert data["cover"].startswith("https://") and data["music_url"].startswith("https://")
    author = post.author_info
    assert author is not None and author.author_id == post.author_id and author.nickname == nickname
    assert author.profile_url == f"https://www.douyin.com/user/{post.author_id}"
    assert author.platform_data["uid"] == uid and author.description == "这是一段示例签名"
    # Search copies of a user hold zeros for their counts: they are not taken as real counts.
    assert (author.followers, author.following, author.posts_count, author.likes_received) == (None,) * 4


@pytest.mark.parametrize("index", [1, 2, 3, 4])
def test_video_posts_take_the_last_play_addr_url(index: int) -> None:
    post, raw = posts()[index], aweme(index)
    assert post.videos == [raw["video"]["play_addr_h264"]["url_list"][-1]]
    assert post.videos[0].startswith("https://api-hl.amemv.com/aweme/v1/play/?video_id=")
    assert post.platform_data["duration_ms"] == raw["duration"]


@pytest.mark.parametrize("index", [0, 5, 6, 7])
def test_image_posts_have_images_and_no_video(index: int) -> None:
    post, raw = posts()[index], aweme(index)
    # The play_addr of an image post is its background music (an .mp3), never a video.
    assert raw["video"]["play_addr"]["url_list"][0].endswith(".mp3")
    assert post.videos == []
    assert post.images == [img["url_list"][-1] for img in raw["images"]]
    assert all(".jpeg?" in url for url in post.images)  # url_list[-1]: the unwatermarked jpeg
    assert post.platform_data["image_count"] == len(raw["images"])


def test_titles_come_from_item_title_when_set() -> None:
    titles = [p.title for p in posts()]
    assert titles[1] == "猫咪离家出走千万不要去找它" and titles[4] == "早产生物酷似幼猫，小哥带回救助精心喂养。"
    assert titles[0] is None and titles[2] is None


def test_genders_and_author_extras() -> None:
    authors = [p.author_info for p in posts()]
    assert [a.gender if a else None for a in authors] == ["f", "m", "f", "f", "m", "f", "m", "f"]
    assert authors[2] is not None and authors[2].platform_data["unique_id"] == "gyfa9rxqxa8n"


def test_str_twin_wins_over_a_rounded_int64() -> None:
    raw = aweme(1)
    raw["aweme_id"], raw["aweme_id_str"] = 7565738211130035000, "7565738211130035491"
    assert parse_aweme(raw, fetched_at=FETCHED_AT).id == "7565738211130035491"


def test_mix_card_gives_its_first_item_and_duplicates_are_skipped() -> None:
    payload = search()
    first = payload["data"][0]
    mix = {"type": 1, "aweme_mix_info": {"mix_items": [payload["data"][1]["aweme_info"]]}}
    payload["data"] = [first, mix, copy.deepcopy(first), {"type": 999}]
    result = parse_search_page(payload, fetched_at=FETCHED_AT)
    assert [p.id for p in result.posts] == [EXPECTED[0][0], EXPECTED[1][0]]
    assert result.skipped == 2


def test_end_of_results() -> None:
    last = {**search(), "has_more": 0}
    assert parse_search_page(last, fetched_at=FETCHED_AT).end is True
    empty = {**search(), "data": [], "has_more": 1}  # an empty page never loops, whatever has_more says
    assert parse_search_page(empty, fetched_at=FETCHED_AT).end is True


def test_data_missing_is_risk_control() -> None:
    payload = search()
    del payload["data"]
    with pytest.raises(RiskControl, match="risk-controlled"):
        parse_search_page(payload, fetched_at=FETCHED_AT)


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"status_code": 8, "status_msg": "用户未登录"}, LoginRequired),
        ({"status_code": 2483, "status_msg": ""}, VerificationRequired),
        ({"status_code": 5, "status_msg": "verify_check"}, VerificationRequired),
        ({"status_code": 7, "status_msg": "x", "verify_type": "slide"}, VerificationRequired),
        ({"status_code": 20003, "status_msg": "系统繁忙"}, DataFetchError),
        ({"data": []}, ParseError),
        ({"status_code": 0, "data": {"cards": []}}, ParseError),
        ([], ParseError),
    ],
)
def test_error_envelopes(payload: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_search_page(payload, fetched_at=FETCHED_AT)


def test_an_aweme_without_id_is_a_parse_error() -> None:
    raw = aweme(0)
    del raw["aweme_id"]
    with pytest.raises(ParseError, match="aweme_id"):
        parse_aweme(raw, fetched_at=FETCHED_AT)


def test_detail_answer() -> None:
    payload = {"status_code": 0, "aweme_detail": aweme(1)}
    assert parse_detail(payload, fetched_at=FETCHED_AT).id == EXPECTED[1][0]
    with pytest.raises(ParseError, match="aweme_detail"):
        parse_detail({"status_code": 0, "aweme_detail": None}, fetched_at=FETCHED_AT)


def test_parse_kinds() -> None:
    assert set(PARSE_KINDS) == {"search", "detail", "comments", "creator", "creator_posts"}
    records = PARSE_KINDS["search"](search(), FETCHED_AT)
    assert [p.id for p in records if isinstance(p, Post)] == [e[0] for e in EXPECTED]
