"""Upper bounds of the integers callers send (API parameters, bodies, MCP tools, CLI options).

SQLite's INTEGER and PostgreSQL's BIGINT stop at 2**63-1: a larger number bound into a query fails in the
driver (OverflowError) instead of matching nothing, so every integer input is bounded before it gets there.
"""

from __future__ import annotations

#: The largest signed 64-bit integer: counts, ids and limits compared with BIGINT columns.
INT64_MAX = 2**63 - 1
#: Rows skipped by offset paging: past this, keyset paging (cursor) or narrower filters are the way.
MAX_OFFSET = 10_000_000
#: 1-based page numbers of a task's results (a task holds at most 20 keywords × 1000 posts).
MAX_PAGE = 10_000
