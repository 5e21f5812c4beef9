#!/usr/bin/env bash
# Guided full deploy: the FastAPI app to Fly.io, then the gateway Worker to Cloudflare, with checks.
# Usage: deploy/scripts/deploy.sh [--fly-only | --cloudflare-only]
# Reads secrets from the environment (or .env at the repository root): KEYPICK_API_KEYS, INTERNAL_KEY,
# DATABASE_URL, KEYPICK_SECRET_KEY, and optionally REDIS_URL, KEYPICK_PUBLIC_URL.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
APP="${FLY_APP:-keypick}"
REGION="${FLY_REGION:-sin}"
WORKER_ENV="${WORKER_ENV:-production}"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is not installed ($2)"; }

if [ -f "$ROOT/.env" ]; then
  set -a
  # shellcheck disable=SC1091
  . "$ROOT/.env"
  set +a
fi

deploy_fly() {
  need flyctl "https://fly.io/docs/flyctl/install/"
  flyctl auth whoami >/dev/null 2>&1 || die "not logged in to Fly: run 'flyctl auth login'"
  for var in KEYPICK_API_KEYS INTERNAL_KEY DATABASE_URL KEYPICK_SECRET_KEY; do
    [ -n "${!var:-}" ] || die "$var is not set (environment or .env)"
  done
  if ! flyctl status --app "$APP" >/dev/null 2>&1; then
    say "creating the Fly app $APP in $REGION"
    flyctl apps create "$APP"
  fi
  if ! flyctl volumes list --app "$APP" | grep -q keypick_data; then
    say "creating the volume keypick_data"
    flyctl volumes create keypick_data --app "$APP" --region "$REGION" --size 1 --yes
  fi
  say "setting secrets (values are not printed)"
  secrets=(KEYPICK_API_KEYS="$KEYPICK_API_KEYS" INTERNAL_KEY="$INTERNAL_KEY" DATABASE_URL="$DATABASE_URL"
           KEYPICK_SECRET_KEY="$KEYPICK_SECRET_KEY")
  [ -n "${REDIS_URL:-}" ] && secrets+=(REDIS_URL="$REDIS_URL")
  [ -n "${KEYPICK_PUBLIC_URL:-}" ] && secrets+=(KEYPICK_PUBLIC_URL="$KEYPICK_PUBLIC_URL")
  flyctl secrets set --app "$APP" --stage "${secrets[@]}" >/dev/null
  say "deploying to Fly.io"
  flyctl deploy --app "$APP" --config "$ROOT/fly.toml" --remote-only
  say "checking https://$APP.fly.dev/health"
  for _ in $(seq 1 20); do
    if curl -fsS "https://$APP.fly.dev/health"; then echo; return 0; fi
    sleep 6
  done
  die "the app did not become healthy; see 'flyctl logs --app $APP'"
}

# The queue names bound in wrangler.toml for $WORKER_ENV (producers and consumers, dead-letter queues included).
worker_queues() {
  python3 - "$WORKER_ENV" <<'PY'
import sys, tomllib
env = tomllib.load(open("wrangler.toml", "rb")).get("env", {}).get(sys.argv[1], {})
queues = env.get("queues", {})
names = [q["queue"] for q in queues.get("producers", []) + queues.get("consumers", [])]
names += [q["dead_letter_queue"] for q in queues.get("consumers", []) if q.get("dead_letter_queue")]
print("\n".join(dict.fromkeys(names)))
PY
}

deploy_cloudflare() {
  need npx "Node.js 20+"
  cd "$ROOT/deploy/cloudflare"
  npm ci
  npx wrangler whoami >/dev/null 2>&1 || die "not logged in to Cloudflare: run 'npx wrangler login'"
  if grep -q "__KV_CACHE_ID_" wrangler.toml; then
    die "wrangler.toml still has KV placeholders: run 'npx wrangler kv namespace create CACHE' and put the ids in (see DEPLOY_GUIDE.md)"
  fi
  [ -n "${KEYPICK_API_KEYS:-}" ] && [ -n "${INTERNAL_KEY:-}" ] || die "KEYPICK_API_KEYS and INTERNAL_KEY must be set"
  # Queues exist only on the Workers paid plan; with the queue sections commented out this list is empty.
  local queue
  for queue in $(worker_queues); do
    if ! npx wrangler queues info "$queue" >/dev/null 2>&1; then
      say "creating the queue $queue"
      npx wrangler queues create "$queue"
    fi
  done
  say "setting Worker secrets for $WORKER_ENV"
  printf '%s' "$KEYPICK_API_KEYS" | npx wrangler secret put KEYPICK_API_KEYS --env "$WORKER_ENV"
  printf '%s' "$INTERNAL_KEY" | npx wrangler secret put INTERNAL_KEY --env "$WORKER_ENV"
  say "deploying the Worker"
  npx wrangler deploy --env "$WORKER_ENV"
}

case "${1:-all}" in
  --fly-only) deploy_fly ;;
  --cloudflare-only) deploy_cloudflare ;;
  all) deploy_fly; deploy_cloudflare ;;
  *) die "unknown option $1 (use --fly-only or --cloudflare-only)" ;;
esac
say "done"
