#!/usr/bin/env bash
# The repository checks of `deployctl check` on a generated repository of 15,000 commits (BENCH_COMMITS), each
# with a new settings.py blob: the history scan's worst case, every blob parsed once. A cold run (no history
# cache) and a warm one (the caches of the previous run, nothing new: the facts record spares it libgit2), default
# flags, side by side with --no-git and with a warm run whose facts record is gone (the index or HEAD changed:
# libgit2 and the history cache, which then has nothing new to walk).
# Targets: cold at most 5 s, warm at most 200 ms; exits 1 when either is missed. The git CLI only builds the
# repository (git fast-import); deployctl reads it with libgit2.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_require_tools
command -v git >/dev/null || { echo "bench: git is missing (needed to generate the repository)" >&2; exit 2; }

commits="${BENCH_COMMITS:-15000}"
cold_target="${BENCH_COLD_TARGET_SECONDS:-5}"
warm_target="${BENCH_WARM_TARGET_SECONDS:-0.2}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
repo="$scratch/repo"
# The history cache lives here, not in the user's ~/.cache: a cold run is one with this directory removed.
export XDG_CACHE_HOME="$scratch/cache"

git init -q -b main "$repo"
"$PYTHON" "$bench_dir/gen_git_history.py" "$commits" | git -C "$repo" fast-import --quiet
git -C "$repo" checkout -q main
echo "generated $(git -C "$repo" rev-list --count HEAD) commits in $repo"

# The key of commit N/2 must be found (it was removed by the next commit), or the scan missed part of the history;
# and found again from the cache.
bench_require_deployctl_runs check "$repo"
for run in cold warm; do
  [[ $run == cold ]] && rm -rf "$XDG_CACHE_HOME"
  report="$("$DEPLOYCTL" check "$repo" --select GIT002 --format json 2>/dev/null || true)"
  if [[ "$report" != *'"GIT002"'* ]]; then
    echo "bench: a $run run did not report the key committed in the middle of the history" >&2
    exit 2
  fi
done

json="$BENCH_OUT/git_history.json"
hyperfine --shell=none --ignore-failure --warmup 1 --min-runs 5 --style basic \
  --export-json "$json" --export-markdown "$BENCH_OUT/git_history.md" \
  --prepare "rm -rf $XDG_CACHE_HOME" \
  --command-name "deployctl check, $commits commits, cold (no history cache)" "$DEPLOYCTL check $repo"
json_warm="$BENCH_OUT/git_history_warm.json"
hyperfine --shell=none --ignore-failure --warmup 2 --min-runs 20 --style basic \
  --export-json "$json_warm" --export-markdown "$BENCH_OUT/git_history_warm.md" \
  --command-name "deployctl check, $commits commits, warm (cached history)" "$DEPLOYCTL check $repo" \
  --command-name "deployctl check --no-git, same project" "$DEPLOYCTL check $repo --no-git"
json_history="$BENCH_OUT/git_history_cache_only.json"
hyperfine --shell=none --ignore-failure --warmup 2 --min-runs 20 --style basic \
  --export-json "$json_history" --export-markdown "$BENCH_OUT/git_history_cache_only.md" \
  --prepare "find $XDG_CACHE_HOME -name 'facts-*' -delete" \
  --command-name "deployctl check, $commits commits, history cache only (no facts record)" "$DEPLOYCTL check $repo"

cold="$(bench_mean "$json" 0)"
warm="$(bench_mean "$json_warm" 0)"
no_git="$(bench_mean "$json_warm" 1)"
history_only="$(bench_mean "$json_history" 0)"
"$PYTHON" - "$commits" "$cold" "$warm" "$no_git" "$cold_target" "$warm_target" "$history_only" <<'PY'
import sys
commits, (cold, warm, no_git, cold_target, warm_target, history_only) = sys.argv[1], map(float, sys.argv[2:8])
met = cold <= cold_target and warm <= warm_target
print(f'\n{commits} commits: cold {cold:.2f} s (target at most {cold_target:g} s), warm {warm * 1000:.1f} ms '
      f'(target at most {warm_target * 1000:.0f} ms), --no-git {no_git * 1000:.1f} ms: {"met" if met else "MISSED"}')
print(f'warm with the history cache only (no facts record: libgit2 loaded, nothing new walked): '
      f'{history_only * 1000:.1f} ms')
sys.exit(0 if met else 1)
PY
