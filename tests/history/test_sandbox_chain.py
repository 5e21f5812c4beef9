"""The "done when" chain over real sandbox crawls, on SQLite and PostgreSQL, through the API and the CLI:
crawl → search the history in Chinese → chart volume by day → export to Excel (and CSV) → cited report.

Expected values are computed here from the crawled posts themselves (read back through /api/data/),
never copied from the code under test.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from keypick.cli.main import app
from tests.reports.checks import assert_self_contained

SHANGHAI = ZoneInfo("Asia/Shanghai")
runner = CliRunner()


async def _crawl(client: Any, platform: str, keywords: list[str], max_results: int, **extra: Any) -> str:
    body = {"platform": platform, "keywords": keywords, "max_results": max_results} | extra
    created = await client.http.post("/api/crawl/", json=body)
    assert created.status_code == 202, created.text
    task_id: str = created.json()["task_id"]
    status = await client.wait_status(task_id)
    assert status["status"] == "completed", status
    return task_id


async def _get(client: Any, path: str, **params: Any) -> dict[str, Any]:
    response = await client.http.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _task_ids(client: Any, task_id: str) -> dict[str, set[str]]:
    body = await _get(client, f"/api/crawl/task/{task_id}/results", page_size=200)
    found: dict[str, set[str]] = {}
    for post in body["results"]:
        for keyword in post["keywords"]:
            found.setdefault(keyword, set()).add(post["id"])
    return found


def _local_day(post: dict[str, Any]) -> str:
    stamp = datetime.fromisoformat(post["publish_time"] or post["crawl_time"])
    return stamp.astimezone(SHANGHAI).date().isoformat()


def _search_ids(body: dict[str, Any]) -> set[str]:
    return {r["id"] for r in body["results"]}


async def test_api_chain_after_sandbox_crawls(api: Any, sandbox: Any, database_url: str) -> None:
    async with api(database_url=database_url, sandbox_url=sandbox.url, task_lease_seconds=60.0) as client:
        coffee = await _crawl(client, "weibo", ["咖啡", "手冲"], 25, include_comments=True, max_comments_per_post=3)
        latte = await _crawl(client, "weibo", ["拿铁"], 12)
        video = await _crawl(client, "bilibili", ["咖啡"], 10)
        hits = {task: await _task_ids(client, task) for task in (coffee, latte, video)}
        everything = await _get(client, "/api/data/", limit=500)
        posts = {p["id"]: p for p in everything["posts"]}
        assert everything["total"] == len(posts) == len(set().union(*(i for h in hits.values() for i in h.values())))

        # Filters by task and crawl keyword, on what was really crawled.
        by_task = await _get(client, "/api/data/", task_ids=coffee, limit=500)
        assert {p["id"] for p in by_task["posts"]} == hits[coffee]["咖啡"] | hits[coffee]["手冲"]
        by_keyword = await _get(client, "/api/data/", keywords="拿铁", limit=500)
        assert {p["id"] for p in by_keyword["posts"]} == hits[latte]["拿铁"]
        bili = await _get(client, "/api/data/", platforms="bili", keywords="咖啡", include_stats=True, limit=500)
        assert {p["id"] for p in bili["posts"]} == hits[video]["咖啡"] and bili["stats"]["posts"] == 10

        # Search in Chinese: highlighted, ranked, and exclusions are exactly "A and not B".
        coffee_hits = await _get(client, "/api/data/search", q="咖啡", limit=200)
        assert coffee_hits["total"] == len(coffee_hits["results"]) > 0
        assert all("<mark>咖啡</mark>" in r["snippet"] for r in coffee_hits["results"])
        assert all(
            "咖啡" in (posts[r["id"]]["title"] or "") + posts[r["id"]]["content"] for r in coffee_hits["results"]
        )
        scores = [r["score"] for r in coffee_hits["results"]]
        assert scores == sorted(scores, reverse=True)
        both = _search_ids(await _get(client, "/api/data/search", q="咖啡 一起", limit=200))
        without = _search_ids(await _get(client, "/api/data/search", q="咖啡 -一起", limit=200))
        assert both and without and without == _search_ids(coffee_hits) - both
        phrase = _search_ids(await _get(client, "/api/data/search", q='"手冲 咖啡"', limit=200))
        assert phrase <= _search_ids(await _get(client, "/api/data/search", q="手冲 咖啡", limit=200))

        # Volume by day (Asia/Shanghai by default) equals the posts' own local publish days.
        expected_days = Counter(_local_day(p) for p in posts.values())
        days = await _get(client, "/api/data/aggregate", aggregate_by="day")
        assert days["tz"] == "Asia/Shanghai"
        assert {b["key"]: b["posts"] for b in days["buckets"]} == dict(expected_days)
        assert [b["key"] for b in days["buckets"]] == sorted(expected_days)
        by_keyword_agg = await _get(client, "/api/data/aggregate", aggregate_by="keyword", metrics="posts")
        crawled = Counter(
            {k: len(set().union(*(h.get(k, set()) for h in hits.values()))) for k in ("咖啡", "手冲", "拿铁")}
        )
        assert {b["key"]: b["posts"] for b in by_keyword_agg["buckets"]} == dict(crawled)

        # Excel export: every post once, ids as text, counts as numbers; comments on their own sheet.
        response = await client.http.post("/api/data/export", json={"format": "xlsx", "include_comments": True})
        assert response.status_code == 200, response.text
        book = load_workbook(io.BytesIO(response.content))
        header, *rows = list(book["posts"].values)
        records = [dict(zip(header, row, strict=True)) for row in rows]
        assert sorted(r["id"] for r in records) == sorted(posts)
        assert all(isinstance(r["id"], str) and isinstance(r["likes"], int) for r in records)
        comment_header, *comment_rows = list(book["comments"].values)
        assert comment_rows and all(row[comment_header.index("post_id")] in posts for row in comment_rows)
        stats = await _get(client, "/api/data/stats")
        assert len(comment_rows) == stats["comments"] > 0
        # CSV: BOM for Excel, long numeric Weibo ids as ="…" so Excel keeps them as text; bilibili ids as they are.
        raw = (await client.http.post("/api/data/export", json={"format": "csv", "fields": ["id", "platform"]})).content
        assert raw.startswith(b"\xef\xbb\xbf")
        table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        weibo_ids = [r["id"] for r in table if r["platform"] == "weibo"]
        assert weibo_ids and all(re.fullmatch(r'="\d{16}"', i) for i in weibo_ids)
        assert all(r["id"].startswith("BV1") for r in table if r["platform"] == "bilibili")
        plain = (await client.http.post("/api/data/export", json={"format": "csv", "excel_ids": False})).content
        assert sorted(r["id"] for r in csv.DictReader(io.StringIO(plain.decode("utf-8-sig")))) == sorted(posts)

        # A cited report: every id it cites is a crawled post.
        report = await client.http.get("/api/insights/report", params={"format": "md", "min_posts": 10})
        assert report.status_code == 200
        cited = set(re.findall(r"`([0-9A-Za-z]{8,})`", report.text))
        assert cited and cited <= set(posts)
        page = await client.http.get("/api/insights/report", params={"format": "html", "task_ids": coffee})
        assert_self_contained(page.text)
        cited_html = set(re.findall(r"<code>([0-9A-Za-z]{8,})</code>", page.text))
        assert cited_html and cited_html <= hits[coffee]["咖啡"] | hits[coffee]["手冲"]


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, sandbox: Any, tmp_path: Path, database_url: str) -> Path:
    """The CLI pointed at the sandbox and at this test's database (a SQLite file or the real PostgreSQL)."""
    monkeypatch.setenv("KEYPICK_SANDBOX_URL", sandbox.url)
    monkeypatch.setenv("KEYPICK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    for platform in ("WEIBO", "BILIBILI"):
        monkeypatch.setenv(f"KEYPICK_{platform}__MIN_INTERVAL", "0")
        monkeypatch.setenv(f"KEYPICK_{platform}__JITTER", "0")
    return tmp_path


def _ok(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, (args, result.output)
    return result.output


def test_cli_chain_after_sandbox_crawls(cli_env: Path, database_url: str) -> None:
    assert f"({database_url.split(':')[0]}" in _ok(["db", "upgrade"]), "the CLI uses this test's backend"
    _ok(["crawl", "weibo", "咖啡", "--max", "15", "--comments"])
    _ok(["crawl", "bili", "手冲", "--max", "8"])
    exported = cli_env / "all.jsonl"
    _ok(["export", str(exported), "--plain-ids"])
    posts = {p["id"]: p for p in map(json.loads, exported.read_text(encoding="utf-8").splitlines())}
    assert len(posts) == 23

    found = [json.loads(line) for line in _ok(["search", "咖啡", "--json", "--limit", "100"]).splitlines()]
    assert found and all("<mark>咖啡</mark>" in r["snippet"] for r in found)
    minus = {r["id"] for r in map(json.loads, _ok(["search", "咖啡 -一起", "--json", "--limit", "100"]).splitlines())}
    with_both = {
        r["id"] for r in map(json.loads, _ok(["search", "咖啡 一起", "--json", "--limit", "100"]).splitlines())
    }
    assert minus == {r["id"] for r in found} - with_both
    assert "match(es) for '咖啡'" in _ok(["search", "咖啡", "--platform", "wb"])

    days = json.loads(_ok(["stats", "--by", "day", "--json"]))
    assert {b["key"]: b["posts"] for b in days["buckets"]} == dict(Counter(_local_day(p) for p in posts.values()))
    chart = _ok(["stats", "--by", "day"])
    assert "posts per day (Asia/Shanghai)" in chart and "█" in chart
    assert days["buckets"][0]["key"] in chart
    platforms = json.loads(_ok(["stats", "--by", "platform", "--metrics", "posts,sentiment", "--json"]))
    assert {b["key"]: b["posts"] for b in platforms["buckets"]} == {"weibo": 15, "bilibili": 8}
    assert all(0 <= b["sentiment"] <= 1 for b in platforms["buckets"]) and platforms["sentiment_unscored"] == 0
    assert "23 posts" in _ok(["stats"])

    book_path = cli_env / "all.xlsx"
    _ok(["export", str(book_path), "--comments", "--fields", "id,platform,content,likes,publish_time"])
    book = load_workbook(book_path)
    header, *rows = list(book["posts"].values)
    assert header == ("id", "platform", "content", "likes", "publish_time") and book["posts"].freeze_panes == "A2"
    assert sorted(r[0] for r in rows) == sorted(posts) and all(isinstance(r[3], int) for r in rows)
    assert len(list(book["comments"].values)) > 1
    csv_path = cli_env / "weibo.csv"
    assert "(5 posts)" in _ok(["export", str(csv_path), "--platform", "wb", "--limit", "5"])
    assert all(re.fullmatch(r'="\d+"', r["id"]) for r in csv.DictReader(csv_path.open(encoding="utf-8-sig")))

    insights = json.loads(_ok(["insights", "--json", "--min-posts", "10"]))
    assert insights["sample"]["posts"] == 23 and insights["sample"]["sufficient"] is True
    assert {p["platform"]: p["post_count"] for p in insights["platforms"]} == {"weibo": 15, "bilibili": 8}
    assert {i for k in insights["keywords"] for i in k["post_ids"]} <= set(posts) and insights["keywords"]
    assert sum(d["posts"] for d in insights["volume"]["days"]) == 23

    markdown = _ok(["report", "--min-posts", "10"])
    cited = set(re.findall(r"`([0-9A-Za-z]{8,})`", markdown))
    assert markdown.startswith("# KeyPick insights report") and cited and cited <= set(posts)
    page = cli_env / "report.html"
    _ok(["report", "--format", "html", "--out", str(page), "--platform", "bili"])
    html = page.read_text(encoding="utf-8")
    assert_self_contained(html)
    assert set(re.findall(r"<code>([0-9A-Za-z]{8,})</code>", html)) <= {
        i for i, p in posts.items() if i.startswith("BV")
    }
