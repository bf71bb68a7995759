#!/usr/bin/env bash
# How `deployctl check` scales with the number of settings modules: chains of N modules linked by star
# imports (bench/gen_star_chain.py). Target: 500 modules in under 1 s, growing linearly. Exits 1 when missed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_require_tools

sizes="${BENCH_SIZES:-100,200,500,1000}"
entry=chain.settings.production  # the generator's fixed name for the last link
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

for n in ${sizes//,/ }; do
  "$PYTHON" "$bench_dir/gen_star_chain.py" "$n" "$scratch/chain-$n" >/dev/null
  bench_require_deployctl_runs check "$scratch/chain-$n" --settings "$entry"
  # The root module's SECRET_KEY fallback must show up, or the evaluator stopped short of the chain's end.
  if ! { "$DEPLOYCTL" check "$scratch/chain-$n" --settings "$entry" --format json 2>/dev/null || true; } |
    grep -q 's0000\.py'; then
    echo "bench: warning: deployctl reports nothing from chain/settings/s0000.py for N=$n; did it read the whole chain?" >&2
  fi
done

json="$BENCH_OUT/check_scaling.json"
hyperfine --shell=none --ignore-failure --warmup 2 --min-runs 10 --style basic \
  --export-json "$json" --export-markdown "$BENCH_OUT/check_scaling.md" \
  --parameter-list n "$sizes" \
  --command-name 'deployctl check, {n} modules' \
  "$DEPLOYCTL check $scratch/chain-{n} --settings $entry"

"$PYTHON" - "$json" <<'PY'
import json
import sys

results = json.load(open(sys.argv[1]))['results']
points = sorted((int(r['parameters']['n']), r['mean'], r['stddev']) for r in results)
print(f'\n{"modules":>8} {"mean ms":>9} {"stddev":>8} {"us/module":>10} {"marginal us/module":>19}')
previous = None
marginals = []
for n, mean, stddev in points:
    marginal = ''
    if previous:
        step = (mean - previous[1]) / (n - previous[0])
        marginals.append(step)
        marginal = f'{step * 1e6:.1f}'
    print(f'{n:>8} {mean * 1e3:>9.1f} {stddev * 1e3:>8.1f} {mean / n * 1e6:>10.1f} {marginal:>19}')
    previous = (n, mean)

# Least squares t = fixed + per_module * n: the fixed part is start-up (interpreter, rule table).
count = len(points)
mean_n = sum(n for n, _, _ in points) / count
mean_t = sum(t for _, t, _ in points) / count
spread = sum((n - mean_n) ** 2 for n, _, _ in points)
if spread:
    per_module = sum((n - mean_n) * (t - mean_t) for n, t, _ in points) / spread
    fixed = mean_t - per_module * mean_n
    print(f'\nfit: {fixed * 1e3:.1f} ms fixed + {per_module * 1e6:.1f} us per module')
if len(marginals) >= 2 and marginals[0] > 0:
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
