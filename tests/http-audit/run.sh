#!/usr/bin/env bash
# Starts the freshly built server on a temporary SQLite database and runs the graphql-http
# audits against it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${CARGO_TARGET_DIR:-$here/../../target}/debug/channelgraph"
work="$(mktemp -d)"
port=$(( 20000 + RANDOM % 20000 ))
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
export CHANNELGRAPH_DATABASE_URL="sqlite://$work/audit.db"
export AUDIT_EMAIL="audit@channelgraph.test"
export AUDIT_PASSWORD="audit password $RANDOM$RANDOM"
CHANNELGRAPH_USER_PASSWORD="$AUDIT_PASSWORD" "$bin" user create --email "$AUDIT_EMAIL" --role ANALYST > /dev/null
CHANNELGRAPH_BIND="127.0.0.1:$port" "$bin" serve > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/healthz" > /dev/null 2>&1; then break; fi
  sleep 0.2
done
node "$here/audit.mjs" "http://127.0.0.1:$port/graphql"
