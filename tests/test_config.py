"""The settings tree: .env.example documents every setting; secrets never show in reprs or logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from keypick.config import Settings
from keypick.logs import RedactingFilter, redact

ROOT = Path(__file__).resolve().parents[1]


def test_env_example_documents_every_setting() -> None:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        aliases = getattr(field.validation_alias, "choices", None) or [f"KEYPICK_{name.upper()}"]
        if name in {"xiaohongshu", "douyin", "kuaishou", "bilibili", "weibo", "tieba", "zhihu"}:
            assert "KEYPICK_<PLATFORM>__<KNOB>" in text
            continue
        if name == "user_agent_mobile":
            continue  # an internal constant, overridable but not meant to be tuned
        assert any(str(a) in text for a in aliases), f"{name} is not documented in .env.example"


def test_secrets_hidden() -> None:
    s = Settings(api_keys_raw="topsecret", internal_key="inner", cookies_wb="SUB=abc")
    assert "topsecret" not in repr(s) and "inner" not in repr(s) and "SUB=abc" not in repr(s)
    assert s.env_cookie("weibo") == "SUB=abc" and s.env_cookie("zhihu") is None


@pytest.mark.parametrize(
    "line",
    ["Cookie: SUB=abc; SUBP=def", "x-api-key=topsecret", "Authorization: Bearer topsecret", "token=topsecret"],
)
def test_redaction(line: str) -> None:
    cleaned = redact(f"request failed {line} end")
    assert "topsecret" not in cleaned and "abc" not in cleaned and "***" in cleaned


@pytest.mark.parametrize(
    ("line", "expected"),
    [("GET /api/crawl/tasks?limit=1&k%65y=topsecret HTTP/1.1", "GET /api/crawl/tasks?limit=1&k%65y=*** HTTP/1.1"),
     ("GET /x?%6B%45%59=topsecret", "GET /x?%6B%45%59=***"),
     ("GET /x?a=1&key=topsecret&b=2", "GET /x?a=1&key=***&b=2"),
     ("GET /x?monkey=1&keys=2", "GET /x?monkey=1&keys=2")],
)  # fmt: skip
def test_query_keys_are_redacted_however_encoded(line: str, expected: str) -> None:
    assert redact(line) == expected


def test_redacting_filter_rewrites_records() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "sent cookie=%s", ("SUB=abc",), None)
    RedactingFilter().filter(record)
    assert "abc" not in record.getMessage()
