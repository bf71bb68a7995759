#!/usr/bin/env bash
# The same comparisons as check_vs_django.sh and check_scaling.sh, counted in instructions under callgrind:
# slow, but the counts do not move when the 2 shared cores are busy, so they settle what noisy wall times cannot.
# Targets as in the wall-time scripts (Django / deployctl >= 20; linear growth). Exits 1 when missed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_require_tools
command -v valgrind >/dev/null || { echo "bench: valgrind is missing, instruction counts skipped (apt-get install valgrind)"; exit 0; }

sizes="${BENCH_SIZES:-100,200,500,1000}"
project="$repo_root/share/examples/mysite"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export DJANGO_SECRET_KEY="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DJANGO_ALLOWED_HOSTS=example.com
export DATABASE_URL="sqlite:///$scratch/db.sqlite3"
export PYTHONPYCACHEPREFIX="$scratch/pycache"
unset PYTHONDONTWRITEBYTECODE

# Instructions executed by a command, program start-up and shared-library loading included.
instructions() {
  valgrind --tool=callgrind --callgrind-out-file="$scratch/callgrind.out" "$@" >/dev/null 2>"$scratch/valgrind.txt" || true
  sed -n 's/.*refs: *\([0-9,]*\).*/\1/p' "$scratch/valgrind.txt" | tr -d , | tail -1
}

bench_require_deployctl_runs check "$project"
ours="$(instructions "$DEPLOYCTL" check "$project")"
cd "$project"
"$PYTHON" manage.py check --deploy >/dev/null 2>&1  # fills the byte-code cache: Django's best case
theirs="$(instructions "$PYTHON" manage.py check --deploy)"
cd - >/dev/null

report=("$ours" "$theirs")
for n in ${sizes//,/ }; do
  "$PYTHON" "$bench_dir/gen_star_chain.py" "$n" "$scratch/chain-$n" >/dev/null
  bench_require_deployctl_runs check "$scratch/chain-$n" --settings chain.settings.production
  report+=("$n:$(instructions "$DEPLOYCTL" check "$scratch/chain-$n" --settings chain.settings.production)")
done

"$PYTHON" - "${report[@]}" <<'PY'
import sys

ours, theirs = int(sys.argv[1]), int(sys.argv[2])
ratio = theirs / ours
print(f'example project: deployctl check {ours / 1e6:.1f} M instructions, manage.py check --deploy '
      f'{theirs / 1e6:.1f} M: 1/{ratio:.1f} (target at most 1/20: {"met" if ratio >= 20 else "MISSED"})')
points = sorted((int(n), int(count)) for n, count in (arg.split(':') for arg in sys.argv[3:]))
print(f'\n{"modules":>8} {"M instructions":>15} {"M/module":>9} {"marginal M/module":>18}')
marginals = []
for i, (n, count) in enumerate(points):
    marginal = ''
    if i:
        step = (count - points[i - 1][1]) / (n - points[i - 1][0])
        marginals.append(step)
        marginal = f'{step / 1e6:.2f}'
    print(f'{n:>8} {count / 1e6:>15.1f} {count / n / 1e6:>9.2f} {marginal:>18}')
status = 0 if ratio >= 20 else 1
if len(marginals) >= 2 and marginals[0] > 0:
    growth = marginals[-1] / marginals[0]
    linear = growth <= 2
    print(f'growth: the last step costs {growth:.2f}x per module what the first did '
          f'({"linear" if linear else "super-linear"})')
    status = status if linear else 1
sys.exit(status)
PY
