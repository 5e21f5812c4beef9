"""The `keypick` CLI: crawl against the sandbox with exports, tasks, parse, db, doctor, and clear errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from openpyxl import load_workbook
from typer.testing import CliRunner

from keypick.cli.main import app
from keypick.migrate import alembic_config
from tests.samples import sample_path

runner = CliRunner()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, sandbox: Any, tmp_path: Path) -> Path:
    monkeypatch.setenv("KEYPICK_SANDBOX_URL", sandbox.url)
    monkeypatch.setenv("KEYPICK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KEYPICK_WEIBO__MIN_INTERVAL", "0")
    monkeypatch.setenv("KEYPICK_WEIBO__JITTER", "0")
    return tmp_path


def test_crawl_with_comments_and_csv(env: Path) -> None:
    out = env / "posts.csv"
    result = runner.invoke(app, ["crawl", "wb", "咖啡", "--max", "15", "--comments", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "completed" in result.output and "max_results" in result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV starts with a UTF-8 BOM for Excel"
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert len(rows) == 15
    assert all(r["id"].isdigit() and r["platform"] == "weibo" and "咖啡" in r["content"] for r in rows)
    assert all(r["likes"].isdigit() for r in rows)

    listed = runner.invoke(app, ["tasks", "list"])
    assert listed.exit_code == 0 and "completed" in listed.output
    task_id = next(line.split()[0] for line in listed.output.splitlines() if "weibo" in line)
    shown = runner.invoke(app, ["tasks", "show", task_id])
    assert shown.exit_code == 0 and "max_results" in shown.output and "finished" in shown.output
    cancel = runner.invoke(app, ["tasks", "cancel", task_id])
    assert cancel.exit_code == 2 and "already ended" in cancel.output


@pytest.mark.parametrize("suffix", ["jsonl", "xlsx", "json"])
def test_crawl_exports(env: Path, suffix: str) -> None:
    out = env / f"posts.{suffix}"
    result = runner.invoke(app, ["crawl", "weibo", "抹茶", "--max", "12", "--since", "30d", "--out", str(out)])
    assert result.exit_code == 0, result.output
    if suffix == "jsonl":
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    elif suffix == "json":
        rows = json.loads(out.read_text(encoding="utf-8"))
    else:
        sheet = load_workbook(out).active
        header, *values = list(sheet.values)
        rows = [dict(zip(header, v, strict=True)) for v in values]
        assert sheet.freeze_panes == "A2"
    assert len(rows) == 12
    assert all(isinstance(r["id"], str) and isinstance(r["likes"], int) for r in rows)


def test_crawl_failure_exit_code_and_summary(env: Path, sandbox: Any) -> None:
    import httpx

    httpx.post(f"{sandbox.url}/_sandbox/faults", json=["http_432"])
    result = runner.invoke(app, ["crawl", "weibo", "咖啡", "--max", "5"])
    assert result.exit_code == 1
    assert "failed" in result.output and "risk_control" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crawl", "weibo", "咖啡", "--max", "0"], "max_results"),
        (["crawl", "myspace", "咖啡"], "unknown platform"),
        (["crawl", "weibo", "咖啡", "--since", "2w"], "not a time range"),
        (["crawl", "weibo", "咖啡", "--out", "x.pdf"], "unsupported file type"),
        (["tasks", "show", "nope"], "does not exist"),
        (["parse", "weibo", "novel", "missing.json"], "not a file"),
    ],
)
def test_cli_errors_are_clear(env: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output


@pytest.mark.parametrize(
    ("kind", "sample", "count"),
    [("search", "getindex_user_timeline-1.json", 10), ("comments", "hotflow-1.json", None),
     ("comments", "comments_show-1.json", None)],
)  # fmt: skip
def test_parse_samples(kind: str, sample: str, count: int | None) -> None:
    result = runner.invoke(app, ["parse", "weibo", kind, str(sample_path("weibo", sample))])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert records and (count is None or len(records) == count)
    key = "id" if kind == "search" else "comment_id"
    assert all(isinstance(r[key], str) for r in records)


def test_parse_rejects_wrong_shape() -> None:
    result = runner.invoke(app, ["parse", "weibo", "search", str(sample_path("weibo", "hotflow-1.json"))])
    assert result.exit_code == 2
    assert "not a weibo search response" in result.output
    bad_kind = runner.invoke(app, ["parse", "weibo", "novel", str(sample_path("weibo", "hotflow-1.json"))])
    assert bad_kind.exit_code == 2 and "unknown kind" in bad_kind.output


def test_db_upgrade_and_doctor(env: Path) -> None:
    upgraded = runner.invoke(app, ["db", "upgrade"])
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert upgraded.exit_code == 0 and f"revision {head}" in upgraded.output
    doctor = runner.invoke(app, ["doctor"])
    assert doctor.exit_code == 0, doctor.output
    for check in ("config", "database", "sandbox", "reach weibo"):
        assert check in doctor.output


def test_doctor_reports_broken_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    doctor = runner.invoke(app, ["doctor"])
    assert doctor.exit_code == 1
    assert "fail" in doctor.output


def test_accounts_cli(env: Path) -> None:
    cookie_file = env / "cookie.txt"
    cookie_file.write_text("SUB=secretvalue; SUBP=abc\n", encoding="utf-8")
    added = runner.invoke(app, ["accounts", "add", "wb", "--cookie-file", str(cookie_file), "--label", "mine"])
    assert added.exit_code == 0, added.output
    assert "added weibo account #1 (mine); cookies: SUB, SUBP" in added.output
    piped = runner.invoke(app, ["accounts", "add", "weibo"], input="SUB=second\n")
    assert piped.exit_code == 0 and "#2" in piped.output
    listed = runner.invoke(app, ["accounts", "list"])
    assert listed.exit_code == 0 and "2 account(s)" in listed.output and "secretvalue" not in listed.output
    checked = runner.invoke(app, ["accounts", "check", "weibo"])
    assert checked.exit_code == 0 and checked.output.count("valid") == 2
    bad = runner.invoke(app, ["accounts", "add", "weibo"], input="not a cookie\n")
    assert bad.exit_code == 2 and "name=value" in bad.output
    removed = runner.invoke(app, ["accounts", "remove", "weibo", "--id", "1"])
    assert removed.exit_code == 0 and "deleted 1" in removed.output
    none = runner.invoke(app, ["accounts", "remove", "weibo", "--id", "1"])
    assert none.exit_code == 1


def test_search_export_stats_after_a_crawl(env: Path) -> None:
    assert runner.invoke(app, ["crawl", "weibo", "咖啡", "--max", "12"]).exit_code == 0
    found = runner.invoke(app, ["search", "咖啡", "--json", "--limit", "5"])
    assert found.exit_code == 0, found.output
    rows = [json.loads(line) for line in found.output.splitlines()]
    assert len(rows) == 5 and all("<mark>" in r["snippet"] for r in rows)
    nothing = runner.invoke(app, ["search", "不存在的词语组合"])
    assert nothing.exit_code == 0 and "0 match(es)" in nothing.output
    out = env / "all.xlsx"
    exported = runner.invoke(app, ["export", str(out), "--platform", "wb"])
    assert exported.exit_code == 0, exported.output
    assert len(list(load_workbook(out)["posts"].values)) == 13
    csv_out = env / "all.csv"
    assert "(12 posts)" in runner.invoke(app, ["export", str(csv_out)]).output
    assert out.stat().st_mode & 0o777 == csv_out.stat().st_mode & 0o777, "xlsx gets the mode of any export"
    stats = runner.invoke(app, ["stats"])
    assert stats.exit_code == 0 and "12 posts" in stats.output and "weibo" in stats.output
    bad = runner.invoke(app, ["stats", "--platform", "myspace"])
    assert bad.exit_code == 2 and "unknown platform" in bad.output
