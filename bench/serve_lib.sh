# Shared by serve.sh, asgi.sh and serve_instructions.sh: the example project in a scratch copy, migrated, with the
# environment both the servers and the in-process loop run under (same settings module, DEBUG off, same LOGGING);
# stopping the servers; a worker's pid and memory. Sourced after lib.sh, with $work set to a scratch directory.
serve_prepare_project() {
  project="$work/mysite"
  cp -r "$repo_root/share/examples/mysite" "$project"
  rm -f "$project/db.sqlite3"
  mkdir -p "$project/logs"  # the example's LOGGING writes logs/ relative to the working directory
  export DJANGO_SECRET_KEY="bench-not-a-secret-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  export DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1 DJANGO_SETTINGS_MODULE=mysite.settings.production
  export DATABASE_URL="sqlite:///$project/db.sqlite3" DJANGO_LOG_LEVEL=WARNING
  unset DJANGO_DEBUG
  (cd "$project" && "$PYTHON" manage.py migrate --noinput >"$work/migrate.log" 2>&1) ||
    { echo "bench: migrate failed:" >&2; cat "$work/migrate.log" >&2; exit 2; }
}

free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Every server in the associative array `pid` (key -> the pid of a process-group leader, started under set -m):
# TERM to each group, 10 s to exit, then KILL.
stop_servers() {
  local key
  for key in "${!pid[@]}"; do kill -TERM -- "-${pid[$key]}" 2>/dev/null; done
  for key in "${!pid[@]}"; do
    for _ in $(seq 50); do kill -0 "${pid[$key]}" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-${pid[$key]}" 2>/dev/null
    wait "${pid[$key]}" 2>/dev/null
  done
}

# The worker: the master's first child, or the process itself when it has none.
worker_pid() {
  local first
  read -r first _ < <(cat /proc/"$1"/task/*/children 2>/dev/null)
  echo "${first:-$1}"
}

# The worker's memory after the load, from /proc/PID/smaps_rollup: RSS, and PSS (shared pages divided among the
# processes that share them, so the pages the worker still shares copy-on-write with its master count by half).
worker_memory_kib() {
  awk '/^Rss:/ {rss = $2} /^Pss:/ {pss = $2} END {print rss, pss}' "/proc/$(worker_pid "$1")/smaps_rollup" 2>/dev/null
}
