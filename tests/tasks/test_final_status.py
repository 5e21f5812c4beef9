"""How a task's final status follows from its units' stop reasons: never "completed" with missing data."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from keypick.crawler.engine import final_status


def _units(*reasons: str) -> list[Any]:
    return [SimpleNamespace(keyword=f"k{i}", stop_reason=r, error="boom" if r == "error" else None)
            for i, r in enumerate(reasons)]  # fmt: skip


@pytest.mark.parametrize(
    ("reasons", "hits", "status"),
    [
        (("end_of_results", "max_results", "time_window_passed"), 5, "completed"),
        (("max_results", "risk_control"), 5, "partial"),
        (("risk_control", "login_required"), 0, "failed"),
        (("end_of_results", "error"), 0, "partial"),
        (("error",), 0, "failed"),
        (("max_results", "cancelled"), 3, "cancelled"),
    ],
)
def test_final_status(reasons: tuple[str, ...], hits: int, status: str) -> None:
    result, error = final_status(_units(*reasons), hits=hits)
    assert result == status
    if status in ("partial", "failed"):
        assert error and all(r in error for r in reasons if r not in ("end_of_results", "max_results"))
    if status == "completed":
        assert error is None
