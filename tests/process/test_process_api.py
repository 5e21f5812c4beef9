"""/api/process/{clean,extract,transform,validate} over HTTP (in-process app), with good and bad input."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from tests.insights.dataset import NEAR_COPY_ID, NEAR_COPY_OF, OAT_IDS, REAL_IDS, fixed_posts, real_posts


def _records() -> list[dict[str, Any]]:
    return [p.model_dump(mode="json") for p in fixed_posts()]


def _field(response: Any) -> list[str]:
    return [e["field"] for e in response.json()["error"]["details"]["errors"]]


@pytest.fixture
async def client(api: Any) -> Any:
    async with api(workers=0) as started:
        yield started.http


async def test_clean_normalizes_dedupes_and_extracts(client: Any) -> None:
    raw = real_posts()[0].raw or {}
    messy = [
        {
            "id": 111,
            "platform": "wb",
            "content": "<p>好喝&amp;便宜</p>  #燕麦拿铁#  @小明 看 https://example.com/a。",
            "likes": "1.2万",
            "comments": "10万+",
            "shares": "--",
            "publish_time": 1718368760,
        },
        {"id": "111", "platform": "weibo", "content": "the same post again"},
        {
            "id": "222",
            "platform": "xhs",
            "content": "x",
            "publish_time": "Fri Jun 14 20:39:20 +0800 2019",
            "crawl_time": "2025-06-14 20:00:00",
            "tags": ["咖啡[话题]", " 咖啡[话题] "],
        },
        {"id": "333", "platform": "weibo", "content": "y", "publish_time": "3小时前", "likes": -4, "views": "lots"},
        {"platform": "weibo", "content": "no id"},
        {"id": "444", "content": "no platform"},
        {"id": "555", "platform": "weibo", "content": "z", "publish_time": "someday", "keywords": ["咖啡"], "rank": 1},
        {"id": raw.get("id", "x"), "platform": "weibo", "content": raw.get("text", "")},
    ]
    response = await client.post("/api/process/clean", json={"posts": messy})
    assert response.status_code == 200, response.text
    body = response.json()
    posts, report = {p["id"]: p for p in body["posts"]}, body["report"]
    assert report["received"] == 8 and report["returned"] == 5 == len(body["posts"])
    first = posts["111"]
    assert first["platform"] == "weibo" and first["content"].startswith("好喝&便宜\n#燕麦拿铁# @小明")
    assert (first["likes"], first["comments"], first["shares"]) == (12000, 100000, None)
    assert first["publish_time"] == "2024-06-14T12:39:20+00:00"
    assert first["hashtags"] == ["燕麦拿铁"] and first["tags"] == ["燕麦拿铁"]
    assert first["mentions"] == ["小明"] and first["urls"] == ["https://example.com/a"]
    assert len(first["simhash"]) == 16
    assert posts["222"]["platform"] == "xiaohongshu" and posts["222"]["tags"] == ["咖啡"]
    assert posts["222"]["publish_time"] == "2019-06-14T12:39:20+00:00"
    assert posts["222"]["crawl_time"] == "2025-06-14T12:00:00+00:00"  # naive = Asia/Shanghai by default
    assert posts["333"]["publish_time"].endswith("+00:00") and posts["333"]["likes"] is None
    assert "<" not in posts[raw["id"]]["content"] and "[偷笑]" in posts[raw["id"]]["content"]
    assert report["duplicates"] == [
        {
            "index": 1,
            "id": "111",
            "platform": "weibo",
            "duplicate_of": "111",
            "duplicate_of_index": 0,
            "kind": "same_id",
            "distance": None,
        }
    ]
    assert {(r["index"], r["field"]) for r in report["rejected"]} == {(4, "id"), (5, "platform")}
    issues = {(i["id"], i["field"]) for i in report["issues"]}
    assert issues == {("333", "likes"), ("333", "views"), ("555", "publish_time")}
    assert report["changes"]["html"] >= 2 and report["changes"]["counts"] == 3 and report["changes"]["platform"] == 2


async def test_clean_near_duplicates_reported_then_dropped(client: Any) -> None:
    response = await client.post("/api/process/clean", json={"posts": _records()})
    body = response.json()
    assert [g["post_ids"] for g in body["report"]["near_duplicate_groups"]] == [[NEAR_COPY_OF, NEAR_COPY_ID]]
    group = body["report"]["near_duplicate_groups"][0]
    assert group["kept"] == NEAR_COPY_OF and group["distances"] == [0, 2]  # the original has far more engagement
    assert len(body["posts"]) == 17
    assert {p["id"]: p["near_duplicate_of"] for p in body["posts"]}[NEAR_COPY_ID] == NEAR_COPY_OF
    dropped = await client.post("/api/process/clean", json={"posts": _records(), "drop_near_duplicates": True})
    body = dropped.json()
    assert len(body["posts"]) == 16 and NEAR_COPY_ID not in {p["id"] for p in body["posts"]}
    assert body["report"]["duplicates"] == [
        {
            "index": 16,
            "id": NEAR_COPY_ID,
            "platform": "weibo",
            "duplicate_of": NEAR_COPY_OF,
            "duplicate_of_index": 9,
            "kind": "near_duplicate",
            "distance": 2,
        }
    ]
    strict = await client.post("/api/process/clean", json={"posts": _records(), "near_dup_distance": 0})
    assert strict.json()["report"]["near_duplicate_groups"] == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"posts": "nope"}, "posts"),
        ({}, "posts"),
        ({"posts": [{"id": "1", "platform": "weibo", "likes": [1]}]}, "posts[0].likes"),
        ({"posts": [{"id": True, "platform": "weibo"}]}, "posts[0].id"),
        ({"posts": [], "near_dup_distance": 99}, "near_dup_distance"),
        ({"posts": [], "naive_timezone": "Mars/Olympus"}, "naive_timezone"),
        ({"posts": [], "surprise": 1}, "surprise"),
    ],
)
async def test_clean_rejects_bad_input_naming_the_field(client: Any, payload: Any, field: str) -> None:
    response = await client.post("/api/process/clean", json=payload)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert any(f.startswith(field) for f in _field(response)), response.text


async def test_extract_is_the_insights_engine(client: Any) -> None:
    response = await client.post(
        "/api/process/extract", json={"posts": _records(), "search_keywords": ["咖啡"], "min_posts": 5, "top_n": 3}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["sample"]["posts"] == 17 and body["sample"]["sufficient"] is True
    keyword = body["keywords"][0]
    assert (keyword["word"], keyword["post_count"], keyword["voices"], keyword["post_ids"]) == ("燕麦", 3, 3, OAT_IDS)
    assert len(body["top_posts"]) == 3 and body["near_duplicates"][0]["post_ids"] == [NEAR_COPY_OF, NEAR_COPY_ID]
    thin = (await client.post("/api/process/extract", json={"posts": _records()[:4]})).json()
    assert thin["sample"]["sufficient"] is False and thin["sentiment"]["split"] is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"posts": [{"platform": "weibo", "content": "x"}]}, "posts[0].id"),
        ({"posts": [{"id": "1", "content": "x"}]}, "posts[0].platform"),
        ({"posts": [], "min_posts": 0}, "min_posts"),
        ({"posts": [], "tz": "Nowhere/Zone"}, "tz"),
        ({"posts": [], "neutral_low": 0.7, "neutral_high": 0.6}, "neutral_high"),
    ],
)
async def test_extract_rejects_bad_input(client: Any, payload: Any, field: str) -> None:
    response = await client.post("/api/process/extract", json=payload)
    assert response.status_code == 422 and field in _field(response), response.text


async def test_transform_json_csv_markdown(client: Any) -> None:
    records = _records()
    as_json = (await client.post("/api/process/transform", json={"posts": records})).json()
    assert as_json["format"] == "json" and as_json["count"] == 17
    rows = json.loads(as_json["content"])
    assert [r["id"] for r in rows] == [r["id"] for r in records] and rows[0]["likes"] == records[0]["likes"]
    as_csv = (
        await client.post(
            "/api/process/transform", json={"posts": records, "format": "csv", "fields": ["id", "likes", "tags"]}
        )
    ).json()
    assert as_csv["content"].startswith("\ufeffid,likes,tags\r\n") and as_csv["filename"].endswith(".csv")
    parsed = list(csv.reader(io.StringIO(as_csv["content"].removeprefix("\ufeff"))))
    assert parsed[1] == [REAL_IDS[0], str(records[0]["likes"]), "[]"] and len(parsed) == 18
    md = (await client.post("/api/process/transform", json={"posts": records, "format": "markdown"})).json()
    assert md["content"].startswith("# Posts (17)") and f"**id**: {REAL_IDS[3]}" in md["content"]
    assert "\\#我的身边有非遗\\#" in md["content"]  # user text cannot become a heading


async def test_transform_download(client: Any) -> None:
    response = await client.post(
        "/api/process/transform", json={"posts": _records(), "format": "csv", "download": True}
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="keypick-posts.csv"'
    assert response.content.startswith(b"\xef\xbb\xbfid,platform,")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"posts": [], "format": "xml"}, "format"),
        ({"posts": [], "fields": ["id", "secret"]}, "fields"),
        ({"posts": [{"id": "1"}]}, "posts[0].platform"),
    ],
)
async def test_transform_rejects_bad_input(client: Any, payload: Any, field: str) -> None:
    response = await client.post("/api/process/transform", json=payload)
    assert response.status_code == 422 and field in _field(response), response.text


async def test_validate_reports_errors_and_warnings_per_record(client: Any) -> None:
    good = _records()[0]
    posts = [
        good,
        {"platform": "weibo", "content": "x", "publish_time": "2025-06-01T00:00:00+00:00"},
        {
            "id": 5,
            "platform": "twitter",
            "likes": "1.2万",
            "comments": -1,
            "shares": 2.5,
            "publish_time": "昨天 12:30",
            "tags": "咖啡",
            "content": 7,
        },
        {
            "id": "6",
            "platform": "weibo",
            "content": "",
            "likes": 1_000_000,
            "views": 10,
            "crawl_time": "2025-06-01 10:00:00",
            "extra": 1,
        },
        good,
    ]
    response = await client.post("/api/process/validate", json={"posts": posts})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["valid"], body["total"], body["valid_count"], body["invalid_count"]) == (False, 5, 3, 2)
    results = body["results"]
    assert results[0]["valid"] and results[0]["errors"] == [] and results[0]["warnings"] == []
    assert [e["field"] for e in results[1]["errors"]] == ["id"]
    errors = {e["field"]: e["message"] for e in results[2]["errors"]}
    assert set(errors) == {"platform", "content", "likes", "comments", "shares", "publish_time", "tags"}
    assert "clean" in errors["likes"] and "negative" in errors["comments"] and "ISO 8601" in errors["publish_time"]
    assert [w["field"] for w in results[2]["warnings"]] == ["id"]  # numeric id
    warnings = {w["field"]: w["message"] for w in results[3]["warnings"]}
    assert results[3]["valid"] is True
    assert set(warnings) == {"likes", "crawl_time", "content", "publish_time", "extra"}
    assert "100万+" in warnings["likes"] or "views" in warnings["likes"]
    assert any("same platform and id as record 0" in w["message"] for w in results[4]["warnings"])


async def test_validate_rejects_a_non_object(client: Any) -> None:
    response = await client.post("/api/process/validate", json={"posts": [{"id": "1"}, "nope"]})
    assert response.status_code == 422 and "posts[1]" in _field(response)


async def test_process_needs_the_api_key(api: Any) -> None:
    async with api(workers=0, api_keys_raw="secret") as started:
        denied = await started.http.post("/api/process/validate", json={"posts": []})
        allowed = await started.http.post("/api/process/validate", json={"posts": []}, headers={"X-API-Key": "secret"})
    assert denied.status_code == 401 and allowed.status_code == 200


async def test_counts_past_64_bits_are_nulled_by_clean_and_errors_of_validate(client: Any) -> None:
    # No platform shows such a count and no database column holds one; every route that reads counts says so.
    huge = [{"id": "1", "platform": "weibo", "content": "x", "likes": 2**64, "comments": 1e300,
             "shares": "9999999999999亿", "views": 2**63 - 1}]  # fmt: skip
    cleaned = (await client.post("/api/process/clean", json={"posts": huge})).json()
    post = cleaned["posts"][0]
    assert (post["likes"], post["comments"], post["shares"], post["views"]) == (None, None, None, 2**63 - 1)
    issues = {i["field"]: i["message"] for i in cleaned["report"]["issues"]}
    assert set(issues) == {"likes", "comments", "shares"} and all("2^63-1" in m for m in issues.values())
    converted = (await client.post("/api/process/transform", json={"posts": huge, "format": "json"})).json()
    assert json.loads(converted["content"])[0]["likes"] is None
    checked = (await client.post("/api/process/validate", json={"posts": huge})).json()
    errors = {e["field"]: e["message"] for e in checked["results"][0]["errors"]}
    assert {"likes", "comments"} <= set(errors) and "2^63-1" in errors["likes"] and "views" not in errors
