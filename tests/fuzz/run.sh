#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz/ and runs each for
# SECONDS (default 10), seeded from the fixtures of its format
# (docs/reliability.md). A crash stops with the input saved in
# build-fuzz/crashes/; add it to tests/data/fuzz-regressions/<target>/ so
# tests/e2e/fuzz_regressions.sh replays it from then on.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secs="${1:-10}"
shift || true
build="$root/build-fuzz"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(aws_cloudtrail azure_activity entra_signin exchange_admin_audit
  exchange_mailbox_audit gcp_audit m365_ual windows_event_xml sniff csv time xml)
command -v clang > /dev/null || { echo "fuzz: clang is needed: apt-get install clang" >&2; exit 1; }
CC=clang cmake -S "$root" -B "$build" -DFTL_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build "$build" -j"$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}") > /dev/null
mkdir -p "$build/crashes"
seeds() {   # the fixtures a target starts from
  case "$1" in
    m365_ual) echo "$root/fixtures/ual" ;;
    sniff) echo "$root/fixtures" ;;
    csv) find "$root/fixtures" -name '*.csv' -printf '%h\n' | sort -u ;;
    time) echo "$root/tests/fuzz/seeds/time" ;;
    xml) echo "$root/fixtures/windows_event_xml $root/fixtures/exchange_mailbox_audit $root/fixtures/exchange_admin_audit" ;;
    *) echo "$root/fixtures/$1" ;;
  esac
}
status=0
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  mkdir -p "$corpus"
  # files only (libFuzzer reads a corpus folder's files), at most 1 MiB each
  for d in $(seeds "$t"); do
    find "$d" -type f -size -1024k -exec cp -n {} "$corpus/" \; 2>/dev/null || true
  done
  if "$build/fuzz_$t" -max_total_time="$secs" -max_len=262144 -timeout=20 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$build/crashes/$t-" "$corpus" \
       > "$build/fuzz_$t.log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build/fuzz_$t.log" | grep -o '[0-9]*$')
    cov=$(grep -o 'cov: [0-9]*' "$build/fuzz_$t.log" | tail -1 | grep -o '[0-9]*')
    printf 'fuzz %-24s %8s runs in %s s, coverage %s, no crash\n' "$t" "${runs:-?}" "$secs" "${cov:-?}"
  else
    echo "fuzz $t: CRASH (see $build/fuzz_$t.log and $build/crashes/)" >&2
    tail -30 "$build/fuzz_$t.log" >&2
    status=1
  fi
done
exit $status
