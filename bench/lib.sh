# Shared by the bench scripts: where things are, the binary under test, and reading hyperfine's JSON.
# Sourced, not run.
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$bench_dir/.." && pwd)"
DEPLOYCTL="$(realpath -m "${DEPLOYCTL:-$repo_root/build/deployctl}")"
BENCH_OUT="$(realpath -m "${BENCH_OUT:-$repo_root/build/bench}")"
PYTHON=/usr/bin/python3  # Debian's, the one with Django; never a pyenv python3 from PATH

bench_require_tools() {
  command -v hyperfine >/dev/null || { echo "bench: hyperfine is missing (apt-get install hyperfine)" >&2; exit 2; }
  [[ -x "$DEPLOYCTL" ]] || { echo "bench: $DEPLOYCTL is not built; run 'make build' or set DEPLOYCTL" >&2; exit 2; }
  mkdir -p "$BENCH_OUT"
}

# A benchmark of a failing tool measures its error path: refuse unless deployctl ran (exit 0 or 1).
bench_require_deployctl_runs() {
  local status=0
  "$DEPLOYCTL" "$@" >/dev/null 2>"$BENCH_OUT/last-stderr.txt" || status=$?
  if ((status > 1)); then
    echo "bench: '$DEPLOYCTL $*' exited $status (tool failure), not benchmarking it:" >&2
    head -5 "$BENCH_OUT/last-stderr.txt" >&2
    exit 2
  fi
}

# Mean wall time in seconds of command number $2 (0-based) in hyperfine JSON file $1.
bench_mean() {
  "$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["mean"])' "$1" "$2"
}

# Mean CPU time (user + system) in seconds of the same: steadier than wall time when other jobs share the cores.
bench_cpu() {
  "$PYTHON" -c 'import json, sys; r = json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]; print(r["user"] + r["system"])' \
    "$1" "$2"
}
