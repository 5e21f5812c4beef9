"""Smoke test of the history benchmarks at a tiny size: they run end to end and return their results structure.

No timing is asserted: the numbers depend on the machine and its load; docs/benchmarks.md reports them.
"""

from __future__ import annotations

import pytest

from bench import history_dataset, history_export, history_search

N = 2000


@pytest.mark.timeout(400)
async def test_history_benchmarks_run_on_a_small_dataset(database_url: str) -> None:
    built = await history_dataset.build(database_url, N, batch=500)
    assert built["posts"] == N
    assert built["bases"] >= 50  # every platform's search sample contributes posts

    result = await history_search.run(database_url, repeat=2, like_repeat=1)
    assert result["posts"] == N
    assert [q["q"] for q in result["queries"]] == list(history_search.QUERIES)
    for q in result["queries"]:
        assert q["fts"]["p50_ms"] > 0 and q["like"]["p50_ms"] > 0
    # Words taken from the samples are found by both paths; a phrase finds what its LIKE twin finds.
    by_query = {q["q"]: q for q in result["queries"]}
    assert by_query["富士康"]["fts_total"] > 0 and by_query["富士康"]["like_total"] > 0
    assert by_query['"投资 建设"']["fts_total"] == by_query['"投资 建设"']["like_total"] > 0
    assert result["speedup_p50"] > 0
    assert {a["aggregate_by"] for a in result["aggregates"]} == set(history_search.AGGREGATES)
    platforms = next(a for a in result["aggregates"] if a["aggregate_by"] == "platform")
    assert platforms["buckets"] == 6
    assert "| **all queries** |" in history_search.markdown(result)

    for fmt in ("csv", "xlsx"):
        exported = history_export.export_in_child(database_url, fmt)
        assert exported["format"] == fmt
        assert exported["rows"] == N  # every stored post reached the file
        assert exported["bytes"] > 0 and exported["peak_rss_mb"] >= exported["rss_before_mb"] > 0
