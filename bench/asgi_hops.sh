#!/usr/bin/env bash
# What a Django sync_to_async hop costs the ASGI worker (issue 14), counted under callgrind so that the figures do not
# move with the load of the shared cores: instructions per hop on the loop thread and on the executor thread
# (asgi_apps/hops.py: N hops of a function that does nothing) for deployctl serve's worker and, in-process, for
# asyncio's own loop and uvloop; then instructions per request of the example's async JSON view through Django's ASGI
# handler (bench/asgi.sh's django and django-bare workloads, one keep-alive client) for each deployctl binary given,
# all threads of the worker counted (bench/asgi.sh pins a worker's threads to one core). Prints markdown.
#   asgi_hops.sh [DEPLOYCTL...]   (default: build/deployctl); BENCH_HOPS (default 4000), BENCH_REQUESTS (300)
set -uo pipefail
set -m
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
hops="${BENCH_HOPS:-4000}"
requests="${BENCH_REQUESTS:-300}"
binaries=("$@")
((${#binaries[@]})) || binaries=("$DEPLOYCTL")
for tool in valgrind callgrind_control curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install valgrind curl)" >&2; exit 2; }
done
work="$(mktemp -d /tmp/deployctl-bench-hops.XXXXXX)"
server_pid=""
trap '[[ -n "$server_pid" ]] && kill -KILL -- "-$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
source "$bench_dir/serve_lib.sh"
serve_prepare_project
cp "$bench_dir"/asgi_apps/*.py "$project/"

summary() { sed -n 's/^summary: *//p' "$1" | head -1; }

# worker_counts BINARY APP SETTINGS WARMUP_PATH MEASURED_PATH COUNT: the worker's instructions while COUNT requests
# of MEASURED_PATH are answered, after a warm-up, per thread ("loop executor ...") in $counts.
worker_counts() {
  local binary="$1" app="$2" settings="$3" warmup="$4" path="$5" count="$6" port worker
  port="$(free_port)"
  rm -f "$work"/callgrind.*
  (cd "$project" && DJANGO_SETTINGS_MODULE="$settings" exec valgrind --tool=callgrind --separate-threads=yes \
    --trace-children=yes --callgrind-out-file="$work/callgrind.%p" \
    "$binary" serve "$app" --chdir "$project" --bind "127.0.0.1:$port" --workers 1) >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 600); do curl -sf -o /dev/null "http://127.0.0.1:$port$warmup" && break; sleep 0.5; done
  "$PYTHON" "$bench_dir/serve_requests.py" "$port" "$warmup" 100 || return 1
  worker="$(worker_pid "$server_pid")"
  callgrind_control -z "$worker" >/dev/null 2>&1 || return 1
  "$PYTHON" "$bench_dir/serve_requests.py" "$port" "$path" "$count" || return 1
  callgrind_control -d "$worker" >/dev/null 2>&1 || return 1
  kill -TERM -- "-$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null
  server_pid=""
  counts=""
  local dump
  for dump in $(ls "$work/callgrind.$worker".*-* | sort); do counts+="$(summary "$dump") "; done
}

# per_hop LOOP EXECUTOR LOOP0 EXECUTOR0: "loop executor total" instructions per hop.
per_hop() { awk -v n="$hops" -v l="$1" -v e="$2" -v l0="$3" -v e0="$4" \
  'BEGIN { printf "%.1f K | %.1f K | %.1f K", (l - l0) / n / 1000, (e - e0) / n / 1000, (l + e - l0 - e0) / n / 1000 }'; }

echo "Instructions per sync_to_async hop (callgrind, $hops hops one at a time after a warm-up)"
echo
echo "| loop | loop thread | executor thread | both |"
echo "|---|---:|---:|---:|"
for loop in asyncio uvloop; do
  declare -a base=() some=()
  for n in 0 "$hops"; do
    (cd "$project" && valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$work/inprocess.$n" \
      "$PYTHON" hops.py "$loop" "$n" 1) >/dev/null 2>&1
  done
  echo "| $loop, in-process | $(per_hop "$(summary "$work/inprocess.$hops-01")" "$(summary "$work/inprocess.$hops-02")" \
    "$(summary "$work/inprocess.0-01")" "$(summary "$work/inprocess.0-02")") |"
done
for binary in "${binaries[@]}"; do
  worker_counts "$binary" hops:application mysite.settings.production "/?n=10" "/?n=0" 1 || exit 2
  read -r l0 e0 _ <<<"$counts"
  worker_counts "$binary" hops:application mysite.settings.production "/?n=10" "/?n=$hops" 1 || exit 2
  read -r l e _ <<<"$counts"
  echo "| deployctl serve ($binary) | $(per_hop "$l" "$e" "$l0" "$e0") |"
done
echo
echo "Instructions per request of /api/latest/ through Django's ASGI handler ($requests requests, one keep-alive client;"
echo "every thread of the worker)"
echo
echo "| deployctl | Security, Common, Csrf, XFrame middleware | no middleware |"
echo "|---|---:|---:|"
for binary in "${binaries[@]}"; do
  row="| $binary |"
  for settings in settings_middleware settings_bare; do
    worker_counts "$binary" django_app:application "$settings" /api/latest/ /api/latest/ "$requests" || exit 2
    row+=" $(awk -v n="$requests" '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.0f K", s / n / 1000 }' <<<"$counts") |"
  done
  echo "$row"
done
