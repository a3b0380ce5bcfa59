#!/usr/bin/env bash
# Starts icr-server on a fresh data dir (--sync=true, the default), drives it
# with icr-load in the two scenarios of the coding-rounds targets, then
# reports resident memory and the time a restart on that data takes to serve.
#   bench/load/run_load.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
build="${1:-build}"
seconds="${2:-10}"
port=50987
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

start_server() {
  "$build/server/icr-server" --listen "127.0.0.1:$port" --data_dir "$work/data" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do grep -q "listening" "$work/server.log" 2>/dev/null && return; sleep 0.01; done
  echo "server did not start" >&2; exit 1
}

start_server
load=("$build/bench/load/icr-load" --server "127.0.0.1:$port" --token_file "$work/data/admin.token"
      --seconds "$seconds")
# Single codings first: after the batch scenario the server spends a while
# flushing and compacting a million codings, which shows in tail latency.
echo "== single codings: 32 clients x 1 coding"
"${load[@]}" --clients 32 --batch 1
echo "== batches: 8 clients x 500 codings"
"${load[@]}" --clients 8 --batch 500
echo "== resident memory after the load: $(grep VmRSS /proc/$server_pid/status | awk '{print $2/1024 " MiB"}')"
kill -TERM "$server_pid"; wait "$server_pid" || true
: >"$work/server.log"
t0=$(date +%s%N)
start_server
t1=$(date +%s%N)
echo "== restart on $(du -sh "$work/data" | cut -f1) of data: serving after $(( (t1 - t0) / 1000000 )) ms"
echo "== resident memory after restart: $(grep VmRSS /proc/$server_pid/status | awk '{print $2/1024 " MiB"}')"
