#!/usr/bin/env bash
# Health, readiness, task counts, recent tasks and recent errors of a deployed KeyPick.
# Usage: GATEWAY_URL=https://api.example.com KEYPICK_API_KEY=... deploy/scripts/monitor.sh
set -euo pipefail
APP="${FLY_APP:-keypick}"
BACKEND_URL="${BACKEND_URL:-https://$APP.fly.dev}"
GATEWAY_URL="${GATEWAY_URL:-}"
KEY="${KEYPICK_API_KEY:-}"

check() {
  local name="$1" url="$2"
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$url" || true)
  printf '%-28s %s  %s\n' "$name" "$code" "$url"
}

check "backend /health" "$BACKEND_URL/health"
check "backend /ready" "$BACKEND_URL/ready"
if [ -n "$GATEWAY_URL" ]; then
  check "gateway /health" "$GATEWAY_URL/health"
fi
# Task counts by status and the queue depth, from the backend's Prometheus page.
echo "tasks by status:"
curl -fsS --max-time 10 "$BACKEND_URL/metrics" | grep -E '^keypick_(tasks|queue_depth)' | sed 's/^/  /' || echo "  (no metrics)"
if [ -n "$KEY" ]; then
  base="${GATEWAY_URL:-$BACKEND_URL}"
  echo "recent tasks:"
  curl -fsS --max-time 10 -H "X-API-Key: $KEY" "$base/api/crawl/tasks?limit=5" |
    python3 -c 'import json, sys
for t in json.load(sys.stdin)["tasks"]:
    print("  %s %-10s %-12s %s" % (t["task_id"], t["status"], t["platform"], t["error"] or ""))'
fi
if command -v flyctl >/dev/null 2>&1; then
  echo "fly status:"
  flyctl status --app "$APP" || true
  echo "recent errors:"
  flyctl logs --app "$APP" --no-tail 2>/dev/null | grep -E 'ERROR|WARNING' | tail -n 20 || true
fi
