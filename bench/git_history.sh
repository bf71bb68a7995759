#!/usr/bin/env bash
# The history scan of `deployctl check` (GIT002) on a generated repository of 10,000 commits (BENCH_COMMITS), each
# with a new settings.py blob: its worst case, every blob parsed once. Target: a few seconds; exits 1 above 5 s.
# The git CLI only builds the repository (git fast-import); deployctl reads it with libgit2.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_require_tools
command -v git >/dev/null || { echo "bench: git is missing (needed to generate the repository)" >&2; exit 2; }

commits="${BENCH_COMMITS:-10000}"
target_seconds="${BENCH_TARGET_SECONDS:-5}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
repo="$scratch/repo"

git init -q -b main "$repo"
"$PYTHON" "$bench_dir/gen_git_history.py" "$commits" | git -C "$repo" fast-import --quiet
git -C "$repo" checkout -q main
echo "generated $(git -C "$repo" rev-list --count HEAD) commits in $repo"

# The key of commit N/2 must be found (it was removed by the next commit), or the scan missed part of the history.
bench_require_deployctl_runs check "$repo" --select GIT002
report="$("$DEPLOYCTL" check "$repo" --select GIT002 --format json 2>/dev/null || true)"
if [[ "$report" != *'"GIT002"'* ]]; then
  echo "bench: deployctl did not report the key committed in the middle of the history" >&2
  exit 2
fi

json="$BENCH_OUT/git_history.json"
hyperfine --shell=none --ignore-failure --warmup 1 --min-runs 5 --style basic \
  --export-json "$json" --export-markdown "$BENCH_OUT/git_history.md" \
  --command-name "deployctl check --select GIT002, $commits commits" "$DEPLOYCTL check $repo --select GIT002" \
  --command-name "deployctl check --no-git, same project" "$DEPLOYCTL check $repo --no-git"

mean="$(bench_mean "$json" 0)"
echo "history scan of $commits commits: ${mean} s (target < ${target_seconds} s)"
"$PYTHON" -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' "$mean" "$target_seconds" ||
  { echo "bench: the history scan missed its target" >&2; exit 1; }
