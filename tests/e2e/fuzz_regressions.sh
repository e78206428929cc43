#!/usr/bin/env bash
# Every input a fuzz target ever crashed or hung on (tests/data/fuzz-
# regressions/<format>/) is imported with that format: it must end, within a
# minute, with a normal exit status (0, or 3 for rejects), and leave a sound
# case (docs/reliability.md).
source "$(dirname "$0")/common.bash"

R="$TESTDATA/fuzz-regressions"
n=0
for dir in "$R"/*/; do
  fmt=$(basename "$dir")
  for f in "$dir"*; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    timeout 60 "$FTL" import --format "$fmt" "$T/case-$n.ftl" "$f" > "$T/out" 2> "$T/err"
    rc=$?
    if [ $rc -eq 0 ] || [ $rc -eq 3 ]; then ok; else
      fail "$fmt/$(basename "$f"): exit $rc (124: it hung)"; tail -3 "$T/err" >&2
    fi
    expect_eq "integrity after $(basename "$f")" "$(sql "$T/case-$n.ftl" "pragma integrity_check")" "ok"
  done
done
if [ $n -gt 0 ]; then ok; else fail "no regression inputs found in $R"; fi
finish
