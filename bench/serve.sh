#!/usr/bin/env bash
# deployctl serve against Debian's uWSGI and gunicorn, side by side in one run: one worker per server pinned to
# core 0, wrk with keep-alive pinned to core 1, for a plain Django view of the example project (/api/health/) and a
# plain WSGI hello-world, plus the same Django view called in-process with no server (serve_inprocess.py) in the
# same environment (serve_lib.sh). Every server runs for the whole benchmark; the measurements are taken in rounds,
# each round measuring every server and the in-process loop once, so that a shared host's drifting speed touches
# all of them alike. Each ratio is the median of its per-round ratios; the table gives medians. Worker RSS and PSS
# after the last round. Prints markdown; never part of the test suite.
# BENCH_SERVE_ROUNDS (default 5), BENCH_SERVE_DURATION (s per measurement, default 4), BENCH_SERVE_CONNECTIONS
# (default 16), BENCH_SERVE_SERVERS (default deployctl,uwsgi,gunicorn; add deployctl-before with DEPLOYCTL_BEFORE
# naming another build to measure a change before/after in the same interleaved rounds). Exit 0 targets met, 1 a
# target missed, 2 could not measure.
set -uo pipefail
set -m  # every background job in its own process group: a server and its workers stop together
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rounds="${BENCH_SERVE_ROUNDS:-5}"
duration="${BENCH_SERVE_DURATION:-4}"
connections="${BENCH_SERVE_CONNECTIONS:-16}"
servers="${BENCH_SERVE_SERVERS:-deployctl,uwsgi,gunicorn}"

for tool in wrk taskset curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/install-deps)" >&2; exit 2; }
done
if [[ ",$servers," == *,deployctl,* ]] && ! "$DEPLOYCTL" serve --help >/dev/null 2>&1; then
  echo "bench: $DEPLOYCTL has no working 'serve' command; measuring the others only" >&2
  servers="${servers//deployctl/}"
fi
if [[ ",$servers," == *,deployctl-before,* && ! -x "${DEPLOYCTL_BEFORE:-}" ]]; then
  echo "bench: deployctl-before needs DEPLOYCTL_BEFORE, the binary to compare with" >&2
  exit 2
fi
IFS=, read -ra server_list <<<"$servers"
apps=(django hello)

work="$(mktemp -d /tmp/deployctl-bench-serve.XXXXXX)"
declare -A pid port
source "$bench_dir/serve_lib.sh"
trap 'stop_servers; rm -rf "$work"' EXIT

serve_prepare_project

# start_server SERVER APP PORT: in its own process group (set -m), on core 0.
start_server() {
  local server="$1" app="$2" at="$3" dir module
  case "$app" in
    django) dir="$project" module=mysite.wsgi:application ;;
    hello) dir="$bench_dir/serve_apps" module=hello:application ;;
  esac
  case "$server" in
    deployctl)
      taskset -c 0 "$DEPLOYCTL" serve "$module" --chdir "$dir" --bind "127.0.0.1:$at" --workers 1 \
        >"$work/$server-$app.log" 2>&1 & ;;
    deployctl-before)
      taskset -c 0 "$DEPLOYCTL_BEFORE" serve "$module" --chdir "$dir" --bind "127.0.0.1:$at" --workers 1 \
        >"$work/$server-$app.log" 2>&1 & ;;
    uwsgi)
      taskset -c 0 uwsgi --plugin python3,http --http11-socket "127.0.0.1:$at" --http-keepalive --master \
        --processes 1 --chdir "$dir" --module "$module" --disable-logging --die-on-term \
        >"$work/$server-$app.log" 2>&1 & ;;
    gunicorn)
      taskset -c 0 "$PYTHON" /usr/bin/gunicorn -k gthread --threads 4 --keep-alive 5 --workers 1 \
        --chdir "$dir" --bind "127.0.0.1:$at" "$module" >"$work/$server-$app.log" 2>&1 & ;;
  esac
  pid[$server,$app]=$!
}

app_path() { [[ "$1" == django ]] && echo /api/health/ || echo /; }

wait_ready() {
  local key="$1" url="$2"
  for _ in $(seq 300); do
    curl -sf -o /dev/null "$url" && return 0
    kill -0 "${pid[$key]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench: $key did not answer $url:" >&2
  tail -20 "$work/${key/,/-}.log" >&2
  return 1
}

# p99 from wrk --latency, in ms.
to_ms() {
  awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.2f", v / 1000; else if (v ~ /ms$/) printf "%.2f", v + 0;
                         else if (v ~ /s$/) printf "%.2f", v * 1000; else print v }'
}

for server in "${server_list[@]}"; do
  [[ -n "$server" ]] || continue
  for app in "${apps[@]}"; do
    port[$server,$app]="$(free_port)"
    start_server "$server" "$app" "${port[$server,$app]}"
  done
done
for server in "${server_list[@]}"; do
  [[ -n "$server" ]] || continue
  for app in "${apps[@]}"; do
    url="http://127.0.0.1:${port[$server,$app]}$(app_path "$app")"
    wait_ready "$server,$app" "$url" || exit 2
    taskset -c 1 wrk -t1 -c"$connections" -d2s "$url" >/dev/null 2>&1  # warm-up
  done
done

# Per round and measurement: "$round $server $app $rate $p99_ms $errors", in $work/samples.
: >"$work/samples"
# One measurement: wrk against SERVER's APP, or the in-process loop for "in-process".
measure() {
  local server="$1" app="$2" url out rate p99 errors
  if [[ "$server" == in-process ]]; then
    rate="$(cd "$project" && PYTHONPATH="$project" taskset -c 0 "$PYTHON" "$bench_dir/serve_inprocess.py" \
      /api/health/ "$duration")"
    echo "$round in-process django ${rate:-0} 0 -" >>"$work/samples"
    return
  fi
  url="http://127.0.0.1:${port[$server,$app]}$(app_path "$app")"
  out="$(taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" --latency "$url" 2>&1)"
  rate="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")"
  p99="$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
  errors="$(awk '/Non-2xx|Socket errors/ {sub(/^ +/, ""); gsub(/ /, "_"); printf "%s;", $0}' <<<"$out")"
  echo "$round $server $app ${rate:-0} ${p99:-0} ${errors:--}" >>"$work/samples"
}

# Within a round, deployctl's Django run sits between uWSGI's and the in-process loop: the two ratios the
# targets name are taken from neighbouring measurements.
order=()
for server in deployctl-before uwsgi deployctl in-process gunicorn; do
  [[ "$server" == in-process || ",$servers," == *,$server,* ]] && order+=("$server django")
done
for server in "${server_list[@]}"; do [[ -n "$server" ]] && order+=("$server hello"); done
for round in $(seq "$rounds"); do
  for entry in "${order[@]}"; do measure $entry; done
done
declare -A rss pss
for server in "${server_list[@]}"; do
  [[ -n "$server" ]] || continue
  read -r "rss[$server]" "pss[$server]" <<<"$(worker_memory_kib "${pid[$server,django]}")"
done

echo "deployctl serve vs uWSGI vs gunicorn: 1 worker on core 0, wrk -t1 -c$connections on core 1, $rounds rounds of" \
     "${duration} s per server and app (medians)"
echo "($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; $DEPLOYCTL)"
echo
# The figures and the targets from the samples: medians of rates and p99s, medians of per-round ratios.
"$PYTHON" - "$work/samples" "$servers" "${rss[deployctl]:-0}" "${pss[deployctl]:-0}" "${rss[gunicorn]:-0}" \
  "${pss[gunicorn]:-0}" "${rss[uwsgi]:-0}" "${pss[uwsgi]:-0}" <<'PY'
import statistics, sys
path, servers = sys.argv[1], [s for s in sys.argv[2].split(",") if s]
memory = {"deployctl": sys.argv[3:5], "gunicorn": sys.argv[5:7], "uwsgi": sys.argv[7:9]}
samples = {}
for line in open(path):
    round_, server, app, rate, p99, errors = line.split()
    samples.setdefault((server, app), {})[int(round_)] = (float(rate), float(p99), errors)

def median(values):
    values = [v for v in values if v > 0]
    return statistics.median(values) if values else 0.0

def ratio(a, b):  # the median of the per-round ratios of a to b
    ours, theirs = samples.get(a, {}), samples.get(b, {})
    per_round = [ours[r][0] / theirs[r][0] for r in ours if r in theirs and ours[r][0] > 0 and theirs[r][0] > 0]
    return statistics.median(per_round) if per_round else None

def fmt(value):
    return "n/a" if value is None else f"{value:.2f}"

print("| app | server | requests/s | p99 latency | / uWSGI | / in-process | worker RSS | worker PSS | wrk errors |")
print("|---|---|---:|---:|---:|---:|---:|---:|---|")
for app in ("django", "hello"):
    for server in servers:
        runs = samples.get((server, app), {})
        rate = median(r[0] for r in runs.values())
        p99 = median(r[1] for r in runs.values())
        errors = ";".join(sorted({r[2] for r in runs.values()} - {"-"}))
        rss, pss = memory.get(server, ["", ""]) if app == "django" else ("", "")
        versus = fmt(ratio((server, app), ("in-process", "django"))) if app == "django" else ""
        print(f"| {app} | {server} | {rate:.0f} | {p99:.2f} ms | {fmt(ratio((server, app), ('uwsgi', app)))} | "
              f"{versus} | {rss + ' KiB' if rss else ''} | {pss + ' KiB' if pss else ''} | {errors} |")
inprocess = median(r[0] for r in samples.get(("in-process", "django"), {}).values())
print(f"| django | in-process, no server | {inprocess:.0f} | | | 1.00 | | | |")
print()

status = 0
def target(description, value, minimum):
    global status
    if value is None:
        verdict, status = "not measured", max(status, 2)
    elif value < minimum:
        verdict, status = "missed", max(status, 1)
    else:
        verdict = "met"
    print(f"- {description}: {fmt(value)} (target >= {minimum}): {verdict}")

if "deployctl" in servers and "deployctl-before" in servers:
    for app in ("django", "hello"):
        print(f"- {app}, deployctl / deployctl-before requests/s (median of per-round ratios): "
              f"{fmt(ratio(('deployctl', app), ('deployctl-before', app)))}")
if "deployctl" in servers:
    target("Django view, deployctl / uWSGI requests/s", ratio(("deployctl", "django"), ("uwsgi", "django")), 1.4)
    target("Django view, deployctl / in-process rate", ratio(("deployctl", "django"), ("in-process", "django")), 0.85)
    target("hello-world, deployctl / uWSGI requests/s", ratio(("deployctl", "hello"), ("uwsgi", "hello")), 4)
    ours, theirs = memory["deployctl"], memory["gunicorn"]
    for index, name in ((0, "RSS"), (1, "PSS")):
        value = float(theirs[index]) / float(ours[index]) if float(ours[index]) > 0 and float(theirs[index]) > 0 else None
        target(f"Django worker {name}, gunicorn / deployctl (at least 1: no more than gunicorn's)", value, 1)
else:
    print("- deployctl serve not measured: no target checked")
    status = 2
sys.exit(status)
PY
