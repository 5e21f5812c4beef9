"""`keypick insights` and `keypick report` over a sandbox crawl made with `keypick crawl`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from keypick.cli.main import app
from tests.reports.checks import assert_self_contained

runner = CliRunner()


@pytest.fixture
def crawled(monkeypatch: pytest.MonkeyPatch, sandbox: Any, tmp_path: Path) -> str:
    """A data dir with one finished crawl of 15 Weibo posts for 咖啡; returns the task id."""
    monkeypatch.setenv("KEYPICK_SANDBOX_URL", sandbox.url)
    monkeypatch.setenv("KEYPICK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KEYPICK_WEIBO__MIN_INTERVAL", "0")
    monkeypatch.setenv("KEYPICK_WEIBO__JITTER", "0")
    result = runner.invoke(app, ["crawl", "wb", "咖啡", "--max", "15"])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["tasks", "list"])
    return next(line.split()[0] for line in listed.output.splitlines() if "weibo" in line)


def test_insights_json_and_tables(crawled: str) -> None:
    result = runner.invoke(app, ["insights", "--task", crawled, "--json", "--min-posts", "10"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["sample"]["posts"] == 15 and body["sample"]["sufficient"] is True
    assert body["filters"] == {"task_ids": [crawled]} and "咖啡" not in [k["word"] for k in body["keywords"]]
    tables = runner.invoke(app, ["insights", "--platform", "wb", "--keyword", "咖啡"])
    assert tables.exit_code == 0, tables.output
    assert "Top keywords" in tables.output and "too thin" in tables.output  # 15 < 30 by default


def test_insights_errors(crawled: str) -> None:
    unknown = runner.invoke(app, ["insights", "--task", "nope"])
    assert unknown.exit_code == 2 and "task nope does not exist" in unknown.output
    bad = runner.invoke(app, ["insights", "--tz", "Mars/Base"])
    assert bad.exit_code == 2 and "tz:" in bad.output


def test_report_files(crawled: str, tmp_path: Path) -> None:
    md = runner.invoke(app, ["report", "--task", crawled])
    assert md.exit_code == 0 and md.output.startswith("# KeyPick insights report")
    out = tmp_path / "report.html"
    page = runner.invoke(app, ["report", "--task", crawled, "--format", "html", "--out", str(out)])
    assert page.exit_code == 0, page.output
    assert_self_contained(out.read_text(encoding="utf-8"))
    no_llm = runner.invoke(app, ["report", "--summary", "llm"])
    assert no_llm.exit_code == 2 and "KEYPICK_LLM_BASE_URL" in no_llm.output
