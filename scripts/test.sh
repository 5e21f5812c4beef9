#!/usr/bin/env bash
# Set up (first run only) and run every check: ruff, mypy and the whole test suite.
# PostgreSQL tests use KEYPICK_TEST_PG_URL (default postgresql://postgres@127.0.0.1:5432/test);
# with KEYPICK_REQUIRE_SERVICES=1 (as in CI) a missing PostgreSQL fails the run instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh dev
# The gateway's npm packages (tests/gateway): installed from the lockfile when missing or older than it.
if command -v npm >/dev/null 2>&1 && [ ! deploy/cloudflare/node_modules/.package-lock.json -nt deploy/cloudflare/package-lock.json ]; then
  (cd deploy/cloudflare && npm ci --no-audit --no-fund)
fi
.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench
.venv/bin/mypy
exec .venv/bin/pytest "$@"
