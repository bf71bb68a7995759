#!/usr/bin/env bash
# deployctl serve against uvicorn (httptools + uvloop, Debian's python3-uvicorn) for a raw ASGI hello-world: one
# worker per server pinned to core 0, wrk with keep-alive pinned to core 1, interleaved rounds (each round measures
# every server once, so a shared host's drift touches all alike); prints each round's requests/s and the median of
# the per-round ratios. Never part of the test suite.
# BENCH_SERVE_ROUNDS (default 5), BENCH_SERVE_DURATION (s per measurement, default 4), BENCH_SERVE_CONNECTIONS
# (default 16). Exit 0 measured, 2 could not measure.
set -uo pipefail
set -m  # every background job in its own process group: a server and its workers stop together
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rounds="${BENCH_SERVE_ROUNDS:-5}"
duration="${BENCH_SERVE_DURATION:-4}"
connections="${BENCH_SERVE_CONNECTIONS:-16}"
for tool in wrk taskset curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/install-deps)" >&2; exit 2; }
done
"$PYTHON" -c 'import uvicorn, uvloop, httptools' 2>/dev/null ||
  { echo "bench: uvicorn with uvloop and httptools is missing (scripts/install-deps bench)" >&2; exit 2; }

work="$(mktemp -d /tmp/deployctl-bench-asgi.XXXXXX)"
declare -A pid port
stop_servers() {
  local key
  for key in "${!pid[@]}"; do kill -TERM -- "-${pid[$key]}" 2>/dev/null; done
  for key in "${!pid[@]}"; do wait "${pid[$key]}" 2>/dev/null; done
}
trap 'stop_servers; rm -rf "$work"' EXIT

source "$bench_dir/serve_lib.sh"  # free_port
servers=(deployctl uvicorn)
for server in "${servers[@]}"; do
  port[$server]="$(free_port)"
  case "$server" in
    deployctl)
      taskset -c 0 "$DEPLOYCTL" serve asgi_hello:application --chdir "$bench_dir/serve_apps" \
        --bind "127.0.0.1:${port[$server]}" --workers 1 >"$work/$server.log" 2>&1 & ;;
    uvicorn)
      (cd "$bench_dir/serve_apps" && exec taskset -c 0 "$PYTHON" -m uvicorn asgi_hello:application --loop uvloop \
        --http httptools --no-access-log --host 127.0.0.1 --port "${port[$server]}") >"$work/$server.log" 2>&1 & ;;
  esac
  pid[$server]=$!
done
for server in "${servers[@]}"; do
  url="http://127.0.0.1:${port[$server]}/"
  for _ in $(seq 300); do curl -sf -o /dev/null "$url" && break; sleep 0.1; done
  curl -sf -o /dev/null "$url" || { echo "bench: $server did not answer:" >&2; tail "$work/$server.log" >&2; exit 2; }
  taskset -c 1 wrk -t1 -c"$connections" -d2s "$url" >/dev/null 2>&1  # warm-up
done

echo "| round | deployctl req/s | uvicorn req/s | ratio |"
echo "|---:|---:|---:|---:|"
ratios=()
for round in $(seq "$rounds"); do
  declare -A rate
  for server in "${servers[@]}"; do
    out="$(taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" "http://127.0.0.1:${port[$server]}/" 2>&1)"
    rate[$server]="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")"
  done
  ratio="$(awk -v a="${rate[deployctl]:-0}" -v b="${rate[uvicorn]:-0}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
  ratios+=("$ratio")
  echo "| $round | ${rate[deployctl]} | ${rate[uvicorn]} | $ratio |"
done
median="$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')"
echo
echo "median ratio deployctl / uvicorn (httptools + uvloop): $median"
