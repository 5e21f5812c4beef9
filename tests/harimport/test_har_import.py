"""HAR import: a HAR assembled from the real samples of every platform goes through the same parsers
into the same tables; unknown, failed and empty entries are reported as skipped."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from typer.testing import CliRunner

from keypick.cli.main import app as cli
from keypick.sandbox.kuaishou_data import KuaishouData
from tests.samples import sample_path

TIMELINE_POST = "4383183661430868"


def _text(platform: str, name: str) -> str:
    return sample_path(platform, name).read_text(encoding="utf-8")


def _entry(url: str, body: str, *, method: str = "GET", post: dict[str, Any] | None = None, status: int = 200,
           mime: str = "application/json", b64: bool = False) -> dict[str, Any]:  # fmt: skip
    content: dict[str, Any] = {"mimeType": mime, "size": len(body)}
    if b64:
        content |= {"text": base64.b64encode(body.encode()).decode(), "encoding": "base64"}
    elif body:
        content["text"] = body
    request: dict[str, Any] = {"method": method, "url": url, "headers": []}
    if post is not None:
        request["postData"] = {"mimeType": "application/json", "text": json.dumps(post, ensure_ascii=False)}
    return {"request": request, "response": {"status": status, "content": content}}


def kuaishou_feed() -> str:
    """No Kuaishou capture exists: its sandbox reshapes real douyin items into the feed shape; use those."""
    data = KuaishouData(seed="har", anchor=datetime(2026, 12, 1, tzinfo=UTC))
    return json.dumps({"result": 1, "feeds": data.feeds("咖啡", 1), "pcursor": "2", "searchSessionId": "s"},
                      ensure_ascii=False)  # fmt: skip


def build_har() -> dict[str, Any]:
    """Return a HAR document whose entries carry the real samples at their real endpoints."""
    wb, xhs, dy, bili = "https://m.weibo.cn", "https://edith.xiaohongshu.com", "https://www.douyin.com", \
        "https://api.bilibili.com"  # fmt: skip
    entries = [
        _entry(f"{wb}/api/container/getIndex?type=uid&value=1331994986&containerid=1076031331994986",
               _text("weibo", "getindex_user_timeline-1.json")),
        _entry(f"{wb}/comments/hotflow?id={TIMELINE_POST}&mid={TIMELINE_POST}&max_id_type=0",
               _text("weibo", "hotflow-1.json")),
        _entry(f"{xhs}/api/sns/web/v1/search/notes", _text("xhs", "search_notes-1.json"), method="POST",
               post={"keyword": "咖啡", "page": 1, "page_size": 20}),
        _entry(f"{xhs}/api/sns/web/v1/feed", _text("xhs", "feed-1.json"), method="POST",
               post={"source_note_id": "68f4e9bf00000000070327cb"}),
        _entry(f"{dy}/aweme/v1/web/general/search/single/?keyword={quote('猫咪')}&offset=0",
               _text("douyin", "app_general_search-1.json")),
        _entry(f"{dy}/aweme/v1/web/comment/list/?aweme_id=7565738211130035491&cursor=0",
               _text("douyin", "comment_list-1.json")),
        _entry(f"{bili}/x/web-interface/wbi/search/type?search_type=video&keyword=test",
               _text("bilibili", "search_type_video-1.json")),
        _entry("https://www.zhihu.com/api/v4/search_v3?t=general&q=python", _text("zhihu", "search_v3-1.json"),
               b64=True),
        _entry(f"https://tieba.baidu.com/f/search/res?qw={quote('背包客')}", _text("tieba", "search_result-1.html"),
               mime="text/html"),
        _entry("https://www.kuaishou.com/rest/v/search/feed?caver=2", kuaishou_feed(), method="POST",
               post={"keyword": "咖啡", "pcursor": "", "page": "search"}),
        # Skipped, each for its own reason:
        _entry("https://example.com/api/whatever", "{}"),
        _entry(f"{wb}/api/container/getIndex?containerid=100103type%3D1%26q%3Dx", "<html>blocked</html>", status=432),
        _entry(f"{bili}/x/web-interface/wbi/search/type?keyword=y", ""),
        _entry(f"{wb}/comments/hotflow?id=1&mid=1", _text("weibo", "getindex_user_timeline-1.json")),
    ]  # fmt: skip
    return {"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": entries}}


async def test_har_import_through_the_api(api: Any, tmp_path: Path) -> None:
    async with api(workers=0) as client:
        response = await client.http.post(
            "/api/import/har",
            content=json.dumps(build_har()).encode(),
            headers={"content-type": "application/json", "x-filename": "mine.har"},
        )
        assert response.status_code == 200, response.text
        report = response.json()
        assert report["entries"] == 14
        platforms = {key.split()[0] for key in report["recognised"]}
        assert platforms == {"weibo", "xiaohongshu", "douyin", "bilibili", "zhihu", "tieba", "kuaishou"}
        assert report["recognised"]["weibo comments"] == 1 and report["recognised"]["douyin comments"] == 1
        reasons = report["skipped_reasons"]
        assert reasons["not a known platform API endpoint"] == 1
        assert reasons["HTTP 432"] == 1
        assert any("no response body" in r for r in reasons)
        assert any(r.startswith("weibo comments:") for r in reasons), reasons
        stats = (await client.http.get("/api/data/stats")).json()
        assert set(stats["by_platform"]) == platforms
        assert stats["by_platform"]["weibo"]["posts"] == 10 and stats["comments"] >= 10
        status = (await client.http.get(f"/api/crawl/status/{report['task_id']}")).json()
        assert status["status"] == "completed" and status["params"]["source"] == "har"
        assert {"咖啡", "猫咪", "python", "背包客"} <= set(status["keywords"])
        results = (await client.http.get(f"/api/crawl/task/{report['task_id']}/results",
                                         params={"keyword": "猫咪", "page_size": 50})).json()  # fmt: skip
        assert results["total"] == 8 and all(r["platform"] == "douyin" for r in results["results"])
        # Importing the same HAR again changes no post: writes are upserts.
        again = (await client.http.post("/api/import/har", content=json.dumps(build_har()).encode())).json()
        assert again["posts"] == report["posts"]
        assert (await client.http.get("/api/data/stats")).json()["posts"] == stats["posts"]


async def test_har_bad_input(api: Any) -> None:
    async with api(workers=0) as client:
        for body, reason in ((b"", "request body"), (b"{not json", "not JSON"), (b'{"log": 1}', "not a HAR")):
            response = await client.http.post("/api/import/har", content=body)
            assert response.status_code == 422 and reason in response.json()["error"]["message"]


def test_har_import_cli(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("KEYPICK_DATA_DIR", str(tmp_path / "data"))
    har = tmp_path / "browse.har"
    har.write_text(json.dumps(build_har(), ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(har)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["posts"] > 50 and report["skipped"] == 4
    missing = CliRunner().invoke(cli, ["import", str(tmp_path / "nope.har")])
    assert missing.exit_code == 2 and "not a file" in missing.output


async def test_every_entry_counts_and_a_skip_names_its_platform_once(api: Any) -> None:
    bili = "https://api.bilibili.com"
    risk = json.dumps({"code": -352, "message": "风控校验失败", "data": None})
    entries: list[Any] = [
        None, 5, "entry", [],  # not objects: entries all the same, skipped with a reason
        {"request": 5, "response": 5},
        {"request": {"url": f"{bili}/x/web-interface/wbi/search/type?keyword=x"}, "response": {"status": "200"}},
        {"request": {"url": f"{bili}/x/web-interface/wbi/search/type?keyword=x", "postData": 5},
         "response": {"status": 200, "content": {"text": "%%%", "encoding": "base64"}}},
        _entry(f"{bili}/x/web-interface/wbi/search/type?search_type=video&keyword=x", risk),
        _entry(f"{bili}/x/space/wbi/acc/info?mid=1", risk),  # its parser names the endpoint creator_info
        _entry(f"{bili}/x/web-interface/wbi/search/type?search_type=video&keyword=test",
               _text("bilibili", "search_type_video-1.json")),
    ]  # fmt: skip
    async with api(workers=0) as client:
        answer = await client.http.post("/api/import/har", json={"log": {"entries": entries}})
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["entries"] == len(entries) == sum(report["recognised"].values()) + report["skipped"]
    assert report["recognised"] == {"bilibili search": 1}
    reasons = report["skipped_reasons"]
    assert reasons["not a HAR entry: expected an object, got null"] == 1
    assert {"got a number", "got a string", "got an array"} <= {r.rsplit(", ", 1)[-1] for r in reasons}
    assert reasons["not a known platform API endpoint"] == 1  # a request that is no object has no URL
    assert reasons["response status '200' is not a number"] == 1
    assert reasons["response body marked base64 is not valid base64"] == 1
    platform_errors = sorted(r for r in reasons if r.startswith("bilibili"))
    assert [r.split(": code")[0] for r in platform_errors] == ["bilibili creator: risk_control",
                                                               "bilibili search: risk_control"]  # fmt: skip
    assert all(r.count("bilibili") == 1 for r in platform_errors), platform_errors
