"""Recognising author's-list answers (kind creator_posts) and where each request names its author; non-200
answers; and which version of a post or an author one HAR keeps (merge.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from keypick.content.schemas import Author, Post
from keypick.harimport.merge import chosen_versions, merged_authors
from keypick.harimport.recognize import Recognised, recognise
from tests.samples import sample_path

SEC_UID = "MS4wLjABAAAAPmoug13e0rU2uePaPL55-PQjtEenOTM-An-acSgbnin8sfKmjCRcJfrToxKLcpv9"
AT = datetime(2026, 6, 1, tzinfo=UTC)


def _entry(url: str, text: str = "{}", *, status: int = 200, body: dict[str, Any] | None = None) -> dict[str, Any]:
    request: dict[str, Any] = {"method": "POST" if body is not None else "GET", "url": url}
    if body is not None:
        request["postData"] = {"mimeType": "application/json", "text": json.dumps(body)}
    return {"request": request, "response": {"status": status, "content": {"text": text}}}


LISTS = [
    ("https://edith.xiaohongshu.com/api/sns/web/v1/user_posted?num=30&cursor=&user_id=3600bc5f000000000b09828e"
     "&image_formats=jpg,webp,avif&xsec_token=&xsec_source=pc_feed", None, "xiaohongshu", "3600bc5f000000000b09828e"),
    (f"https://www.douyin.com/aweme/v1/web/aweme/post/?device_platform=webapp&aid=6383&sec_user_id={SEC_UID}"
     "&max_cursor=0&count=18", None, "douyin", SEC_UID),
    ("https://api.bilibili.com/x/space/wbi/arc/search?mid=5843802&ps=30&pn=1&order=pubdate&wts=1&w_rid=x", None,
     "bilibili", "5843802"),
    ("https://www.kuaishou.com/rest/v/profile/feed?__NS_hxfalcon=x&caver=2",
     {"user_id": "3xudqh1v5wifv9k", "pcursor": "", "page": "profile"}, "kuaishou", "3xudqh1v5wifv9k"),
    ("https://www.zhihu.com/api/v4/members/gkduoutoqaab/answers?include=data%5B*%5D.content&offset=0&limit=20",
     None, "zhihu", "gkduoutoqaab"),
    ("https://www.zhihu.com/api/v4/members/%E5%BC%A0%E4%B8%89-42/answers?offset=0&limit=20", None, "zhihu",
     "张三-42"),  # a url_token the browser percent-encodes in the path
    ("https://tieba.baidu.com/c/u/feed/myThread?pn=1&rn=20&portrait=tb.1.a15a7514.ccfc&type=1&un=&sign=x", None,
     "tieba", "tb.1.a15a7514.ccfc"),
]  # fmt: skip


@pytest.mark.parametrize(("url", "body", "platform", "author"), LISTS, ids=[f"{c[2]}-{i}" for i, c in enumerate(LISTS)])
def test_each_list_is_recognised_with_its_author(url: str, body: dict[str, Any] | None, platform: str,
                                                  author: str) -> None:  # fmt: skip
    item = recognise(_entry(url, body=body))
    assert isinstance(item, Recognised), item
    assert (item.route.platform, item.route.kind, item.author_id, item.keyword) == (platform, "creator_posts", author,
                                                                                    author)  # fmt: skip


@pytest.mark.parametrize(("url", "body", "reason"), [
    ("https://edith.xiaohongshu.com/api/sns/web/v1/user_posted?num=30&cursor=", None,
     "xiaohongshu creator_posts without user_id in its request: whose posts would they be?"),
    ("https://www.kuaishou.com/rest/v/profile/feed?caver=2", {"pcursor": "", "page": "profile"},
     "kuaishou creator_posts without user_id in its request: whose posts would they be?"),
    ("https://tieba.baidu.com/c/u/feed/myThread?pn=1&rn=20&portrait=&type=1", None,
     "tieba creator_posts without portrait in its request: whose posts would they be?"),
])  # fmt: skip
def test_a_list_without_its_author_is_skipped(url: str, body: dict[str, Any] | None, reason: str) -> None:
    assert recognise(_entry(url, body=body)) == reason


def test_other_member_lists_and_paths_are_not_answers() -> None:
    for url in (
        "https://www.zhihu.com/api/v4/members/gkduoutoqaab/articles?offset=0",
        "https://www.zhihu.com/api/v4/members/a/b/answers",
        "https://www.douyin.com/aweme/v1/web/aweme/postx/",
    ):
        assert recognise(_entry(url)) == "not a known platform API endpoint"  # fmt: skip


def test_weibo_timeline_is_a_search_page_under_its_uid() -> None:
    url = "https://m.weibo.cn/api/container/getIndex?type=uid&value=1331994986&containerid=1076031331994986"
    item = recognise(_entry(url, sample_path("weibo", "getindex_user_timeline-1.json").read_text(encoding="utf-8")))
    assert isinstance(item, Recognised)
    assert (item.route.kind, item.author_id, item.keyword) == ("search", "1331994986", "1331994986")
    search = recognise(_entry("https://m.weibo.cn/api/container/getIndex?containerid=100103type%3D1%26q%3D咖啡"))
    assert isinstance(search, Recognised) and (search.keyword, search.author_id) == ("咖啡", None)


def test_a_non_200_answer_is_kept_only_when_json_can_name_its_error() -> None:
    url = "https://www.zhihu.com/api/v4/members/gkduoutoqaab/answers?offset=0&limit=20"
    blocked = recognise(_entry(url, '{"error": {"code": 40362, "message": "您当前请求存在异常"}}', status=403))
    assert isinstance(blocked, Recognised) and blocked.status == 403 and blocked.payload["error"]["code"] == 40362
    assert recognise(_entry(url, "<html>403</html>", status=403)) == "HTTP 403"
    assert recognise(_entry(url, "", status=404)) == "HTTP 404"
    assert recognise(_entry(url, "[1]", status=500)) == "HTTP 500"  # JSON, but no object to name an error


def _post(kind: str, **fields: Any) -> tuple[str, Post]:
    return kind, Post(id="1", platform="tieba", crawl_time=AT, **fields)


def test_the_detail_or_the_full_text_wins_whatever_the_order() -> None:
    stub = _post("creator_posts", title="标题", content="", comments=3, author_id="tb.1.a",
                 platform_data={"content_is_snippet": True, "pid": "7"})  # fmt: skip
    page = _post("detail", content="全文", author="用户甲", author_id="tb.1.a", platform_data={"forum_id": "9"})
    for seen in ([stub, page], [page, stub]):
        (chosen,) = chosen_versions(seen).values()
        assert (chosen.title, chosen.content, chosen.author, chosen.comments) == ("标题", "全文", "用户甲", 3)
        assert chosen.platform_data == {"pid": "7", "forum_id": "9"}  # the flag goes with the stub's text
    snippet = _post("search", content="摘要", platform_data={"content_is_snippet": True})
    listed = _post("creator_posts", content="", platform_data={"content_is_snippet": True})
    (chosen,) = chosen_versions([snippet, listed]).values()
    assert chosen.content == "" and chosen.platform_data == {"content_is_snippet": True}  # stubs alike: the later
    full = _post("search", content="正文")
    (chosen,) = chosen_versions([full, listed]).values()
    assert chosen.content == "正文" and chosen.platform_data == {}


def test_authors_keep_every_known_field() -> None:
    stored = {("tieba", "tb.1.a"): Author(platform="tieba", author_id="tb.1.a", nickname="旧名", followers=5)}
    thin = Author(platform="tieba", author_id="tb.1.a", avatar="https://a/1")
    named = Author(platform="tieba", author_id="tb.1.a", nickname="用户甲", platform_data={"user_id": "1"})
    other = Author(platform="weibo", author_id="tb.1.a")
    merged = merged_authors([named, thin, other], stored)
    assert [(a.platform, a.nickname, a.avatar, a.followers, a.platform_data) for a in merged] == [
        ("tieba", "用户甲", "https://a/1", 5, {"user_id": "1"}), ("weibo", None, None, None, {})]  # fmt: skip
