# Shared by serve.sh and serve_instructions.sh: the example project in a scratch copy, migrated, with the
# environment both the servers and the in-process loop run under (same settings module, DEBUG off, same LOGGING).
# Sourced after lib.sh, with $work set to a scratch directory.
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
