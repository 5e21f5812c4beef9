"""Normalized records use exactly the field names of the original KeyPick content model.

Checked where users see them: `keypick parse` on every real sample (each platform by its short
name too), and the results API of a crawl (posts and their comment_list).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from keypick.cli.main import app
from keypick.sandbox.samples import SAMPLES_DIR
from tests.samples import sample_path

runner = CliRunner()

#: Issue 2, item 4, verbatim.
POST_FIELDS = {"id", "platform", "title", "content", "url", "likes", "collects", "comments", "shares", "views",
               "author", "author_id", "author_avatar", "publish_time", "tags", "images", "videos", "ip_location",
               "crawl_time", "task_id", "platform_data"}  # fmt: skip
COMMENT_FIELDS = {"comment_id", "post_id", "parent_id", "author", "author_id", "content", "likes", "publish_time",
                  "ip_location", "reply_count"}  # fmt: skip
#: A comment also says which platform it is from and keeps the rest of its payload, like a post.
COMMENT_EXTRA = {"platform", "platform_data"}
COUNTS = ("likes", "collects", "comments", "shares", "views")

#: Every real sample: (directory, file, platform as typed, kind).
SAMPLES = [
    ("bilibili", "search_type_video-1.json", "bili", "search"),
    ("bilibili", "search_type_video-2.json", "bilibili", "search"),
    ("bilibili", "reply-1.json", "bili", "comments"),
    ("bilibili", "reply-2.json", "bilibili", "comments"),
    ("bilibili", "reply_wbi_main-1.json", "bili", "comments"),
    ("douyin", "app_general_search-1.json", "dy", "search"),
    ("douyin", "comment_list-1.json", "douyin", "comments"),
    ("tieba", "search_result-1.html", "tieba", "search"),
    ("weibo", "getindex_user_timeline-1.json", "wb", "search"),
    ("weibo", "hotflow-1.json", "weibo", "comments"),
    ("weibo", "comments_show-1.json", "wb", "comments"),
    ("xhs", "search_notes-1.json", "xhs", "search"),
    ("xhs", "search_notes-2.json", "xiaohongshu", "search"),
    ("xhs", "feed-1.json", "xhs", "detail"),
    ("xhs", "feed-2.json", "xiaohongshu", "detail"),
    ("xhs", "comment_page-1.json", "xhs", "comments"),
    ("xhs", "comment_page-2.json", "xiaohongshu", "comments"),
    ("xhs", "sub_comment_page-1.json", "xhs", "comments"),
    ("xhs", "sub_comment_page-2.json", "xiaohongshu", "comments"),
    ("zhihu", "search_v3-1.json", "zhihu", "search"),
]


def test_every_sample_is_listed() -> None:
    on_disk = {(p.parent.name, p.name) for p in SAMPLES_DIR.glob("*/*") if p.suffix in (".json", ".html")}
    assert on_disk == {(d, f) for d, f, _, _ in SAMPLES}


def check_post(post: dict[str, Any]) -> None:
    """Assert one post dict has exactly the normalized fields, with their types."""
    assert set(post) == POST_FIELDS, set(post) ^ POST_FIELDS
    assert isinstance(post["id"], str) and post["id"]
    assert all(post[k] is None or (isinstance(post[k], int) and not isinstance(post[k], bool)) for k in COUNTS)
    for key in ("publish_time", "crawl_time"):
        if post[key] is not None:
            assert post[key].endswith("+00:00"), (key, post[key])
    assert all(isinstance(post[k], list) for k in ("tags", "images", "videos"))
    assert isinstance(post["platform_data"], dict)


def check_comment(comment: dict[str, Any]) -> None:
    """Assert one comment dict has the normalized comment fields."""
    assert set(comment) == COMMENT_FIELDS | COMMENT_EXTRA, set(comment) ^ (COMMENT_FIELDS | COMMENT_EXTRA)
    assert isinstance(comment["comment_id"], str) and isinstance(comment["post_id"], str)
    assert comment["likes"] is None or isinstance(comment["likes"], int)
    if comment["publish_time"] is not None:
        assert comment["publish_time"].endswith("+00:00")


@pytest.mark.parametrize(("folder", "name", "platform", "kind"), SAMPLES, ids=[f"{s[0]}/{s[1]}" for s in SAMPLES])
def test_parse_every_sample(folder: str, name: str, platform: str, kind: str) -> None:
    result = runner.invoke(app, ["parse", platform, kind, str(sample_path(folder, name))])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert records, "every real sample holds at least one record"
    for record in records:
        (check_comment if kind == "comments" else check_post)(record)


async def test_results_api_uses_the_same_names(api: Any, sandbox: Any) -> None:
    async with api(sandbox_url=sandbox.url) as client:
        created = await client.http.post("/api/crawl/", json={
            "platform": "wb", "keywords": ["咖啡"], "max_results": 5, "include_comments": True,
            "max_comments_per_post": 3,
        })  # fmt: skip
        task_id = created.json()["task_id"]
        assert (await client.wait_status(task_id))["status"] == "completed"
        body = (await client.http.get(f"/api/crawl/task/{task_id}/results", params={"include_comments": True})).json()
        assert len(body["results"]) == 5
        comments = 0
        for item in body["results"]:
            extra = {"keywords", "rank", "comment_list"}
            check_post({k: v for k, v in item.items() if k not in extra})
            assert item["task_id"] == task_id and item["keywords"] == ["咖啡"] and isinstance(item["rank"], int)
            for comment in item["comment_list"]:
                check_comment(comment)
                comments += 1
        assert comments > 0
