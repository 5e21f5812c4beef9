#!/usr/bin/env bash
# Roll back: Fly.io to the previous release's image, and/or the Worker to its previous version.
# Usage: deploy/scripts/rollback.sh [fly|cloudflare|all] [fly-release-version]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
APP="${FLY_APP:-keypick}"
WORKER_ENV="${WORKER_ENV:-production}"

die() { printf 'error: %s\n' "$*" >&2; exit 1; }

rollback_fly() {
  local version="${1:-}"
  if [ -z "$version" ]; then
    # The second line of `releases` (newest first) is the release before the current one.
    version=$(flyctl releases --app "$APP" --json | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r[1]["Version"])')
  fi
  local image
  image=$(flyctl releases --app "$APP" --image --json |
    python3 -c "import json,sys; v=int(sys.argv[1]); print(next(r['ImageRef'] for r in json.load(sys.stdin) if r['Version']==v))" "$version")
  [ -n "$image" ] || die "no image for release v$version"
  echo "rolling $APP back to v$version ($image)"
  flyctl deploy --app "$APP" --config "$ROOT/fly.toml" --image "$image"
}

rollback_cloudflare() {
  cd "$ROOT/deploy/cloudflare"
  npx wrangler rollback --env "$WORKER_ENV"
}

case "${1:-all}" in
  fly) rollback_fly "${2:-}" ;;
  cloudflare) rollback_cloudflare ;;
  all) rollback_fly "${2:-}"; rollback_cloudflare ;;
  *) die "use fly, cloudflare or all" ;;
esac
