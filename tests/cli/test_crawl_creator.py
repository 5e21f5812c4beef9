"""`keypick crawl xhs <user id or profile link> --creator` (or `--mode creator`): a creator's own notes, one-shot,
against the sandbox."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from keypick.cli.main import app

runner = CliRunner()
COOKIE = (
    "a1=19a3c2b1e4fcafebabe1234567890abcdef1234567890abcdef; webId=0123456789abcdef0123456789abcdef; "
    "web_session=040069b5f3c1e2d4a6b8c0d2e4f6a8b0"
)
USER = "3600bc5f000000000b09828e"  # 用户甲 of xhs/search_notes-1


def test_xhs_creator_crawl(sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEYPICK_SANDBOX_URL", sandbox.url)
    monkeypatch.setenv("KEYPICK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KEYPICK_COOKIES_XHS", COOKIE)
    monkeypatch.setenv("KEYPICK_XIAOHONGSHU__MIN_INTERVAL", "0")
    monkeypatch.setenv("KEYPICK_XIAOHONGSHU__JITTER", "0")
    out = tmp_path / "notes.jsonl"
    link = (
        f"https://www.xiaohongshu.com/user/profile/{USER}?xsec_token=ABqjFwQVaCC0slr7d99ZozueVfzG8oe1ejkMCBR85O034%3D"
    )
    result = runner.invoke(app, ["crawl", "xhs", link, "--creator", "--max", "35", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert ": completed" in result.output and "max_results" in result.output
    notes = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(notes) == 35 and {n["author_id"] for n in notes} == {USER}
    assert {n["platform_data"]["detail"] for n in notes} == {"feed"}
    db = sqlite3.connect(tmp_path / "data" / "keypick.db")
    try:
        ledger = db.execute("SELECT keyword, pages_fetched, new_items, stop_reason FROM task_unit").fetchall()
    finally:
        db.close()
    assert ledger == [(link, 2, 35, "max_results")]
    # --mode creator is the same as --creator (the API's `mode`); a keyword that is no user id is refused.
    refused = runner.invoke(app, ["crawl", "xhs", "not-a-user", "--mode", "creator"])
    assert refused.exit_code == 2 and "keywords" in refused.output and "profile link" in refused.output
    again = tmp_path / "again.jsonl"
    bare = runner.invoke(app, ["crawl", "xhs", USER, "--mode", "creator", "--max", "3", "--out", str(again)])
    assert bare.exit_code == 0 and ": completed" in bare.output, bare.output
    assert {json.loads(line)["author_id"] for line in again.read_text(encoding="utf-8").splitlines()} == {USER}
    searched = runner.invoke(app, ["crawl", "xhs", USER, "--mode", "search", "--max", "3"])
    assert searched.exit_code == 0 and ": completed" in searched.output  # the id searched as a word


@pytest.mark.parametrize(("platform", "keyword"), [("wb", "notanumber"), ("bili", "0"), ("zhihu", "has space"),
                                                   ("tieba", "https://tieba.baidu.com/home/main?un=foo"),
                                                   ("ks", "咖啡")])  # fmt: skip
def test_an_unreadable_creator_keyword_is_refused_before_crawling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str, keyword: str
) -> None:
    monkeypatch.setenv("KEYPICK_DATA_DIR", str(tmp_path / "data"))
    refused = runner.invoke(app, ["crawl", platform, keyword, "--creator"])
    assert refused.exit_code == 2 and "keywords" in refused.output and "is neither" in refused.output, refused.output
    assert "completed" not in refused.output and "failed" not in refused.output  # no crawl was started
