#!/usr/bin/env bash
# Instructions per request of the HTTP request parser alone (gateway/http), counted under callgrind so that a shared
# machine's load does not move them: bench/http_parser_driver.cpp built with g++ -O2 (the RelWithDebInfo level)
# against the working tree's gateway/http and Debian's llhttp, in llhttp's lenient mode (what deployctl builds) and
# in its strict mode (LLHTTP_STRICT_MODE=1), and the same for each git revision given as an argument:
#   bench/http_parser_instructions.sh 1c8b669      # the tree before the strict framing of issue 11, side by side
# The count is (N requests) - (0 requests), divided by N. Exit 0, or 2 when it cannot measure.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
for tool in valgrind g++ gcc git; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 2; }
done
llhttp_src="${DEPLOYCTL_LLHTTP_SOURCE_DIR:-/usr/share/llhttp}"
llhttp_inc="${DEPLOYCTL_LLHTTP_INCLUDE_DIR:-/usr/share/include/llhttp}"
[[ -f "$llhttp_src/llhttp.c" ]] || { echo "bench: llhttp sources not found (scripts/install-deps)" >&2; exit 2; }
requests="${BENCH_REQUESTS:-20000}"
work="$(mktemp -d /tmp/deployctl-bench-parser.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# build NAME TREE MODE: the driver against TREE's gateway/http, llhttp in MODE (lenient or strict), as $work/NAME.
build() {
  local name="$1" tree="$2" mode="$3" strict=() objects=() f
  [[ "$mode" == strict ]] && strict=(-DLLHTTP_STRICT_MODE=1)
  for f in api http llhttp; do
    gcc -O2 "${strict[@]}" -I"$llhttp_inc" -c "$llhttp_src/$f.c" -o "$work/$name-$f.o" || return 1
    objects+=("$work/$name-$f.o")
  done
  # The parser's own files: everything in gateway/http but the response side (it needs core/).
  local sources=()
  for f in "$tree"/gateway/http/*.cpp; do [[ "$f" == */response_head.cpp ]] || sources+=("$f"); done
  g++ -std=c++23 -O2 "${strict[@]}" -I"$tree" -I"$llhttp_inc" "$bench_dir/http_parser_driver.cpp" "${sources[@]}" \
    "${objects[@]}" -o "$work/$name" || return 1
}

total() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 | sed -n 's/.*refs: *\([0-9,]*\).*/\1/p' | tr -d , ; }
per_request() {
  local zero many
  zero="$(total "$1" "$2" 0)" && many="$(total "$1" "$2" "$requests")" || return 1
  "$1" "$2" 1 || { echo "bench: $1 refused a $2 request" >&2; return 1; }
  echo $(( (many - zero) / requests ))
}

trees=("working tree:$repo_root")
for revision in "$@"; do
  dir="$work/tree-$revision"
  mkdir -p "$dir" && git -C "$repo_root" archive "$revision" gateway/http | tar -x -C "$dir" ||
    { echo "bench: cannot read gateway/http at $revision" >&2; exit 2; }
  trees+=("$revision:$dir")
done

echo "Instructions per request, request parser alone (callgrind, $requests requests, g++ -O2)"
echo
echo "| tree | llhttp mode | small GET | browser GET | chunked 1 KiB | Content-Length 1 KiB |"
echo "|---|---|---:|---:|---:|---:|"
index=0
for entry in "${trees[@]}"; do
  label="${entry%%:*}" tree="${entry#*:}"
  for mode in lenient strict; do
    name="driver-$index-$mode"
    build "$name" "$tree" "$mode" || { echo "bench: building the driver for $label failed" >&2; exit 2; }
    row="| $label | $mode |"
    for kind in small browser chunked length; do
      count="$(per_request "$work/$name" "$kind")" || exit 2
      row+=" $count |"
    done
    echo "$row"
  done
  index=$((index + 1))
done
