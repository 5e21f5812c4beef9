"""Xiaohongshu note parsers, field by field, on the real captured samples in src/keypick/sandbox/samples/xhs/.

The note-page HTML has no capture: those tests wrap the real feed note_cards in the page's
`window.__INITIAL_STATE__` layout (platforms.md §1.1: camelCase keys, JS `undefined` values).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from keypick.content.schemas import Author
from keypick.exceptions import DataFetchError, LoginRequired, ParseError, RiskControl
from keypick.platforms import registry
from keypick.platforms.xiaohongshu.parsers import parse_feed, parse_note_html, parse_search_page, split_topics
from tests.platforms.xiaohongshu.payloads import FETCHED_AT, first_item, note_card, note_page, sample

S1_ID = "6825bbe1000000002301e347"
FEED1_ID = "68f4e9bf00000000070327cb"
FEED2_ID = "66696f98000000000d00f289"
CDN = "http://sns-webpic-qc.xhscdn.com/"


# -- search_notes-1: the complete card shape ----------------------------------------------------


def test_search_notes_1_field_by_field() -> None:
    result = parse_search_page(sample("search_notes-1"), fetched_at=FETCHED_AT)
    assert (len(result.posts), result.skipped, result.has_more) == (1, 0, True)
    post = result.posts[0]
    assert post.id == S1_ID and isinstance(post.id, str)
    assert post.platform == "xiaohongshu"
    assert post.title == "入夏后吃榴莲，把阳气“吃”进肚子里‼️"
    assert post.content == ""  # search cards carry no desc
    token = "ABs3rLo0vqGThjPwZgkOciGFcoyrLG7zKhU66GcNO43DU="
    assert post.url == (
        f"https://www.xiaohongshu.com/explore/{S1_ID}?xsec_token=ABs3rLo0vqGThjPwZgkOciGFcoyrLG7zKhU66GcNO43DU%3D"
        "&xsec_source=pc_search"
    )
    # Counts are strings in the payload; "shared_count" is the search card's name for shares.
    assert (post.likes, post.collects, post.comments, post.shares, post.views) == (3496, 2777, 180, 1694, None)
    assert post.author == "用户甲" and post.author_id == "3600bc5f000000000b09828e"
    assert post.author_avatar == (
        "https://sns-avatar-qc.xhscdn.com/avatar/1040g2jo95vimz63n166a7g81lz05wlaisebnf4c?imageView2/2/w/80/format/jpg"
    )
    # corner_tag_info "05-15", seen 2025-10-20 → 2025-05-15 00:00 China time.
    assert post.publish_time == datetime(2025, 5, 14, 16, 0, tzinfo=UTC)
    assert post.tags == [] and post.videos == [] and post.ip_location is None
    assert len(post.images) == 7
    assert post.images[0] == (
        f"{CDN}202510201129/0852093664bf70571e976f7796a0a895/notes_pre_post/1040g3k031hghdmlqja6g5q00tq62ntma1ovoirg"
        "!nc_n_webp_mw_1"
    )
    assert all(url.startswith(CDN) and url.endswith("_mw_1") for url in post.images)  # WB_DFT, not WB_PRV
    assert post.crawl_time == FETCHED_AT
    assert post.platform_data == {
        "xsec_token": token,
        "xsec_source": "pc_search",
        "note_type": "normal",
        "cover": post.images[0],
        "publish_time_text": "05-15",
    }
    assert post.raw == first_item()
    author = post.author_info
    assert isinstance(author, Author)
    assert (author.author_id, author.nickname, author.avatar) == (post.author_id, "用户甲", post.author_avatar)
    assert author.profile_url == "https://www.xiaohongshu.com/user/profile/3600bc5f000000000b09828e"
    assert author.platform_data == {"xsec_token": "ABqjFwQVaCC0slr7d99ZozueVfzG8oe1ejkMCBR85O034="}


# -- search_notes-2: nine notes and one related-search card --------------------------------------

S2_EXPECTED = [
    # id, title, likes, author id, author, type
    ("66696f98000000000d00f289", None, 45, "789656330000000008005514", "用户甲", "normal"),
    (
        "669db9900000000003027352",
        "客户说有需要再联系 别再回复好的‼️",
        3703,
        "23889d410000000009030060",
        "用户乙",
        "normal",
    ),
    ("662b5217000000000100546d", "让客户疯狂为你转介绍！", 3721, "553226000000000005066392", "用户丙", "video"),
    ("6663cc1000000000150083d5", "你缺的不是客户而是跟进的能力", 5695, "4302036a0000000005073011", "用户丁", "normal"),
    ("661fcc6d00000000030236b7", "客户一旦这么说，千万不要解释", 8199, "7428f5090000000002040715", "用户戊", "normal"),
    (
        "66b1deaa000000001e01d1a2",
        "做销售千万别太专业，会吓跑客户|||",
        2054,
        "9708a6700000000004016019",
        "用户己",
        "normal",
    ),
    (
        "6684c6a1000000001c0242cc",
        "👉销售不要对低端客户进行过度的服务...",
        2362,
        "683c148d0000000006001040",
        "用户庚",
        "normal",
    ),
    ("65e73baf000000000b00c1cc", "做销售不要一开口就错了🔥", 11308, "4360ad34000000000401c01f", "用户辛", "normal"),
    ("6668398b000000000d00d20a", "客户给我的VS我给客户的", 1081, "611e65b90000000082090994", "用户壬", "normal"),
]


def test_search_notes_2_every_item() -> None:
    result = parse_search_page(sample("search_notes-2"), fetched_at=FETCHED_AT)
    assert result.skipped == 1  # the model_type "rec_query" item (相关搜索)
    assert result.has_more is True
    items = {i["id"]: i for i in sample("search_notes-2")["data"]["items"]}
    got = [(p.id, p.title, p.likes, p.author_id, p.author, p.platform_data["note_type"]) for p in result.posts]
    assert got == S2_EXPECTED
    for post in result.posts:
        # This capture's cards hold only liked_count, sizes without URLs, and no date.
        assert (post.collects, post.comments, post.shares) == (None, None, None)
        assert post.images == [] and "cover" not in post.platform_data
        assert post.publish_time is None and post.content == "" and post.tags == []
        assert post.platform_data["xsec_token"] == items[post.id]["xsec_token"]
        assert post.url and post.url.startswith(f"https://www.xiaohongshu.com/explore/{post.id}?xsec_token=")
        assert post.author_avatar and post.author_avatar.startswith("https://sns-avatar-qc.xhscdn.com/avatar/")
        assert post.author_info is not None and post.author_info.platform_data == {}


def test_search_duplicates_and_hot_queries_are_skipped() -> None:
    payload = sample("search_notes-2")
    items = payload["data"]["items"]
    items.append(dict(items[0]))
    items.append({"model_type": "hot_query", "id": "x", "hot_query": {"queries": []}})
    result = parse_search_page(payload, fetched_at=FETCHED_AT)
    assert len(result.posts) == 9 and result.skipped == 3


def test_search_end_and_empty_pages() -> None:
    payload = sample("search_notes-2")
    payload["data"] |= {"has_more": False}
    assert parse_search_page(payload, fetched_at=FETCHED_AT).has_more is False
    empty = {"code": 0, "success": True, "msg": "成功", "data": {"has_more": True, "items": []}}
    result = parse_search_page(empty, fetched_at=FETCHED_AT)
    assert result.posts == [] and result.has_more is False  # "more" with nothing in it would loop


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05-15", datetime(2025, 5, 14, 16, 0, tzinfo=UTC)),
        ("3天前", datetime(2025, 10, 17, 4, 0, tzinfo=UTC)),
        ("5小时前", datetime(2025, 10, 19, 23, 0, tzinfo=UTC)),
        ("昨天 21:30", datetime(2025, 10, 19, 13, 30, tzinfo=UTC)),
        ("2024-12-31", datetime(2024, 12, 30, 16, 0, tzinfo=UTC)),
        ("编辑于 05-15", None),
    ],
)
def test_card_display_dates(text: str, expected: datetime | None) -> None:
    payload = sample("search_notes-1")
    payload["data"]["items"][0]["note_card"]["corner_tag_info"][0]["text"] = text
    assert parse_search_page(payload, fetched_at=FETCHED_AT).posts[0].publish_time == expected


# -- feed (detail) ---------------------------------------------------------------------------------


def test_feed_1_video_note_field_by_field() -> None:
    post = parse_feed(sample("feed-1"), fetched_at=FETCHED_AT, xsec_token="ABtoken=")
    assert post is not None
    assert post.id == FEED1_ID and post.platform == "xiaohongshu"
    assert post.title is None and post.content == ""  # both empty in this capture
    assert post.url == f"https://www.xiaohongshu.com/explore/{FEED1_ID}?xsec_token=ABtoken%3D&xsec_source=pc_search"
    assert (post.likes, post.collects, post.comments, post.shares) == (1, 1, 2, 0)
    assert (post.author, post.author_id) == ("用户乙", "5c436374031a5078b1408317")
    assert post.author_avatar == "https://sns-avatar-qc.xhscdn.com/avatar/28247361a3182006e1578768.jpg"
    assert post.publish_time == datetime(2025, 10, 19, 13, 38, 7, tzinfo=UTC)  # time 1760881087000 ms
    assert post.tags == []
    assert post.images == [
        f"{CDN}202510201140/82a36c28d2e97028eff1011393c2dc76/110/0/01e8f4e9be2543f500100000000199fcb11d03_0.jpg"
        "!nd_dft_wgth_webp_3"
    ]
    assert post.videos == [
        "http://sns-video-bd.xhscdn.com/pre_post/1040g0cg31nqrl9gm52q04a6a5db1guek79ia0so",
        "http://sns-video-ak.xhscdn.com/stream/1/110/259/01e8f4e9be2543f50103700399fcb1a6a8_259.mp4",
    ]
    assert post.ip_location == "河南"
    assert post.platform_data == {
        "xsec_token": "ABtoken=",
        "xsec_source": "pc_search",
        "note_type": "video",
        "last_update_time": "2025-10-19T13:38:07+00:00",
        "video_duration": 24,
    }
    assert post.raw == note_card("feed-1")
    assert post.author_info is not None and post.author_info.platform_data == {
        "xsec_token": "ABSrkKAEj_l56MuBxHqCgEvDEkdLAO358vU_rGE-7Rrkj="
    }


def test_feed_2_image_note_field_by_field() -> None:
    post = parse_feed(sample("feed-2"), fetched_at=FETCHED_AT)
    assert post is not None
    assert post.id == FEED2_ID and post.title is None
    # The #名称[话题]# markup is gone from the text; its names are the tags, with tag_list's.
    assert post.content == (
        "保证数\n据的准确性和及时性。所有区域和各行各业 企业名录及其联系方式。准确到可以直接和企业老板洽谈合作，"
        "并不是座机、前台号码等一些废号。\n让你不再盲目地去寻找客户，而是有针对性地帮你聚焦市场"
    )
    assert "[话题]" not in post.content and "#" not in post.content
    assert post.tags == ["客户资源", "精准客源", "电话销售", "销售"]
    assert post.url == f"https://www.xiaohongshu.com/explore/{FEED2_ID}"  # no token given
    assert (post.likes, post.collects, post.comments, post.shares) == (44, 18, 160, 12)
    assert (post.author, post.author_id) == ("用户甲", "789656330000000008005514")
    assert post.publish_time == datetime(2024, 6, 12, 9, 51, 20, tzinfo=UTC)  # 1718185880000 ms
    assert post.images == [
        f"{CDN}202409181841/a73813229398edf85761900823585f74/1040g008313ul3ln81c6g5o8vavbg961a6bl9og0!nd_dft_wlteh_webp_3"
    ]
    assert post.videos == [] and post.ip_location is None  # no ip_location key in this capture
    assert post.platform_data == {"note_type": "normal", "last_update_time": "2024-06-12T09:51:21+00:00"}


def test_feed_without_items_is_none_and_other_shapes_fail() -> None:
    payload = sample("feed-2")
    payload["data"]["items"] = []
    assert parse_feed(payload, fetched_at=FETCHED_AT) is None
    payload["data"] = {"items": [{"id": FEED2_ID}]}
    with pytest.raises(ParseError, match="note_card"):
        parse_feed(payload, fetched_at=FETCHED_AT)
    with pytest.raises(ParseError, match="items"):
        parse_feed({"code": 0, "success": True, "data": {}}, fetched_at=FETCHED_AT)


@pytest.mark.parametrize("name", ["feed-1", "feed-2"])
def test_note_page_state_gives_the_same_note_as_the_feed(name: str) -> None:
    card = note_card(name)
    from_feed = parse_feed(sample(name), fetched_at=FETCHED_AT, xsec_token="tok")
    from_page = parse_note_html(note_page(card, card["note_id"]), fetched_at=FETCHED_AT, xsec_token="tok")
    assert from_feed is not None
    assert from_page.model_dump(exclude={"raw"}) == from_feed.model_dump(exclude={"raw"})


def test_note_page_without_the_note_is_a_fetch_error() -> None:
    html = note_page(note_card(), FEED2_ID)
    with pytest.raises(DataFetchError, match="no note"):
        parse_note_html(html, fetched_at=FETCHED_AT, note_id="ffffffff0000000000000000")
    with pytest.raises(ParseError, match="__INITIAL_STATE__"):
        parse_note_html("<html><body>请通过验证</body></html>", fetched_at=FETCHED_AT)


# -- text, envelopes, kinds -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("desc", "text", "tags"),
    [
        ("#咖啡[话题]# 今天 #手冲[话题]#", "今天", ["咖啡", "手冲"]),
        ("没有话题[笑哭R]", "没有话题[笑哭R]", []),
        ("#a[话题]##a[话题]#\n第二行  有空格", "第二行 有空格", ["a"]),
        ("#不是话题# 和 #[话题]#", "#不是话题# 和 #[话题]#", []),
        (None, "", []),
    ],
)
def test_split_topics(desc: object, text: str, tags: list[str]) -> None:
    assert split_topics(desc) == (text, tags)


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"code": 300012, "success": False, "msg": "网络连接异常，请检查网络设置或重启试试"}, RiskControl),
        ({"code": 300011, "success": False, "msg": "账号异常"}, RiskControl),
        ({"code": -100, "success": False, "msg": "登录已过期"}, LoginRequired),
        ({"code": -101, "success": False, "msg": "无登录信息，或登录信息为空"}, LoginRequired),
        ({"code": -1, "success": False, "msg": "请先登录"}, LoginRequired),
        ({"code": -510001, "success": False, "msg": "笔记不存在"}, DataFetchError),
        ({"code": -1, "success": False, "msg": "访问链接异常"}, DataFetchError),
        ({"items": []}, ParseError),
        ([], ParseError),
        ({"code": 0, "success": True, "data": []}, ParseError),
    ],
)
def test_envelope_errors(payload: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_search_page(payload, fetched_at=FETCHED_AT)


def test_parse_kinds_through_the_registry() -> None:
    at = FETCHED_AT
    assert [p.id for p in registry.parse_raw("xiaohongshu", "search", sample("search_notes-1"), fetched_at=at)] == [
        S1_ID
    ]
    assert [p.id for p in registry.parse_raw("xiaohongshu", "detail", sample("feed-1"), fetched_at=at)] == [FEED1_ID]
    page = note_page(note_card(), FEED2_ID)
    assert [p.id for p in registry.parse_raw("xiaohongshu", "detail", page, fetched_at=at)] == [FEED2_ID]
    comments = registry.parse_raw("xiaohongshu", "comments", sample("comment_page-1"), fetched_at=at)
    assert len(comments) == 19 and {c.post_id for c in comments} == {FEED2_ID}
    empty = sample("feed-1")
    empty["data"]["items"] = []
    with pytest.raises(ParseError, match="no item"):
        registry.parse_raw("xiaohongshu", "detail", empty, fetched_at=at)
