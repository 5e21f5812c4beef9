"""CLI input edges: output paths checked before any work, crawl --comments into xlsx, search bounds and
queries that start with an exclusion."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from keypick.cli.main import app

runner = CliRunner()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, sandbox: Any, tmp_path: Path) -> Path:
    monkeypatch.setenv("KEYPICK_SANDBOX_URL", sandbox.url)
    monkeypatch.setenv("KEYPICK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KEYPICK_WEIBO__MIN_INTERVAL", "0")
    monkeypatch.setenv("KEYPICK_WEIBO__JITTER", "0")
    return tmp_path


def _one_line_error(result: Any, *words: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.output, result.output
    assert all(word in lines[0] for word in words), lines[0]


def _help(command: str) -> str:
    """The command's --help text with the panels' borders and line breaks taken out."""
    return " ".join(runner.invoke(app, [command, "--help"]).output.replace("│", " ").split())


@pytest.mark.parametrize(
    ("args", "words"),
    [(["report", "--out", "{missing}/r.html"], ["--out", "does not exist"]),
     (["export", "{missing}/x.csv"], ["OUT", "does not exist"]),
     (["crawl", "weibo", "咖啡", "--max", "5", "--out", "{missing}/x.csv"], ["--out", "does not exist"]),
     (["crawl", "weibo", "咖啡", "--max", "5", "--comments", "--out", "{tmp}/x.pdf"], ["unsupported file type .pdf"]),
     (["export", "{tmp}/dir.csv"], ["is a directory"]), (["report", "--out", "{tmp}/r.txt"], [".md, .html"]),
     (["report", "--format", "md", "--out", "{tmp}/r.html"], ["names a .html file but --format is md"])],
)  # fmt: skip
def test_output_paths_are_checked_before_any_work(env: Path, sandbox: Any, args: list[str], words: list[str]) -> None:
    (env / "dir.csv").mkdir()
    given = [a.format(missing=env / "no" / "such" / "dir", tmp=env) for a in args]
    _one_line_error(runner.invoke(app, given), *words)
    # Nothing was crawled and not even the database was opened.
    assert httpx.get(f"{sandbox.url}/_sandbox/requests").json()["requests"] == []
    assert not (env / "data").exists()


def test_report_takes_its_format_from_the_out_suffix(env: Path) -> None:
    out = env / "r.html"
    result = runner.invoke(app, ["report", "--out", str(out), "--summary", "none"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


def test_crawl_comments_go_to_the_xlsx_comments_sheet(env: Path) -> None:
    out = env / "coffee.xlsx"
    result = runner.invoke(app, ["crawl", "wb", "咖啡", "--max", "5", "--comments", "--out", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == ["posts", "comments"]
    header, *posts = list(book["posts"].values)
    comment_header, *comments = list(book["comments"].values)
    assert len(posts) == 5 and "comment_list" not in header
    assert "comment_id" in comment_header and len(comments) > 0
    post_ids = {row[header.index("id")] for row in posts}
    assert {row[comment_header.index("post_id")] for row in comments} <= post_ids
    assert f"and {len(comments)} comments" in result.output
    # csv holds the posts; the help and the summary say so.
    csv_out = env / "coffee.csv"
    again = runner.invoke(app, ["crawl", "wb", "咖啡", "--max", "5", "--comments", "--out", str(csv_out)])
    assert again.exit_code == 0 and "posts only" in again.output, again.output
    assert "hold posts only" in _help("crawl")


def test_search_limit_offset_and_queries_starting_with_an_exclusion(env: Path) -> None:
    assert runner.invoke(app, ["crawl", "weibo", "咖啡", "--max", "12"]).exit_code == 0
    for bad in (["--limit", "0"], ["--limit", "201"], ["--offset", "-1"]):
        refused = runner.invoke(app, ["search", "咖啡", *bad])
        assert refused.exit_code == 2 and bad[0] in refused.output, refused.output
    whole = [json.loads(line)["id"] for line in runner.invoke(app, ["search", "咖啡", "--json"]).output.splitlines()]
    pages = []
    for offset in (0, 5, 10):
        page = runner.invoke(app, ["search", "咖啡", "--json", "--limit", "5", "--offset", str(offset)])
        pages += [json.loads(line)["id"] for line in page.output.splitlines()]
    assert pages == whole and len(whole) == 12
    excluded = runner.invoke(app, ["search", "-咖啡 手冲"])
    assert excluded.exit_code == 0 and "0 match(es) for '-咖啡 手冲'" in excluded.output, excluded.output
    separated = runner.invoke(app, ["search", "--", "-apple 咖啡"])
    assert separated.exit_code == 0 and "12 match(es) for '-apple 咖啡'" in separated.output, separated.output
    _one_line_error(runner.invoke(app, ["search", "--limt"]), "no such option: --limt")
    assert "keypick search -- '-apple 拿铁'" in _help("search")


@pytest.mark.parametrize(
    ("args", "option"),
    [(["tasks", "list", "--limit", "0"], "--limit"), (["tasks", "list", "--limit", str(2**64)], "--limit"),
     (["accounts", "remove", "weibo", "--id", str(2**64)], "--id"),
     (["accounts", "remove", "weibo", "--id", "0"], "--id"), (["search", "咖啡", "--offset", str(2**64)], "--offset")],
)  # fmt: skip
def test_integer_options_are_bounded_before_the_database(env: Path, args: list[str], option: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and f"Invalid value for '{option}'" in result.output, result.output
    assert not (env / "data").exists()
