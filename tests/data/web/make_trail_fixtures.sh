#!/usr/bin/env bash
# Makes the exported trails the browser verifier's unit tests read: a real
# icr-server with the demo study (deploy/demo.sh), its trail exported by the
# CLI (demo-trail.jsonl) and by the JSON API (demo-trail-api.json, when the
# server serves HTTP), and the server's public key.
#   tests/data/web/make_trail_fixtures.sh [BUILD_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
build="${1:-$root/build}"
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
grpc_port=$((20000 + RANDOM % 20000))
http_port=$((grpc_port + 1))
"$build/server/icr-server" --listen "127.0.0.1:$grpc_port" --http_listen "127.0.0.1:$http_port" \
  --data_dir "$work/icr-data" --sync=false >"$work/server.log" 2>&1 &
server=$!
export ICR_SERVER="127.0.0.1:$grpc_port"
ICR="$build/client/icr" "$root/deploy/demo.sh" "$work/icr-data/admin.token" >/dev/null
lead=(--token_file "$work/icr-data/demo-tokens/lead.token")
"$build/client/icr" "${lead[@]}" audit export demo --out "$here/demo-trail.jsonl" >/dev/null
"$build/client/icr" "${lead[@]}" audit key --out "$here/demo-public-key.pem" >/dev/null
curl -sf -H "Authorization: Bearer $(cat "$work/icr-data/demo-tokens/lead.token")" \
  "http://127.0.0.1:$http_port/v1/projects/demo/events:export" >"$here/demo-trail-api.json"
echo "wrote $here/demo-trail.jsonl, demo-trail-api.json and demo-public-key.pem"
