#!/usr/bin/env bash
# Instructions per request, counted under callgrind so that the figures do not move with the load of the 2 shared
# cores: deployctl serve's worker (one worker, one keep-alive client, serve_requests.py) for the example's Django
# view and the hello-world, against the same view called in-process by /usr/bin/python3 (serve_inprocess.py).
# The worker's counters are zeroed after a warm-up and dumped after BENCH_REQUESTS (default 500) requests; the
# in-process count is the difference between a run of that many calls and a run of none. User-space instructions
# only: the syscalls' kernel time is not in them (strace -c shows 3 per request: epoll_wait, recvfrom, sendto).
# Exit 0 when the Django view costs at most 1/0.85 of the in-process call, 1 otherwise, 2 when it cannot measure.
set -uo pipefail
set -m
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
requests="${BENCH_REQUESTS:-500}"
for tool in valgrind callgrind_control curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install valgrind curl)" >&2; exit 2; }
done
[[ -x "$DEPLOYCTL" ]] || { echo "bench: $DEPLOYCTL is not built" >&2; exit 2; }

work="$(mktemp -d /tmp/deployctl-bench-instructions.XXXXXX)"
server_pid=""
trap '[[ -n "$server_pid" ]] && kill -KILL -- "-$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
source "$bench_dir/serve_lib.sh"
serve_prepare_project

total_refs() { sed -n 's/.*refs: *\([0-9,]*\).*/\1/p' "$1" | tr -d , | tail -1; }

# worker_per_request APPDIR APP PATH: instructions of the worker per request, after a warm-up of 300 requests, in
# $per_request. Not run in $(...): a subshell has no job control, and the server needs its own process group.
worker_per_request() {
  local dir="$1" app="$2" path="$3" port worker dump
  port="$(free_port)"
  (cd "$work" && exec valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$work/callgrind.%p" \
    "$DEPLOYCTL" serve "$app" --chdir "$dir" --bind "127.0.0.1:$port" --workers 1) >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 600); do curl -sf -o /dev/null "http://127.0.0.1:$port$path" && break; sleep 0.5; done
  "$PYTHON" "$bench_dir/serve_requests.py" "$port" "$path" 300 || return 1
  worker="$(cat /proc/"$server_pid"/task/*/children 2>/dev/null)"
  worker="${worker%% *}"
  callgrind_control -z "$worker" >/dev/null 2>&1 || return 1
  "$PYTHON" "$bench_dir/serve_requests.py" "$port" "$path" "$requests" || return 1
  callgrind_control -d "$worker" >/dev/null 2>&1 || return 1
  kill -TERM -- "-$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null
  server_pid=""
  dump="$(ls "$work/callgrind.$worker".* | tail -1)"
  per_request="$(awk -v n="$requests" '/^summary:/ {printf "%.0f", $2 / n}' "$dump")"
}

inprocess_calls() {
  (cd "$project" && PYTHONPATH="$project" valgrind --tool=callgrind --callgrind-out-file="$work/inprocess.out" \
    "$PYTHON" "$bench_dir/serve_inprocess.py" /api/health/ "--calls=$1") >/dev/null 2>"$work/inprocess.txt"
  total_refs "$work/inprocess.txt"
}

worker_per_request "$project" mysite.wsgi:application /api/health/ ||
  { echo "bench: measuring deployctl serve failed:" >&2; tail -20 "$work/server.log" >&2; exit 2; }
django="$per_request"
worker_per_request "$bench_dir/serve_apps" hello:application / ||
  { echo "bench: measuring deployctl serve failed:" >&2; tail -20 "$work/server.log" >&2; exit 2; }
hello="$per_request"
none="$(inprocess_calls 0)"
some="$(inprocess_calls "$requests")"
inprocess=$(( (some - none) / requests ))

echo "Instructions per request (callgrind, $requests requests after a warm-up; $DEPLOYCTL)"
echo
echo "| what | instructions per request |"
echo "|---|---:|"
echo "| Django view /api/health/, deployctl serve worker | $django |"
echo "| Django view, in-process call by /usr/bin/python3 | $inprocess |"
echo "| hello-world, deployctl serve worker | $hello |"
echo
awk -v ours="$django" -v theirs="$inprocess" 'BEGIN {
  ratio = theirs / ours
  printf "- in-process / served instructions: %.2f (the 85%% target, counted in instructions): %s\n", ratio,
         (ratio >= 0.85 ? "met" : "missed")
  exit (ratio >= 0.85 ? 0 : 1) }'
