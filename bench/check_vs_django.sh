#!/usr/bin/env bash
# deployctl check vs Django's `manage.py check --deploy` on the example project inside a small git repository (a
# copy of share/examples/mysite, one commit), side by side in one hyperfine run. Target: deployctl's default run
# (repository checks on) takes at most 1/30 of Django's wall time. Exits 1 when the target is missed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_require_tools

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
project="$scratch/mysite"
cp -r "$repo_root/share/examples/mysite" "$project"
git -C "$project" init -q -b main
git -C "$project" add -A
git -C "$project" -c user.name=Bench -c user.email=bench@example.com commit -qm 'the example project'
export XDG_CACHE_HOME="$scratch/cache"  # the history cache, warm after the warm-up runs as in daily use

# What Django needs to run the production settings. Byte-code caches go to scratch so the source tree stays
# clean while Django still gets its warm-cache best case after the warm-up runs.
export DJANGO_SECRET_KEY="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DJANGO_ALLOWED_HOSTS=example.com
export DATABASE_URL="sqlite:///$scratch/db.sqlite3"
export PYTHONPYCACHEPREFIX="$scratch/pycache"
unset PYTHONDONTWRITEBYTECODE  # set in some shells; without caches Django recompiles itself every run

bench_require_deployctl_runs check "$project"
# The example's LOGGING writes to logs/ relative to the working directory, so Django runs from the project.
cd "$project"
"$PYTHON" manage.py check --deploy >/dev/null 2>&1 ||
  { echo "bench: Django's check --deploy fails on $project" >&2; exit 2; }

json="$BENCH_OUT/check_vs_django.json"
hyperfine --shell=none --ignore-failure --warmup 3 --min-runs 20 --style basic \
  --export-json "$json" --export-markdown "$BENCH_OUT/check_vs_django.md" \
  --command-name 'deployctl check' "$DEPLOYCTL check $project" \
  --command-name 'manage.py check --deploy' "$PYTHON manage.py check --deploy" \
  --command-name 'deployctl check --no-git' "$DEPLOYCTL check $project --no-git"

# The target is on the default run (the copy is a git repository, so the repository checks run);
# the --no-git run shows what the settings analysis alone costs, Django's side of the comparison.
ours="$(bench_mean "$json" 0)"
django="$(bench_mean "$json" 1)"
"$PYTHON" - "$ours" "$django" "$(bench_cpu "$json" 0)" "$(bench_cpu "$json" 1)" "$(bench_mean "$json" 2)" <<'PY'
import sys
ours, django, ours_cpu, django_cpu, no_git = map(float, sys.argv[1:6])
ratio = django / ours
verdict = 'met' if ratio >= 30 else 'MISSED'
print(f'\ndeployctl check {ours * 1000:.1f} ms, manage.py check --deploy {django * 1000:.1f} ms: '
      f'deployctl takes 1/{ratio:.1f} of Django\'s time (target at most 1/30: {verdict})')
print(f'CPU time (user + system): deployctl {ours_cpu * 1000:.1f} ms, Django {django_cpu * 1000:.1f} ms: '
      f'1/{django_cpu / ours_cpu:.1f}')
print(f'without the repository checks (--no-git): {no_git * 1000:.1f} ms, 1/{django / no_git:.1f} of Django\'s time')
sys.exit(0 if ratio >= 30 else 1)
PY
