#!/usr/bin/env bash
# deployctl serve against Debian's uWSGI and gunicorn, side by side in one run: one worker pinned to core 0,
# wrk with keep-alive pinned to core 1, for a plain Django view of the example project (/api/health/) and a
# plain WSGI hello-world; requests/s, p99 latency, ratios to uWSGI and to the in-process rate, and the worker's
# RSS and PSS after the run; plus the in-process rate of the same Django view called with no server, in the
# same environment (serve_lib.sh). Prints a markdown table; never part of the test suite.
# BENCH_SERVE_DURATION (s, default 10), BENCH_SERVE_CONNECTIONS (default 16), BENCH_SERVE_SERVERS
# (default deployctl,uwsgi,gunicorn). Exit 0 targets met, 1 a target missed, 2 could not measure.
set -uo pipefail
set -m  # every background job in its own process group: a server and its workers stop together
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

duration="${BENCH_SERVE_DURATION:-10}"
connections="${BENCH_SERVE_CONNECTIONS:-16}"
servers="${BENCH_SERVE_SERVERS:-deployctl,uwsgi,gunicorn}"

for tool in wrk taskset curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/install-deps)" >&2; exit 2; }
done
if [[ ",$servers," == *,deployctl,* ]] && ! "$DEPLOYCTL" serve --help >/dev/null 2>&1; then
  echo "bench: $DEPLOYCTL has no working 'serve' command; measuring the others only" >&2
  servers="${servers//deployctl/}"
fi

work="$(mktemp -d /tmp/deployctl-bench-serve.XXXXXX)"
server_pid=""
stop_server() {
  [[ -n "$server_pid" ]] || return 0
  kill -TERM -- "-$server_pid" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL -- "-$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null
  server_pid=""
}
trap 'stop_server; rm -rf "$work"' EXIT

source "$bench_dir/serve_lib.sh"
serve_prepare_project

# start_server SERVER APPDIR MODULE:CALLABLE PORT: in its own process group (set -m), on core 0.
start_server() {
  local server="$1" dir="$2" app="$3" port="$4"
  case "$server" in
    deployctl)
      taskset -c 0 "$DEPLOYCTL" serve "$app" --chdir "$dir" --bind "127.0.0.1:$port" --workers 1 \
        >"$work/server.log" 2>&1 & ;;
    uwsgi)
      taskset -c 0 uwsgi --plugin python3,http --http11-socket "127.0.0.1:$port" --http-keepalive --master \
        --processes 1 --chdir "$dir" --module "$app" --disable-logging --die-on-term >"$work/server.log" 2>&1 & ;;
    gunicorn)
      taskset -c 0 "$PYTHON" /usr/bin/gunicorn -k gthread --threads 4 --keep-alive 5 --workers 1 \
        --chdir "$dir" --bind "127.0.0.1:$port" "$app" >"$work/server.log" 2>&1 & ;;
  esac
  server_pid=$!
}

wait_ready() {
  local url="$1"
  for _ in $(seq 300); do
    curl -sf -o /dev/null "$url" && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench: the server did not answer $url:" >&2
  tail -20 "$work/server.log" >&2
  return 1
}

# The worker: the master's only child, or the process itself when it has none. Its memory after the load, from
# /proc/PID/smaps_rollup: RSS, and PSS (shared pages divided among the processes that share them, so the pages the
# worker still shares copy-on-write with its master count by half).
worker_memory_kib() {
  local worker children
  children="$(cat /proc/"$server_pid"/task/*/children 2>/dev/null)"
  worker="${children%% *}"
  [[ -n "$worker" ]] || worker="$server_pid"
  awk '/^Rss:/ {rss = $2} /^Pss:/ {pss = $2} END {print rss, pss}' "/proc/$worker/smaps_rollup" 2>/dev/null
}

# p99 from wrk --latency, in ms.
to_ms() {
  awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.2f", v / 1000; else if (v ~ /ms$/) printf "%.2f", v + 0;
                         else if (v ~ /s$/) printf "%.2f", v * 1000; else print v }'
}

declare -A rate p99 rss pss errors
measure() {
  local server="$1" name="$2" dir="$3" app="$4" path="$5" port url out
  port="$(free_port)"
  url="http://127.0.0.1:$port$path"
  start_server "$server" "$dir" "$app" "$port"
  if ! wait_ready "$url"; then stop_server; rate[$server,$name]="failed"; return; fi
  taskset -c 1 wrk -t1 -c"$connections" -d2s "$url" >/dev/null 2>&1  # warm-up
  out="$(taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" --latency "$url" 2>&1)"
  rate[$server,$name]="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")"
  p99[$server,$name]="$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
  errors[$server,$name]="$(awk '/Non-2xx|Socket errors/ {sub(/^ +/, ""); printf "%s; ", $0}' <<<"$out")"
  read -r "rss[$server,$name]" "pss[$server,$name]" <<<"$(worker_memory_kib)"
  stop_server
}

IFS=, read -ra server_list <<<"$servers"
for server in "${server_list[@]}"; do
  [[ -n "$server" ]] || continue
  measure "$server" django "$project" mysite.wsgi:application /api/health/
  measure "$server" hello "$bench_dir/serve_apps" hello:application /
done
inprocess="$(cd "$project" && PYTHONPATH="$project" taskset -c 0 "$PYTHON" "$bench_dir/serve_inprocess.py" \
  /api/health/ "$duration")"

echo "deployctl serve vs uWSGI vs gunicorn: 1 worker on core 0, wrk -t1 -c$connections -d${duration}s on core 1"
echo "($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; $DEPLOYCTL)"
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo "| app | server | requests/s | p99 latency | / uWSGI | / in-process | worker RSS | worker PSS | wrk errors |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---|"
for name in django hello; do
  for server in "${server_list[@]}"; do
    [[ -n "$server" ]] || continue
    versus_inprocess=""
    [[ "$name" == django ]] && versus_inprocess="$(ratio "${rate[$server,$name]:-}" "$inprocess")"
    echo "| $name | $server | ${rate[$server,$name]:-} | ${p99[$server,$name]:-} ms |" \
         "$(ratio "${rate[$server,$name]:-}" "${rate[uwsgi,$name]:-}") | $versus_inprocess |" \
         "${rss[$server,$name]:-} KiB | ${pss[$server,$name]:-} KiB | ${errors[$server,$name]:-} |"
  done
done
echo "| django | in-process, no server | $inprocess | | | 1.00 | | | |"
echo

status=0
target() {  # target DESCRIPTION VALUE MINIMUM
  local verdict="met"
  if [[ "$2" == n/a ]]; then verdict="not measured"; status=$((status > 2 ? status : 2))
  elif awk -v v="$2" -v m="$3" 'BEGIN { exit !(v < m) }'; then verdict="missed"; ((status < 1)) && status=1; fi
  echo "- $1: $2 (target >= $3): $verdict"
}
if [[ ",$servers," == *,deployctl,* ]]; then
  target "Django view, deployctl / uWSGI requests/s" "$(ratio "${rate[deployctl,django]:-}" "${rate[uwsgi,django]:-}")" 1.4
  target "Django view, deployctl / in-process rate" "$(ratio "${rate[deployctl,django]:-}" "$inprocess")" 0.85
  target "hello-world, deployctl / uWSGI requests/s" "$(ratio "${rate[deployctl,hello]:-}" "${rate[uwsgi,hello]:-}")" 4
  target "Django worker RSS, gunicorn / deployctl (at least 1: no more than gunicorn's)" \
    "$(ratio "${rss[gunicorn,django]:-}" "${rss[deployctl,django]:-}")" 1
  target "Django worker PSS, gunicorn / deployctl (at least 1: no more than gunicorn's)" \
    "$(ratio "${pss[gunicorn,django]:-}" "${pss[deployctl,django]:-}")" 1
else
  echo "- deployctl serve not measured: no target checked"
  status=2
fi
exit "$status"
