"""Aggregates against hand-computed values; exports re-read (CSV with BOM, XLSX via openpyxl, JSON lines, JSON, MD)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook

# engagement = likes + comments + shares (no collects in the dataset)
E = {"p1": 13, "p2": 62, "p3": 6, "p4": 128, "p5": 1}


async def _agg(client: Any, **params: Any) -> list[dict[str, Any]]:
    response = await client.http.get("/api/data/aggregate", params=params)
    assert response.status_code == 200, response.text
    buckets: list[dict[str, Any]] = response.json()["buckets"]
    return buckets


async def test_by_day_in_china_time(history: Any) -> None:
    assert await _agg(history, aggregate_by="day") == [
        {"key": "2026-10-22", "posts": 1, "engagement": E["p5"], "authors": 1},
        {"key": "2026-11-21", "posts": 1, "engagement": E["p4"], "authors": 1},
        {"key": "2026-11-28", "posts": 1, "engagement": E["p3"], "authors": 1},
        {"key": "2026-11-29", "posts": 1, "engagement": E["p2"], "authors": 1},
        {"key": "2026-11-30", "posts": 1, "engagement": E["p1"], "authors": 1},
    ]


async def test_time_zone_moves_the_day(history: Any) -> None:
    # Every post was published at 12:00 UTC: 02:00 the next day at UTC+14.
    keys = [b["key"] for b in await _agg(history, aggregate_by="day", tz="Pacific/Kiritimati", metrics="posts")]
    assert keys == ["2026-10-23", "2026-11-22", "2026-11-29", "2026-11-30", "2026-12-01"]


async def test_by_week_and_month(history: Any) -> None:
    weeks = await _agg(history, aggregate_by="week", metrics="posts")
    assert weeks == [{"key": "2026-10-19", "posts": 1}, {"key": "2026-11-16", "posts": 1},
                     {"key": "2026-11-23", "posts": 2}, {"key": "2026-11-30", "posts": 1}]  # fmt: skip
    months = await _agg(history, aggregate_by="month", metrics="posts,engagement")
    assert months == [{"key": "2026-10", "posts": 1, "engagement": 1},
                      {"key": "2026-11", "posts": 4, "engagement": 13 + 62 + 6 + 128}]  # fmt: skip


async def test_by_platform_author_tag(history: Any) -> None:
    platforms = await _agg(history, aggregate_by="platform", metrics="posts,engagement")
    assert platforms == [{"key": "weibo", "posts": 2, "engagement": 75},
                         {"key": "xiaohongshu", "posts": 2, "engagement": 134},
                         {"key": "bilibili", "posts": 1, "engagement": 1}]  # fmt: skip
    tags = await _agg(history, aggregate_by="tag", metrics="posts")
    assert tags[0] == {"key": "咖啡", "posts": 2}
    assert {t["key"] for t in tags} == {"咖啡", "速溶", "拿铁", "器具"}
    authors = await _agg(history, aggregate_by="author", metrics="posts", platforms="weibo")
    assert sorted(a["key"] for a in authors) == ["作者p1", "作者p2"]
    assert {(a["platform"], a["author_id"]) for a in authors} == {("weibo", "up1"), ("weibo", "up2")}


async def test_authors_are_accounts_not_names(history: Any) -> None:
    # Three accounts called 用户甲 (one id on two platforms, another on one): three buckets, not one by name.
    from datetime import UTC, datetime

    from keypick.content import service as content_service
    from keypick.content.schemas import Post

    posts = [
        Post(id=f"n{i}", platform=plat, content="同名", author="用户甲", author_id=uid)
        for i, (plat, uid) in enumerate([("weibo", "u9"), ("weibo", "u9"), ("douyin", "u8"), ("douyin", "u9")])
    ]
    async with history.app.state.runtime.sessions() as session:
        await content_service.upsert_posts(session, posts, now=datetime.now(UTC))
        await session.commit()
    buckets = await _agg(history, aggregate_by="author", metrics="posts,authors", search_text="同名")
    assert sorted((b["platform"], b["author_id"], b["key"], b["posts"], b["authors"]) for b in buckets) == [
        ("douyin", "u8", "用户甲", 1, 1),
        ("douyin", "u9", "用户甲", 1, 1),
        ("weibo", "u9", "用户甲", 2, 1),
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"aggregate_by": "hour"}, "aggregate_by"), ({"metrics": "likes"}, "metrics"), ({"tz": "Mars/Base"}, "tz")],
)
async def test_bad_aggregate(history: Any, params: dict[str, Any], field: str) -> None:
    response = await history.http.get("/api/data/aggregate", params=params)
    assert response.status_code == 422 and field in response.json()["error"]["message"]


async def _export(client: Any, **body: Any) -> bytes:
    response = await client.http.post("/api/data/export", json=body)
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    return bytes(response.content)


async def test_csv_has_bom_and_text_ids(history: Any) -> None:
    raw = await _export(history, format="csv", fields=["id", "platform", "content", "likes", "tags"])
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {r["id"] for r in rows} == {"p1", "p2", "p3", "p4", "p5"}
    by_id = {r["id"]: r for r in rows}
    assert by_id["p2"]["content"] == "速溶咖啡也能喝，但手冲咖啡更好" and by_id["p2"]["likes"] == "50"
    assert json.loads(by_id["p2"]["tags"]) == ["咖啡", "速溶"]


async def test_xlsx_posts_and_comments_sheets(history: Any) -> None:
    raw = await _export(history, format="xlsx", include_comments=True, platforms="weibo")
    book = load_workbook(io.BytesIO(raw))
    assert book.sheetnames == ["posts", "comments"]
    posts = book["posts"]
    header, *rows = list(posts.values)
    assert posts.freeze_panes == "A2"
    record = dict(zip(header, rows[0], strict=True))
    assert isinstance(record["id"], str) and isinstance(record["likes"], int)
    assert record["publish_time"].year == 2026, "times are real datetime cells"
    assert len(rows) == 2
    comments = list(book["comments"].values)
    assert len(comments) == 3 and comments[1][comments[0].index("post_id")] == "p2"


async def test_jsonl_json_md_and_limit(history: Any) -> None:
    lines = (await _export(history, format="jsonl", limit=3)).decode().splitlines()
    assert len(lines) == 3 and all("id" in json.loads(line) for line in lines)
    array = json.loads(await _export(history, format="json", fields="id,likes", min_likes=10))
    assert sorted(array, key=lambda r: r["id"]) == [{"id": "p1", "likes": 10}, {"id": "p2", "likes": 50},
                                                     {"id": "p4", "likes": 100}]  # fmt: skip
    md = (await _export(history, format="md", fields=["id", "content"], platforms="xhs")).decode()
    assert md.splitlines()[0] == "| id | content |" and md.count("\n") == 4
    empty = json.loads(await _export(history, format="json", platforms="zhihu"))
    assert empty == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"format": "pdf"}, "format"),
        ({"fields": ["nope"]}, "fields"),
        ({"limit": 0}, "limit"),
        ({"colour": 1}, "colour"),
    ],
)
async def test_bad_export(history: Any, body: dict[str, Any], field: str) -> None:
    response = await history.http.post("/api/data/export", json=body)
    assert response.status_code == 422 and field in response.json()["error"]["message"]


async def test_sentiment_metric_is_the_mean_snownlp_score(history: Any) -> None:
    from datetime import UTC, datetime

    from keypick.content import service as content_service
    from keypick.content.schemas import Post
    from keypick.insights.nlp import DEFAULT_TOOLS
    from tests.history.conftest import TEXTS

    score = {pid: round(DEFAULT_TOOLS.sentiment(text), 4) for pid, _, text, *_ in TEXTS}
    # Score only two new posts now (newest rows first: p5, p4); the rest stay unscored and are counted.
    first = (await history.http.get("/api/data/aggregate", params={"aggregate_by": "platform", "metrics": "sentiment",
                                                                    "score_limit": 2})).json()  # fmt: skip
    assert first["sentiment_unscored"] == 3 and first["sentiment_method"] == "snownlp"
    assert "product reviews" in first["sentiment_caveat"]
    partial = {b["key"]: (b["sentiment"], b["sentiment_scored"]) for b in first["buckets"]}
    assert partial["bilibili"] == (score["p5"], 1) and partial["weibo"] == (None, 0)
    body = (await history.http.get("/api/data/aggregate", params={"aggregate_by": "platform",
                                                                   "metrics": "posts,sentiment"})).json()  # fmt: skip
    assert body["sentiment_unscored"] == 0
    got = {b["key"]: b for b in body["buckets"]}
    assert got["weibo"]["sentiment"] == pytest.approx((score["p1"] + score["p2"]) / 2, abs=1e-4)
    assert got["xiaohongshu"]["sentiment"] == pytest.approx((score["p3"] + score["p4"]) / 2, abs=1e-4)
    assert got["weibo"]["sentiment_scored"] == got["weibo"]["posts"] == 2
    # A changed text drops its stored score (the indexer invalidates it); it is scored again on the next call.
    async with history.app.state.runtime.sessions() as session:
        await content_service.upsert_posts(
            session, [Post(id="p5", platform="bilibili", content="太难喝了，非常失望，再也不买")], now=datetime.now(UTC)
        )
        await session.commit()
    again = (await history.http.get("/api/data/aggregate", params={"aggregate_by": "platform", "metrics": "sentiment",
                                                                    "score_limit": 0})).json()  # fmt: skip
    assert again["sentiment_unscored"] == 1
    rescored = (await history.http.get("/api/data/aggregate", params={"aggregate_by": "day",
                                                                       "metrics": "sentiment"})).json()  # fmt: skip
    assert rescored["sentiment_unscored"] == 0
    assert sum(b["sentiment_scored"] for b in rescored["buckets"]) == 5
    new_score = round(DEFAULT_TOOLS.sentiment("太难喝了，非常失望，再也不买"), 4)
    assert new_score < 0.4 and new_score != score["p5"]
    day = {b["key"]: b for b in rescored["buckets"]}
    assert any(b["sentiment"] == new_score and b["sentiment_scored"] == 1 for b in day.values())
