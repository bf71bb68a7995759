#!/usr/bin/env bash
# How `deployctl check` scales with the number of settings modules, side by side with Django's
# `manage.py check --deploy`: projects of N modules linked by star imports (bench/gen_star_chain.py).
# Target: 500 modules in under 1 s, growing linearly. Exits 1 when missed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_require_tools

sizes="${BENCH_SIZES:-100,200,500,1000}"
entry=chain.settings.production  # the generator's fixed name for the last link
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# Django gets warm byte-code caches after the warm-up (its best case) without writing into the projects.
export PYTHONPYCACHEPREFIX="$scratch/pycache"
unset PYTHONDONTWRITEBYTECODE  # set in some shells; without caches Django recompiles itself every run

for n in ${sizes//,/ }; do
  "$PYTHON" "$bench_dir/gen_star_chain.py" "$n" "$scratch/chain-$n" >/dev/null
  bench_require_deployctl_runs check "$scratch/chain-$n" --settings "$entry"
  # The root module's SECRET_KEY fallback must show up, or the evaluator stopped short of the chain's end.
  if ! { "$DEPLOYCTL" check "$scratch/chain-$n" --settings "$entry" --format json 2>/dev/null || true; } |
    grep -q 's0000\.py'; then
    echo "bench: deployctl reports nothing from chain/settings/s0000.py for N=$n: it did not read the whole chain" >&2
    exit 2
  fi
  "$PYTHON" "$scratch/chain-$n/manage.py" check --deploy >/dev/null 2>&1 ||
    { echo "bench: Django's check --deploy fails on the generated project for N=$n" >&2; exit 2; }
done

# One hyperfine run per size, deployctl and Django side by side in each.
jsons=()
for n in ${sizes//,/ }; do
  json="$BENCH_OUT/check_scaling-$n.json"
  jsons+=("$json")
  hyperfine --shell=none --ignore-failure --warmup 2 --min-runs 10 --style basic \
    --export-json "$json" --export-markdown "$BENCH_OUT/check_scaling-$n.md" \
    --command-name "deployctl check, $n modules" "$DEPLOYCTL check $scratch/chain-$n --settings $entry" \
    --command-name "manage.py check --deploy, $n modules" "$PYTHON $scratch/chain-$n/manage.py check --deploy"
done

"$PYTHON" - "${jsons[@]}" <<'PY'
import json
import sys

# Each file holds [deployctl, django] for one size.
runs = [json.load(open(path))['results'] for path in sys.argv[1:]]
modules = [int(ours['command'].split(', ')[1].split()[0]) for ours, _ in runs]
django = {n: theirs['mean'] for n, (_, theirs) in zip(modules, runs)}
cpu = {n: (ours['user'] + ours['system'], theirs['user'] + theirs['system']) for n, (ours, theirs) in zip(modules, runs)}
points = sorted((n, ours['mean'], ours['stddev']) for n, (ours, _) in zip(modules, runs))
print(f'\n{"modules":>8} {"deployctl ms":>13} {"stddev":>7} {"us/module":>10} {"marginal us/module":>19}'
      f' {"django ms":>10} {"django/deployctl":>17} {"CPU ms deployctl/django":>24}')
previous = None
marginals = []
for n, mean, stddev in points:
    marginal = ''
    if previous:
        step = (mean - previous[1]) / (n - previous[0])
        marginals.append(step)
        marginal = f'{step * 1e6:.1f}'
    theirs = django.get(n)
    print(f'{n:>8} {mean * 1e3:>13.1f} {stddev * 1e3:>7.1f} {mean / n * 1e6:>10.1f} {marginal:>19}'
          f' {theirs * 1e3 if theirs else float("nan"):>10.1f} {theirs / mean if theirs else float("nan"):>17.1f}'
          f' {f"{cpu[n][0] * 1e3:.1f} / {cpu[n][1] * 1e3:.1f}":>24}')
    previous = (n, mean)

# Least squares t = fixed + per_module * n: the fixed part is start-up (interpreter, rule table).
count = len(points)
mean_n = sum(n for n, _, _ in points) / count
mean_t = sum(t for _, t, _ in points) / count
spread = sum((n - mean_n) ** 2 for n, _, _ in points)
if spread:
    per_module = sum((n - mean_n) * (t - mean_t) for n, t, _ in points) / spread
    fixed = mean_t - per_module * mean_n
    print(f'\ndeployctl fit: {fixed * 1e3:.1f} ms fixed + {per_module * 1e6:.1f} us per module')
if marginals and min(marginals) <= 0:
    print('growth: a larger project ran faster than a smaller one; too noisy to tell (see check_instructions.sh)')
elif len(marginals) >= 2:
    growth = marginals[-1] / marginals[0]
    shape = 'linear' if growth <= 2 else 'super-linear'
    print(f'growth: the last step costs {growth:.2f}x per module what the first did ({shape})')

status = 0
for n, mean, _ in points:
    if n == 500:
        verdict = 'met' if mean < 1.0 else 'MISSED'
        print(f'target: 500 modules in under 1 s: {mean * 1e3:.1f} ms ({verdict})')
        status = 0 if mean < 1.0 else 1
sys.exit(status)
PY
