#!/usr/bin/env bash
# tests/bench/run.sh [N] - the import benchmark (tests/bench/README.md).
#
# Builds a Release tree in build-bench/, writes N synthetic UAL records
# (default 500,000, seed FTL_BENCH_SEED or 1) into a scratch folder
# (FTL_BENCH_DIR, default /tmp/ftl-bench) and runs bench_import on them,
# which prints the table. The scratch folder keeps only the generated file;
# bench_import removes its case files and databases after each pass.
# Needs what the project builds with (scripts/deps.sh) plus the sqlite3 shell.
set -euo pipefail

n="${1:-500000}"
seed="${FTL_BENCH_SEED:-1}"
rounds="${FTL_BENCH_ROUNDS:-3}"
dir="${FTL_BENCH_DIR:-/tmp/ftl-bench}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$root/build-bench"
sqlite3_bin="${FTL_BENCH_SQLITE3:-sqlite3}"

case "$n" in
  ''|*[!0-9]*) echo "usage: tests/bench/run.sh [N]  (N: number of records, default 500000)" >&2; exit 2 ;;
esac
if ! command -v "$sqlite3_bin" >/dev/null 2>&1; then
  echo "run.sh: the sqlite3 shell is needed for the SQL-only route: apt-get install sqlite3" >&2
  exit 1
fi

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" --target ftl ual_gen bench_import >/dev/null

mkdir -p "$dir"
file="$dir/ual-$n-$seed.jsonl"
# the generator is fast and deterministic: always write afresh, so a file
# left by an older generator is never measured
rm -f "$dir"/ual-*.jsonl
start=$EPOCHREALTIME
"$build/ual_gen" -o "$file" "$n" "$seed"
end=$EPOCHREALTIME
awk -v n="$n" -v b="$(stat -c %s "$file")" -v s="$start" -v e="$end" -v f="$file" \
  'BEGIN { printf "generated %d records (%.1f MB) in %.1f s: %s\n", n, b / 1e6, e - s, f }' >&2

"$build/bench_import" -r "$rounds" "$file" "$build/ftl" "$sqlite3_bin"
