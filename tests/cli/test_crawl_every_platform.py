"""`keypick crawl <platform> 咖啡 --comments` works against the sandbox for all seven platforms.

Each run is the one-shot CLI in-process, with the account cookie from the environment as a user
would set it, the coverage ledger printed, and the results exported. Douyin, Kuaishou and Zhihu
sign through a real headless Chromium.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from keypick.cli.main import app
from keypick.enums import Platform
from keypick.platforms import registry
from tests.browser.chromium import require_chromium

runner = CliRunner()
COOKIES = {
    "XHS": "a1=19a3c2b1e4fcafebabe1234567890abcdef1234567890abcdef; webId=0123456789abcdef0123456789abcdef; "
           "web_session=040069b5f3c1e2d4a6b8c0d2e4f6a8b0",
    "DY": "sessionid=sandbox-session; LOGIN_STATUS=1",
    "KS": "passToken=sandbox-pass-token; did=web_sandbox; userId=1",
    "ZHIHU": "_xsrf=sandbox; d_c0=AJDf2sandbox1712584885; z_c0=2|1:0|10:1712584885|4:z_c0|sandbox",
}  # fmt: skip
BROWSER = {"douyin", "kuaishou", "zhihu"}
SHORT = {"xiaohongshu": "xhs", "douyin": "dy", "kuaishou": "ks", "bilibili": "bili", "weibo": "wb"}


@pytest.mark.parametrize("platform", [p.value for p in Platform])
def test_crawl_with_comments(platform: str, sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if platform in BROWSER:
        require_chromium(f"the {platform} CLI crawl")
    monkeypatch.setenv("KEYPICK_SANDBOX_URL", sandbox.url)
    monkeypatch.setenv("KEYPICK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv(f"KEYPICK_{platform.upper()}__MIN_INTERVAL", "0")
    monkeypatch.setenv(f"KEYPICK_{platform.upper()}__JITTER", "0")
    for name, cookie in COOKIES.items():
        monkeypatch.setenv(f"KEYPICK_COOKIES_{name}", cookie)
    out = tmp_path / "posts.jsonl"
    typed = SHORT.get(platform, platform)
    result = runner.invoke(app, ["crawl", typed, "咖啡", "--max", "8", "--comments", "--max-comments", "5",
                                 "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"{platform} · 咖啡" in result.output and ": completed" in result.output
    for column in ("pages", "seen", "new", "dupes", "filtered", "comments", "stop_reason"):
        assert column in result.output, column
    assert "max_results" in result.output
    posts = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(posts) == 8 and {p["platform"] for p in posts} == {platform}
    assert len({p["id"] for p in posts}) == 8
    db = sqlite3.connect(tmp_path / "data" / "keypick.db")
    try:
        comments = db.execute("SELECT COUNT(*) FROM comment").fetchone()[0]
        ledger = db.execute("SELECT pages_fetched, new_items, comments, stop_reason FROM task_unit").fetchall()
    finally:
        db.close()
    assert comments > 0 and ledger == [(ledger[0][0], 8, comments, "max_results")], ledger


def test_creator_and_type_options(sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEYPICK_SANDBOX_URL", sandbox.url)
    monkeypatch.setenv("KEYPICK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KEYPICK_COOKIES_XHS", COOKIES["XHS"])
    for platform in ("WEIBO", "XIAOHONGSHU"):
        monkeypatch.setenv(f"KEYPICK_{platform}__MIN_INTERVAL", "0")
        monkeypatch.setenv(f"KEYPICK_{platform}__JITTER", "0")
    out = tmp_path / "timeline.jsonl"
    timeline = runner.invoke(app, ["crawl", "wb", "1331994986", "--creator", "--max", "5", "--out", str(out)])
    assert timeline.exit_code == 0 and ": completed" in timeline.output, timeline.output
    posts = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(posts) == 5 and {p["author_id"] for p in posts} == {"1331994986"}
    videos = tmp_path / "videos.jsonl"
    typed = runner.invoke(app, ["crawl", "xhs", "咖啡", "--type", "video", "--max", "3", "--out", str(videos)])
    assert typed.exit_code == 0, typed.output
    notes = [json.loads(line) for line in videos.read_text(encoding="utf-8").splitlines()]
    assert len(notes) == 3 and {n["platform_data"]["note_type"] for n in notes} == {"video"}
    refused = runner.invoke(app, ["crawl", "wb", "咖啡", "--type", "video"])
    assert refused.exit_code == 2 and "content_type" in refused.output
    # A platform without author-posts support refuses --creator (patched: whichever platforms support it).
    info = registry.INFOS[Platform.TIEBA]
    refusing = dataclasses.replace(info, capabilities=dataclasses.replace(info.capabilities, author_posts=False))
    monkeypatch.setitem(registry.INFOS, Platform.TIEBA, refusing)
    refused = runner.invoke(app, ["crawl", "tieba", "123", "--creator"])
    assert refused.exit_code == 2 and "mode" in refused.output
