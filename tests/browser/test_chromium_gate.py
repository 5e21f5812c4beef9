"""The Chromium gate: without a browser, CI (KEYPICK_REQUIRE_SERVICES=1) fails; a laptop skips."""

from __future__ import annotations

import pytest

from keypick.browser import playwright as pw
from keypick.exceptions import ConfigError
from tests.browser.chromium import chromium_problem, require_chromium


def _hide_chromium(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pw, "DEFAULT_EXECUTABLE", "/nonexistent/chromium")
    monkeypatch.setattr(pw.shutil, "which", lambda name: None)


def test_gate_passes_with_the_installed_chromium(monkeypatch: pytest.MonkeyPatch) -> None:
    # This machine must have it: the browser tests are not allowed to be skipped in CI.
    monkeypatch.setenv("KEYPICK_REQUIRE_SERVICES", "1")
    assert chromium_problem() is None
    require_chromium("these tests")
    assert pw.find_chromium() in ("/usr/bin/chromium", *(p for p in [pw.shutil.which("chromium")] if p))


def test_missing_chromium_fails_under_require_services(monkeypatch: pytest.MonkeyPatch) -> None:
    _hide_chromium(monkeypatch)
    monkeypatch.setenv("KEYPICK_REQUIRE_SERVICES", "1")
    with pytest.raises(pytest.fail.Exception, match="need a real Chromium: no Chromium found"):
        require_chromium("the Douyin end-to-end tests")


def test_missing_chromium_skips_without_the_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    _hide_chromium(monkeypatch)
    monkeypatch.delenv("KEYPICK_REQUIRE_SERVICES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt install chromium"):
        require_chromium("the Douyin end-to-end tests")


def test_a_configured_path_that_is_missing_is_named() -> None:
    with pytest.raises(ConfigError, match="no Chromium executable at '/opt/none/chrome'"):
        pw.find_chromium("/opt/none/chrome")
