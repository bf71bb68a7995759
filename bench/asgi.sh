#!/usr/bin/env bash
# deployctl serve's ASGI side against the ASGI servers Django users run (issue 14), side by side in one run: uvicorn
# with httptools and uvloop (the reference of every "/ uvicorn" ratio), uvicorn with h11 on asyncio's loop, hypercorn
# (uvloop worker), daphne, and deployctl. One worker per server pinned to core 0, wrk pinned to core 1. Every server
# runs for the whole benchmark; the measurements come in interleaved rounds (each round measures every server on every
# workload once, and the in-process limits), each ratio the median of its per-round ratios, other figures medians.
# Workloads: hello, a raw ASGI hello-world; stream, 1 MiB streamed in 64 KiB chunks; upload, a 1 MiB POST body read
# whole (asgi_apps/raw.py); django and django-bare, the example's async JSON view /api/latest/ through Django's ASGI
# handler with the Security, Common, Csrf and XFrame middleware, and with none (asgi_apps/). Per workload and server:
# requests/s, the worker's CPU per request (user and system, from /proc/PID/stat over each measurement) and its RSS
# after the last round. The in-process limit (asgi_inprocess.py) is the same view called on one uvloop loop with no
# server, as many calls in flight as wrk keeps connections. A server whose readiness probe does not answer 200 (with
# the right body size for stream and upload) is left out of that workload with a printed note: deployctl, until its
# ASGI adapter lands. Prints markdown; never part of the test suite (bench/asgi_report.py makes the table and judges
# issue 14's targets).
# BENCH_ASGI_ROUNDS (default 3), BENCH_ASGI_DURATION (s per measurement, default 5), BENCH_ASGI_CONNECTIONS (default
# 16), BENCH_ASGI_SERVERS (default uvicorn,uvicorn-h11,hypercorn,daphne,deployctl), BENCH_ASGI_WORKLOADS (default
# hello,stream,upload,django,django-bare). Exit 0 targets met or not judged (deployctl not measured), 1 a target
# missed, 2 could not measure.
set -uo pipefail
set -m  # every background job in its own process group: a server and its workers stop together
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rounds="${BENCH_ASGI_ROUNDS:-3}"
duration="${BENCH_ASGI_DURATION:-5}"
connections="${BENCH_ASGI_CONNECTIONS:-16}"
IFS=, read -ra servers <<<"${BENCH_ASGI_SERVERS:-uvicorn,uvicorn-h11,hypercorn,daphne,deployctl}"
IFS=, read -ra workloads <<<"${BENCH_ASGI_WORKLOADS:-hello,stream,upload,django,django-bare}"
readonly MIB=1048576

for tool in wrk taskset curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/install-deps bench)" >&2; exit 2; }
done
for module in uvicorn uvloop httptools hypercorn daphne; do
  "$PYTHON" -c "import $module" 2>/dev/null ||
    { echo "bench: $PYTHON cannot import $module (scripts/install-deps bench)" >&2; exit 2; }
done

declare -A app_of=([hello]=raw [stream]=raw [upload]=raw [django]=django [django-bare]=django-bare)
declare -A path_of=([hello]=/ [stream]=/stream [upload]=/upload [django]=/api/latest/ [django-bare]=/api/latest/)
declare -A settings_of=([raw]=mysite.settings.production [django]=settings_middleware [django-bare]=settings_bare)
for workload in "${workloads[@]}"; do
  [[ -n "${app_of[$workload]:-}" ]] || { echo "bench: unknown workload '$workload'" >&2; exit 2; }
done

work="$(mktemp -d /tmp/deployctl-bench-asgi.XXXXXX)"
declare -A pid port
source "$bench_dir/serve_lib.sh"
trap 'stop_servers; rm -rf "$work"' EXIT

serve_prepare_project
cp "$bench_dir"/asgi_apps/*.py "$project/"  # every server imports the apps from its working directory
head -c "$MIB" /dev/zero | tr '\0' x >"$work/upload.bin"
cat >"$work/upload.lua" <<EOF
wrk.method = "POST"
wrk.body = string.rep("x", $MIB)
wrk.headers["Content-Type"] = "application/octet-stream"
EOF

# start_server SERVER APP PORT: from the project copy, in its own process group (set -m), on core 0.
start_server() {
  local server="$1" app="$2" at="$3" module=django_app:application command
  [[ "$app" == raw ]] && module=raw:application
  case "$server" in
    uvicorn) command=("$PYTHON" -m uvicorn "$module" --host 127.0.0.1 --port "$at" --loop uvloop --http httptools
                      --no-access-log --log-level warning) ;;
    uvicorn-h11) command=("$PYTHON" -m uvicorn "$module" --host 127.0.0.1 --port "$at" --loop asyncio --http h11
                          --no-access-log --log-level warning) ;;
    hypercorn) command=("$PYTHON" -m hypercorn "$module" --bind "127.0.0.1:$at" --workers 1 --worker-class uvloop) ;;
    daphne) command=("$PYTHON" -m daphne -b 127.0.0.1 -p "$at" --verbosity 0 "$module") ;;
    deployctl) command=("$DEPLOYCTL" serve "$module" --chdir "$project" --bind "127.0.0.1:$at" --workers 1) ;;
    *) echo "bench: unknown server '$server'" >&2; exit 2 ;;
  esac
  (cd "$project" && DJANGO_SETTINGS_MODULE="${settings_of[$app]}" exec taskset -c 0 "${command[@]}") \
    >"$work/$server-$app.log" 2>&1 &
  pid[$server,$app]=$!
}

# probe SERVER WORKLOAD: prints "" when the workload answers 200 with the right body, else what went wrong.
probe() {
  local url="http://127.0.0.1:${port[$1,${app_of[$2]}]}${path_of[$2]}" answer
  case "$2" in
    stream) answer="$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "$url")"
            [[ "$answer" == "200 $MIB" ]] || echo "answered $answer (status, bytes) on ${path_of[$2]}" ;;
    upload) answer="$(curl -s -w ' %{http_code}' --data-binary @"$work/upload.bin" "$url" | tr -s '\n' ' ')"
            [[ "$answer" == "$MIB 200" ]] || echo "answered '$answer' (body, status) to a 1 MiB POST" ;;
    *) answer="$(curl -s -o /dev/null -w '%{http_code}' "$url")"
       [[ "$answer" == 200 ]] || echo "answered $answer on ${path_of[$2]}" ;;
  esac
}

# wait_answering SERVER APP: until the server answers anything on its app's first workload path; 1 if it never does.
wait_answering() {
  local url="http://127.0.0.1:${port[$1,$2]}/"
  for _ in $(seq 300); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" != 000 ]] && return 0
    kill -0 "${pid[$1,$2]}" 2>/dev/null || break
    sleep 0.1
  done
  return 1
}

# CPU time of a process so far, all threads: "utime stime" in clock ticks (fields 14 and 15 of /proc/PID/stat,
# counted after the command name, which may hold spaces).
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12, $13}'; }
readonly ticks_per_second="$(getconf CLK_TCK)"

apps=()
for workload in "${workloads[@]}"; do
  [[ " ${apps[*]} " == *" ${app_of[$workload]} "* ]] || apps+=("${app_of[$workload]}")
done
for server in "${servers[@]}"; do
  for app in "${apps[@]}"; do
    port[$server,$app]="$(free_port)"
    start_server "$server" "$app" "${port[$server,$app]}"
  done
done

# Which (server, workload) pairs are measured: the notes say why the others are not.
declare -A measured worker
notes=()
for server in "${servers[@]}"; do
  for app in "${apps[@]}"; do
    if ! wait_answering "$server" "$app"; then
      notes+=("$server ($app app) never answered; its log: $(tail -3 "$work/$server-$app.log" | tr '\n' ' ')")
      continue
    fi
    worker[$server,$app]="$(worker_pid "${pid[$server,$app]}")"
  done
  for workload in "${workloads[@]}"; do
    [[ -n "${worker[$server,${app_of[$workload]}]:-}" ]] || continue
    problem="$(probe "$server" "$workload")"
    if [[ -n "$problem" ]]; then
      notes+=("$server left out of $workload: $problem")
      continue
    fi
    measured[$server,$workload]=1
    extra=()
    [[ "$workload" == upload ]] && extra=(-s "$work/upload.lua")
    taskset -c 1 wrk -t1 -c"$connections" -d2s "${extra[@]}" \
      "http://127.0.0.1:${port[$server,${app_of[$workload]}]}${path_of[$workload]}" >/dev/null 2>&1  # warm-up
  done
done

# Per round and measurement: "round server workload requests/s user_µs system_µs errors" (CPU per request).
: >"$work/samples"
measure() {
  local server="$1" workload="$2" app="${app_of[$2]}" rate out before after requests errors cpu extra=()
  if [[ "$server" == in-process ]]; then
    out="$(cd "$project" && PYTHONPATH="$project" DJANGO_SETTINGS_MODULE="${settings_of[$app]}" taskset -c 0 \
      "$PYTHON" "$bench_dir/asgi_inprocess.py" "${path_of[$workload]}" "$duration" "$connections")"
    echo "$round in-process $workload ${out:-0 0 0} -" >>"$work/samples"
    return
  fi
  [[ "$workload" == upload ]] && extra=(-s "$work/upload.lua")
  before="$(cpu_ticks "${worker[$server,$app]}")"
  out="$(taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" "${extra[@]}" \
    "http://127.0.0.1:${port[$server,$app]}${path_of[$workload]}" 2>&1)"
  after="$(cpu_ticks "${worker[$server,$app]}")"
  rate="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")"
  requests="$(awk '/requests in/ {print $1}' <<<"$out")"
  errors="$(awk '/Non-2xx|Socket errors/ {sub(/^ +/, ""); gsub(/ /, "_"); printf "%s;", $0}' <<<"$out")"
  cpu="$(awk -v before="$before" -v after="$after" -v requests="${requests:-0}" -v hz="$ticks_per_second" 'BEGIN {
    split(before, b); split(after, a); per = requests ? 1e6 / hz / requests : 0
    printf "%.1f %.1f", (a[1] - b[1]) * per, (a[2] - b[2]) * per }')"
  echo "$round $server $workload ${rate:-0} $cpu ${errors:--}" >>"$work/samples"
}

for round in $(seq "$rounds"); do
  for workload in "${workloads[@]}"; do
    for server in "${servers[@]}"; do
      [[ -n "${measured[$server,$workload]:-}" ]] && measure "$server" "$workload"
    done
    [[ "$workload" == django* ]] && measure in-process "$workload"
  done
done
: >"$work/memory"
for server in "${servers[@]}"; do
  for app in "${apps[@]}"; do
    [[ -n "${worker[$server,$app]:-}" ]] &&
      echo "$server $app $(worker_memory_kib "${pid[$server,$app]}")" >>"$work/memory"
  done
done

echo "ASGI servers: 1 worker on core 0, wrk -t1 -c$connections on core 1, $rounds rounds of ${duration} s per server" \
     "and workload (medians; ratios are medians of per-round ratios)"
echo "($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; $DEPLOYCTL)"
echo
for note in "${notes[@]}"; do echo "- not measured: $note"; done
((${#notes[@]})) && echo
"$PYTHON" "$bench_dir/asgi_report.py" "$work/samples" "$work/memory" \
  "$(IFS=,; echo "${servers[*]}")" "$(IFS=,; echo "${workloads[*]}")"
