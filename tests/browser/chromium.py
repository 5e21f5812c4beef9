"""The gate of every test that drives a real Chromium: skip on a laptop without it, FAIL in CI.

Under KEYPICK_REQUIRE_SERVICES=1 (set by .ci/run) a missing Playwright or Chromium is a failure,
never a quiet skip. The lookup is the signer's own (`find_chromium`), so the gate and the code
under test agree on which browser runs.
"""

from __future__ import annotations

import os

import pytest


def chromium_problem() -> str | None:
    """Return why the browser signer cannot run here, or None when it can."""
    try:
        from keypick.browser.playwright import find_chromium
    except ImportError as exc:
        return f"Playwright is not installed (pip install 'keypick[browser]'): {exc}"
    from keypick.exceptions import ConfigError

    try:
        find_chromium()
    except ConfigError as exc:
        return exc.message
    return None


def require_chromium(what: str) -> None:
    """Fail (KEYPICK_REQUIRE_SERVICES=1) or skip the calling test when Chromium is missing."""
    problem = chromium_problem()
    if problem is None:
        return
    message = f"{what} need a real Chromium: {problem}"
    if os.environ.get("KEYPICK_REQUIRE_SERVICES") == "1":
        pytest.fail(message + " (and KEYPICK_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(message)
