#!/usr/bin/env bash
# Health, readiness, task status and recent errors of a deployed KeyPick.
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
if [ -n "$KEY" ]; then
  base="${GATEWAY_URL:-$BACKEND_URL}"
  echo "recent tasks:"
  curl -fsS --max-time 10 -H "X-API-Key: $KEY" "$base/api/crawl/tasks?limit=5" |
    python3 -c 'import json,sys; [print(f"  {t[\"task_id\"]} {t[\"status\"]:<10} {t[\"platform\"]:<12} {t[\"error\"] or \"\"}") for t in json.load(sys.stdin)["tasks"]]'
fi
if command -v flyctl >/dev/null 2>&1; then
  echo "fly status:"
  flyctl status --app "$APP" || true
  echo "recent errors:"
  flyctl logs --app "$APP" --no-tail 2>/dev/null | grep -E 'ERROR|WARNING' | tail -n 20 || true
fi
