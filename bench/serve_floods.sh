#!/usr/bin/env bash
# deployctl serve under a flood of unfinished request heads (issue 11's target): one worker with the default limits,
# 1,000 connections each sending an unfinished 800 KB head, while a normal request is made after every 50 of them.
# Reports the worker's peak RSS growth (target: at most 64 MiB) and the slowest normal request (target: under 1 s).
# Then a 1 GiB upload to a view that answers after reading 1 KB (serve_apps/first_kb.py): what the client could
# send before the answer (target: a few MB, at most 16 MiB) and what the worker wrote to disk (target: nothing).
# BENCH_FLOOD_CONNECTIONS (default 1000), BENCH_FLOOD_HEAD_KB (default 800). Exit 0 targets met, 1 a target
# missed, 2 could not measure. Never part of the test suite.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ -x "$DEPLOYCTL" ]] || { echo "bench: $DEPLOYCTL is not built; run 'make build' or set DEPLOYCTL" >&2; exit 2; }
exec "$PYTHON" "$bench_dir/serve_floods.py" "$DEPLOYCTL" "${BENCH_FLOOD_CONNECTIONS:-1000}" \
  "${BENCH_FLOOD_HEAD_KB:-800}"
