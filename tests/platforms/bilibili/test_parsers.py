"""Bilibili video parsers, field by field, on the real search captures (both item generations).

/view/detail and /x/space/wbi/acc/info were never captured: their tests use answers built in
payloads.py from the platforms.md §4 field lists around real values.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from keypick.content.schemas import Author, Post
from keypick.exceptions import DataFetchError, LoginRequired, ParseError, PlatformError, RateLimited, RiskControl
from keypick.platforms.bilibili import PARSE_KINDS
from keypick.platforms.bilibili.parsers import (
    parse_duration,
    parse_search_page,
    parse_user_info,
    parse_view_detail,
)
from tests.platforms.bilibili.payloads import FETCHED_AT, acc_info, first_item, search_new, search_old, view_detail


@pytest.mark.parametrize(
    ("text", "seconds"), [("4:18", 258), ("32:8", 1928), ("14150:36", 849036), ("1:02:03", 3723), (61, 61)]
)
def test_parse_duration(text: object, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "4", "a:b", "1:2:3:4", None, True])
def test_parse_duration_unknown_is_none(text: object) -> None:
    assert parse_duration(text) is None


# -- search: every item of both captures ----------------------------------------------------------------


@pytest.mark.parametrize("payload", [search_new(), search_old()], ids=["2026", "2020"])
def test_every_item_maps_its_raw_fields(payload: dict[str, Any]) -> None:
    result = parse_search_page(payload, fetched_at=FETCHED_AT)
    items = payload["data"]["result"]
    assert len(result.posts) == len(items) == 10 and result.skipped == 0 and result.end is False
    for post, item in zip(result.posts, items, strict=True):
        assert post.id == item["bvid"] and post.platform == "bilibili"
        assert post.url == f"https://www.bilibili.com/video/{item['bvid']}"
        assert post.title and "<" not in post.title.replace("<忍战中期3>", "")
        assert "keyword" not in post.title and "&lt;" not in post.title
        assert (post.views, post.collects, post.comments) == (item["play"], item["favorites"], item["review"])
        assert post.likes == item.get("like") and post.shares is None
        assert post.publish_time == datetime.fromtimestamp(item["pubdate"], UTC)
        assert post.author == item["author"] and post.author_id == str(item["mid"])
        assert post.images == ["https:" + item["pic"]]
        assert post.tags == [t for t in item["tag"].split(",") if t]
        assert post.platform_data["aid"] == str(item["aid"]) and post.platform_data["bvid"] == item["bvid"]
        assert post.platform_data["danmaku"] == item["video_review"]
        assert post.platform_data["duration_seconds"] == parse_duration(item["duration"])
        assert post.crawl_time == FETCHED_AT and post.raw == item
        assert post.author_info is not None and post.author_info.author_id == post.author_id


def test_first_2026_item_field_by_field() -> None:
    post = parse_search_page(search_new(), fetched_at=FETCHED_AT).posts[0]
    assert post.id == "BV19wFGzzEPZ"
    assert post.title == "【火-影-忍-者】全720集 4K超清未删减完整版 reaction"
    assert post.content == ""
    assert post.url == "https://www.bilibili.com/video/BV19wFGzzEPZ"
    assert (post.likes, post.collects, post.comments, post.shares, post.views) == (782, 1832, 46, None, 47660)
    assert (post.author, post.author_id) == ("用户甲", "2608191526107180")
    assert post.author_avatar == "https://i0.hdslb.com/bfs/face/5923449d8814a893108167695c1690a5466373d4.jpg"
    assert post.publish_time == datetime(2026, 2, 3, 5, 23, 29, tzinfo=UTC)
    assert post.tags == ["合集"]
    assert post.images == ["https://i2.hdslb.com/bfs/archive/7b3f3ee8016029b7466be750355a1d094a22fdb7.jpg"]
    assert post.videos == [] and post.ip_location is None
    assert post.platform_data == {
        "aid": "116004801741275",
        "bvid": "BV19wFGzzEPZ",
        "duration": "14150:36",
        "duration_seconds": 849036,
        "danmaku": 251,
        "type_name": "综艺",
    }
    author = post.author_info
    assert isinstance(author, Author)
    assert (author.author_id, author.nickname, author.avatar) == ("2608191526107180", "用户甲", post.author_avatar)
    assert author.profile_url == "https://space.bilibili.com/2608191526107180"


def test_2026_item_with_html_entities_and_multiline_description() -> None:
    posts = {p.id: p for p in parse_search_page(search_new(), fetched_at=FETCHED_AT).posts}
    assert posts["BV1Gs421A77T"].title == "《忍战4K26》<忍战中期3>秽土火影加入战场、木叶新三忍登场、十尾人柱力诞生"
    desc = posts["BV1dh411i7kK"].content
    assert desc.startswith("这次重置火影系列真是把肝都爆了，几千张漫画，10w+文案\n为了保证进度")
    assert posts["BV1dh411i7kK"].likes == 514803 and posts["BV1dh411i7kK"].views == 19166568


def test_first_2020_item_field_by_field() -> None:
    post = parse_search_page(search_old(), fetched_at=FETCHED_AT).posts[0]
    assert post.id == "BV1De411p77r"
    assert post.title == "梦然-《少年》官方版"
    assert post.content.startswith(
        "https://www.ixigua.com/i6822128361129640462/?logTag=EBTB5DTpBmxcfK1GYOOea\n梦然老师"
    )
    assert (post.likes, post.collects, post.comments, post.views) == (None, 27341, 1265, 1037655)  # no `like` yet
    assert (post.author, post.author_id, post.author_avatar) == ("用户甲", "766941201", None)  # no `upic` yet
    assert post.publish_time == datetime(2020, 5, 2, 8, 10, 50, tzinfo=UTC)
    assert post.tags == ["华语MV", "国语MV", "梦然", "少年", "梦想", "成长", "循环", "热歌"]
    assert post.platform_data == {"aid": "243082173", "bvid": "BV1De411p77r", "duration": "4:18",
                                  "duration_seconds": 258, "danmaku": 2616, "type_name": "MV"}  # fmt: skip


def test_non_video_items_and_repeats_are_skipped() -> None:
    payload = search_new()
    items = payload["data"]["result"]
    items[3:3] = [{"type": "live_room", "roomid": 1}, dict(items[0]), "ad"]
    result = parse_search_page(payload, fetched_at=FETCHED_AT)
    assert len(result.posts) == 10 and result.skipped == 3


def test_last_page_and_empty_pages_end() -> None:
    payload = search_new()
    payload["data"]["page"] = payload["data"]["numPages"]
    assert parse_search_page(payload, fetched_at=FETCHED_AT).end is True
    payload["data"] |= {"page": 3, "result": []}
    assert parse_search_page(payload, fetched_at=FETCHED_AT).end is True
    del payload["data"]["result"]  # a search with nothing found leaves result out
    assert parse_search_page(payload, fetched_at=FETCHED_AT).posts == []


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"code": -412, "message": "请求被拦截"}, RiskControl),
        ({"code": -352, "message": "风控校验失败"}, RiskControl),
        ({"code": -101, "message": "账号未登录"}, LoginRequired),
        ({"code": -400, "message": "请求错误"}, DataFetchError),
        ({"code": -404, "message": "啥都木有"}, DataFetchError),
        ({"code": -509, "message": "请求过于频繁，请稍后再试"}, RateLimited),
        ({"code": 0, "data": {"seid": "1"}}, ParseError),
        ({"code": 0, "data": {"result": {"video": []}}}, ParseError),
        ({"code": 0, "data": {"result": [{"type": "video", "title": "no ids"}]}}, ParseError),
        ({"ok": 1}, ParseError),
        ([], ParseError),
    ],
)
def test_search_errors(payload: Any, error: type[PlatformError]) -> None:
    with pytest.raises(error) as caught:
        parse_search_page(payload, fetched_at=FETCHED_AT)
    if isinstance(payload, dict) and payload.get("code"):
        assert caught.value.raw_code == payload["code"]


# -- detail and user info (built shapes) ------------------------------------------------------------------


def test_view_detail_field_by_field() -> None:
    post = parse_view_detail(view_detail(), fetched_at=FETCHED_AT)
    item = first_item()
    assert post.id == "BV19wFGzzEPZ" and post.url == "https://www.bilibili.com/video/BV19wFGzzEPZ"
    assert post.title == "【火-影-忍-者】全720集 4K超清未删减完整版 reaction" and post.content == "简介"
    assert (post.likes, post.collects, post.comments, post.shares, post.views) == (782, 1832, 46, 45, 47660)
    assert post.publish_time == datetime.fromtimestamp(item["pubdate"], UTC)
    assert post.tags == ["火影忍者", "合集"]
    assert post.images == ["http://i2.hdslb.com/bfs/archive/7b3f3ee8016029b7466be750355a1d094a22fdb7.jpg"]
    assert post.platform_data == {
        "aid": "116004801741275", "bvid": "BV19wFGzzEPZ", "cid": "35087654321", "duration_seconds": 849036,
        "danmaku": 251, "coins": 321, "type_name": "综艺",
    }  # fmt: skip
    author = post.author_info
    assert author is not None and (post.author, post.author_id) == ("用户甲", "2608191526107180")
    assert (author.gender, author.description, author.followers, author.following) == ("男", "签名", 12345, 67)
    assert (author.posts_count, author.likes_received) == (89, 4567)
    assert author.platform_data == {"level": 6, "official_type": -1}


def test_view_detail_without_card_uses_the_owner() -> None:
    payload = view_detail()
    del payload["data"]["Card"]
    post = parse_view_detail(payload, fetched_at=FETCHED_AT)
    assert post.author_id == "2608191526107180" and post.author == "用户甲"
    assert post.author_info is not None and post.author_info.followers is None


@pytest.mark.parametrize(
    ("payload", "error"),
    [({"code": -404, "message": "啥都木有"}, DataFetchError), ({"code": 0, "data": {"View": {}}}, ParseError)],
)
def test_view_detail_errors(payload: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_view_detail(payload, fetched_at=FETCHED_AT)


def test_user_info_field_by_field() -> None:
    author = parse_user_info(acc_info(), fetched_at=FETCHED_AT)
    assert (author.platform, author.author_id, author.nickname) == ("bilibili", "794383850", "用户甲")
    assert (author.gender, author.description) == ("女", "这是一段示例签名")
    assert author.avatar == "https://i0.hdslb.com/bfs/face/a.jpg"
    assert author.followers is None  # acc/info carries no follower count
    assert author.profile_url == "https://space.bilibili.com/794383850"
    assert author.platform_data == {"level": 6, "official_type": -1}


def test_user_info_hidden_gender_and_errors() -> None:
    payload = acc_info()
    payload["data"]["sex"] = "保密"
    assert parse_user_info(payload, fetched_at=FETCHED_AT).gender is None
    with pytest.raises(RiskControl):
        parse_user_info({"code": -352, "message": "风控校验失败"}, fetched_at=FETCHED_AT)
    with pytest.raises(ParseError, match="mid"):
        parse_user_info({"code": 0, "data": {"name": "x"}}, fetched_at=FETCHED_AT)


# -- keypick parse ---------------------------------------------------------------------------------------


def test_parse_kinds() -> None:
    assert set(PARSE_KINDS) == {"search", "detail", "comments", "creator", "creator_posts"}
    assert len(PARSE_KINDS["search"](search_old(), FETCHED_AT)) == 10
    (detail,) = PARSE_KINDS["detail"](view_detail(), FETCHED_AT)
    assert isinstance(detail, Post) and detail.id == "BV19wFGzzEPZ"
    (creator,) = PARSE_KINDS["creator"](acc_info(), FETCHED_AT)
    assert isinstance(creator, Author) and creator.author_id == "794383850"
