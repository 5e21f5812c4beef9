#!/usr/bin/env bash
# Set up (first run only) and start KeyPick on the embedded defaults: SQLite in ./data, in-process workers.
# Extra arguments go to `keypick serve` (try --sandbox for the offline replay of real platform responses).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/keypick serve "$@"
