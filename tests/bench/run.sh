#!/usr/bin/env bash
# tests/bench/run.sh [N]                          - the UAL import benchmark
# tests/bench/run.sh cloudtrail [FILES] [RECORDS] - CloudTrail: many small files
#                                                   against one big one
# tests/bench/run.sh windows [N]                  - Windows event XML: N events
#                                                   (default 1,000,000) as wevtutil
#                                                   fragments
# tests/bench/run.sh incident [SCALE]             - the bundled incident at SCALE
#                                                   (default 13: ~1,060,000 events
#                                                   in every format), ftl import
# tests/bench/run.sh correlate [SCALE...]          - ftl correlate and ftl detect on the
#                                                   incident at each SCALE (default 4 13:
#                                                   ~100,000 and ~1,060,000 events) against
#                                                   one full scan of the events table
# (tests/bench/README.md)
#
# Builds a Release tree in build-bench/ and writes synthetic records (seed
# FTL_BENCH_SEED or 1) into a scratch folder (FTL_BENCH_DIR, default
# /tmp/ftl-bench):
#   UAL         N records (default 500,000) as one JSON Lines file
#   cloudtrail  FILES (default 10,000) S3 objects of RECORDS (default 50)
#               records each, plus the same records as one .json.gz and as
#               one .jsonl.gz
# and runs bench_import on them, which prints the table. The scratch folder
# keeps only the generated data; bench_import removes its case files and
# databases after each pass. Needs what the project builds with
# (scripts/deps.sh), plus the sqlite3 shell for the UAL run.
set -euo pipefail

seed="${FTL_BENCH_SEED:-1}"
rounds="${FTL_BENCH_ROUNDS:-3}"
dir="${FTL_BENCH_DIR:-/tmp/ftl-bench}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$root/build-bench"
sqlite3_bin="${FTL_BENCH_SQLITE3:-sqlite3}"

usage() {
  echo "usage: tests/bench/run.sh [N]  (N: number of UAL records, default 500000)" >&2
  echo "       tests/bench/run.sh cloudtrail [FILES] [RECORDS]  (default 10000 files of 50)" >&2
  echo "       tests/bench/run.sh windows [N]  (default 1000000)" >&2
  echo "       tests/bench/run.sh incident [SCALE]  (default 13)" >&2
  echo "       tests/bench/run.sh correlate [SCALE...]  (default 4 13)" >&2
  exit 2
}

number() {
  case "$1" in
    ''|*[!0-9]*) usage ;;
  esac
}

build_tools() {
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" --target ftl "$@" bench_import >/dev/null
  mkdir -p "$dir"
}

if [ "${1:-}" = cloudtrail ]; then
  files="${2:-10000}"
  per="${3:-50}"
  number "$files"
  number "$per"
  [ $# -le 3 ] || usage
  build_tools ct_gen
  case_dir="$dir/ct-$files-$per-$seed"
  # the generator is deterministic: always write afresh, so data left by an
  # older generator is never measured (only our own ct-* folders go)
  rm -rf -- "$dir"/ct-*-*-*/
  mkdir -p "$case_dir"
  start=$EPOCHREALTIME
  "$build/ct_gen" -d "$case_dir/tree" -1 "$case_dir/all.json.gz" -l "$case_dir/all.jsonl.gz" \
    "$files" "$per" "$seed"
  end=$EPOCHREALTIME
  awk -v n="$((files * per))" -v f="$files" -v s="$start" -v e="$end" -v d="$case_dir" \
    -v t="$(find "$case_dir/tree" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')" \
    -v b="$(stat -c %s "$case_dir/all.json.gz")" \
    'BEGIN { printf "generated %d records in %d files (%.1f MB) and as one file (%.1f MB) in %.1f s: %s\n",
             n, f, t / 1e6, b / 1e6, e - s, d }' >&2
  "$build/bench_import" -r "$rounds" --cloudtrail -n "$((files * per))" \
    -l "$case_dir/all.jsonl.gz" "$case_dir/tree" "$case_dir/all.json.gz" "$build/ftl"
  exit
fi

if [ "${1:-}" = windows ]; then
  n="${2:-1000000}"
  number "$n"
  [ $# -le 2 ] || usage
  build_tools win_gen
  file="$dir/win-$n-$seed.xml"
  rm -f "$dir"/win-*.xml
  start=$EPOCHREALTIME
  "$build/win_gen" -o "$file" "$n" "$seed"
  end=$EPOCHREALTIME
  awk -v n="$n" -v b="$(stat -c %s "$file")" -v s="$start" -v e="$end" -v f="$file" \
    'BEGIN { printf "generated %d events (%.1f MB) in %.1f s: %s\n", n, b / 1e6, e - s, f }' >&2
  "$build/bench_import" -r "$rounds" --xml "$file" "$build/ftl"
  exit
fi

if [ "${1:-}" = incident ]; then
  scale="${2:-13}"
  number "$scale"
  [ $# -le 2 ] || usage
  if [ ! -x /usr/bin/time ]; then
    echo "run.sh: /usr/bin/time is needed for the peak RSS: apt-get install time" >&2
    exit 1
  fi
  build_tools casegen
  case_dir="$dir/incident-$scale-$seed"
  rm -rf -- "$dir"/incident-*-*/
  start=$EPOCHREALTIME
  "$build/casegen" --seed "$seed" --scale "$scale" -o "$case_dir/evidence"
  end=$EPOCHREALTIME
  awk -v s="$start" -v e="$end" -v d="$case_dir/evidence" \
    -v f="$(find "$case_dir/evidence" -type f | wc -l)" \
    -v b="$(du -sb "$case_dir/evidence" | cut -f1)" \
    'BEGIN { printf "generated the incident: %d files, %.1f MB in %.1f s: %s\n", f, b / 1e6, e - s, d }' >&2
  for r in $(seq "$rounds"); do
    rm -f "$case_dir/case.ftl"
    start=$EPOCHREALTIME
    set +e
    /usr/bin/time -f "%M" -o "$case_dir/rss" "$build/ftl" import -q "$case_dir/case.ftl" \
      "$case_dir/evidence" > "$case_dir/out" 2>&1
    rc=$?
    set -e
    end=$EPOCHREALTIME
    [ $rc -eq 0 ] || [ $rc -eq 3 ] || { cat "$case_dir/out" >&2; exit 1; }
    events=$(sqlite3 "$case_dir/case.ftl" 'select count(*) from events')
    awk -v n="$events" -v s="$start" -v e="$end" -v m="$(tail -1 "$case_dir/rss")" -v r="$r" \
      'BEGIN { printf "round %d: ftl import %d events in %.2f s = %.0f events/s, peak RSS %.1f MB\n",
               r, n, e - s, n / (e - s), m / 1024 }'
  done
  sqlite3 "$case_dir/case.ftl" "select 'evidence files ' || count(*) || ', duplicates ' || sum(duplicates) ||
    ', rejected ' || sum(rejected) from evidence"
  rm -f "$case_dir/case.ftl"
  exit
fi

if [ "${1:-}" = correlate ]; then
  shift
  scales=("$@")
  [ ${#scales[@]} -gt 0 ] || scales=(4 13)
  for scale in "${scales[@]}"; do number "$scale"; done
  if [ ! -x /usr/bin/time ] || ! command -v "$sqlite3_bin" >/dev/null 2>&1; then
    echo "run.sh: needs /usr/bin/time and the sqlite3 shell: apt-get install time sqlite3" >&2
    exit 1
  fi
  build_tools casegen
  rm -rf -- "$dir"/correlate-*-*/
  for scale in "${scales[@]}"; do
    case_dir="$dir/correlate-$scale-$seed"
    "$build/casegen" --seed "$seed" --scale "$scale" -o "$case_dir/evidence"
    set +e
    "$build/ftl" import -q "$case_dir/case.ftl" "$case_dir/evidence" > "$case_dir/out" 2>&1
    rc=$?
    set -e
    [ $rc -eq 0 ] || [ $rc -eq 3 ] || { cat "$case_dir/out" >&2; exit 1; }
    events=$("$sqlite3_bin" "$case_dir/case.ftl" 'select count(*) from events')
    size=$(stat -c %s "$case_dir/case.ftl")
    # one full scan: every row, its raw record and attrs read (warm cache,
    # like the correlate runs after it)
    scan_sql='select count(*), sum(length(raw)), sum(length(attrs)), max(ts) from events'
    "$sqlite3_bin" "$case_dir/case.ftl" "$scan_sql" > /dev/null
    for r in $(seq "$rounds"); do
      start=$EPOCHREALTIME
      "$sqlite3_bin" "$case_dir/case.ftl" "$scan_sql" > /dev/null
      mid=$EPOCHREALTIME
      /usr/bin/time -f "%M" -o "$case_dir/rss" "$build/ftl" correlate -q "$case_dir/case.ftl"
      end=$EPOCHREALTIME
      awk -v n="$events" -v sc="$scale" -v b="$size" -v s="$start" -v m="$mid" -v e="$end" \
        -v rss="$(tail -1 "$case_dir/rss")" -v r="$r" \
        'BEGIN { printf "scale %d round %d: %d events (case %.0f MB): full scan %.2f s, ftl correlate %.2f s = %.2f x the scan, %.2f us/event, peak RSS %.1f MB\n",
                 sc, r, n, b / 1e6, m - s, e - m, (e - m) / (m - s), (e - m) * 1e6 / n, rss / 1024 }'
    done
    # ftl detect on the correlated case: the first run also builds its two
    # indexes, which later runs keep
    for r in $(seq "$rounds"); do
      start=$EPOCHREALTIME
      /usr/bin/time -f "%M" -o "$case_dir/rss" "$build/ftl" detect -q --timing "$case_dir/case.ftl" \
        > "$case_dir/detect.out" 2> "$case_dir/timing"
      end=$EPOCHREALTIME
      awk -v n="$events" -v sc="$scale" -v s="$start" -v e="$end" -v r="$r" -v rss="$(tail -1 "$case_dir/rss")" -v f="$(tail -1 "$case_dir/detect.out")" \
        'BEGIN { printf "scale %d round %d: ftl detect %.2f s%s, peak RSS %.1f MB: %s\n",
                 sc, r, e - s, r == 1 ? " (with its index build)" : "", rss / 1024, f }'
    done
    echo "slowest rules in the last round:"
    sort -rn "$case_dir/timing" | head -8
    "$sqlite3_bin" "$case_dir/case.ftl" "select 'sessions ' || sum(n) || ' (' ||
      group_concat(state || '=' || n, ', ') || ')' from (select state, count(*) n from sessions group by state)"
    rm -rf -- "$case_dir"
  done
  exit
fi

n="${1:-500000}"
number "$n"
[ $# -le 1 ] || usage
if ! command -v "$sqlite3_bin" >/dev/null 2>&1; then
  echo "run.sh: the sqlite3 shell is needed for the SQL-only route: apt-get install sqlite3" >&2
  exit 1
fi

build_tools ual_gen

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
