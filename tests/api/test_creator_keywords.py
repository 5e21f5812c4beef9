"""Creator-mode keywords every platform cannot read are refused at submission (422 naming `keywords`, quoting the
input, no task); the profile links they can read are stored as the author id their author_posts takes."""

from __future__ import annotations

from typing import Any

import pytest

SEC_UID = "MS4wLjABAAAAbWd3c3RvMnB0bm5rZ2t0b3RyZ2V0dG9u"

REFUSED = [
    ("weibo", "notanumber"),
    ("wb", "1331994986x"),
    ("bili", "-5"),
    ("bilibili", "0"),
    ("zhihu", "has space"),
    ("tieba", "https://tieba.baidu.com/home/main?un=foo"),
    ("ks", "咖啡"),
    ("dy", "https://www.douyin.com/video/123"),
    ("xhs", "5f0c0a"),
]

ACCEPTED = [
    ("weibo", ["https://weibo.com/u/1331994986", "https://m.weibo.cn/u/1331994986", "3712605932",
               "https://m.weibo.cn/profile/3712605932"], ["1331994986", "3712605932"]),
    ("bili", ["https://space.bilibili.com/5843802/video", "5843802", "2608191526107180"],
     ["5843802", "2608191526107180"]),
    ("zhihu", ["https://www.zhihu.com/people/212-75-86/answers", "185c38098d58b4d8e5707800f5478152"],
     ["212-75-86", "185c38098d58b4d8e5707800f5478152"]),
    ("tieba", ["https://tieba.baidu.com/home/main?id=tb.1.5b8e2b7c.ZHzRk2QpN3xYtL0aVbCdEf&fr=userbar"],
     ["tb.1.5b8e2b7c.ZHzRk2QpN3xYtL0aVbCdEf"]),
    ("ks", ["https://www.kuaishou.com/profile/3xudqh1v5wifv9k", "3xudqh1v5wifv9k"], ["3xudqh1v5wifv9k"]),
    ("dy", [f"https://www.douyin.com/user/{SEC_UID}?from_tab_name=main"], [SEC_UID]),
]  # fmt: skip


@pytest.mark.parametrize(("platform", "keyword"), REFUSED, ids=[f"{p}-{k}" for p, k in REFUSED])
async def test_an_unreadable_creator_keyword_is_a_422_naming_keywords(api: Any, platform: str, keyword: str) -> None:
    async with api(workers=0) as client:
        body = {"platform": platform, "mode": "creator", "keywords": [keyword]}
        response = await client.http.post("/api/crawl/", json=body)
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"] == "validation_error"
        assert [e["field"] for e in error["details"]["errors"]] == ["keywords"]
        assert error["message"].startswith("keywords: ") and f"{keyword!r} is neither" in error["message"]
        assert (await client.http.get("/api/crawl/tasks")).json()["total"] == 0, "a refused request made a task"
        # The same word is a fine search keyword: only creator mode reads keywords as author ids.
        searched = await client.http.post("/api/crawl/", json={"platform": platform, "keywords": [keyword]})
        assert searched.status_code == 202, searched.text


@pytest.mark.parametrize(("platform", "keywords", "stored"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
async def test_readable_creator_keywords_are_stored_as_author_ids(
    api: Any, platform: str, keywords: list[str], stored: list[str]
) -> None:
    async with api(workers=0) as client:
        body = {"platform": platform, "mode": "creator", "keywords": keywords}
        created = await client.http.post("/api/crawl/", json=body)
        assert created.status_code == 202, created.text
        status = (await client.http.get(f"/api/crawl/status/{created.json()['task_id']}")).json()
        assert status["keywords"] == stored  # read into ids, the repeats (a link and its id) merged
        assert [u["keyword"] for u in status["units"]] == stored


async def test_one_unreadable_keyword_refuses_the_whole_request(api: Any) -> None:
    async with api(workers=0) as client:
        body = {"platform": "weibo", "mode": "creator", "keywords": ["1331994986", "https://weibo.com/n/用户甲"]}
        response = await client.http.post("/api/crawl/", json=body)
        assert response.status_code == 422
        assert "'https://weibo.com/n/用户甲' is neither a Weibo uid" in response.json()["error"]["message"]
        assert (await client.http.get("/api/crawl/tasks")).json()["total"] == 0
