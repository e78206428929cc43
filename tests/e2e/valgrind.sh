#!/usr/bin/env bash
# End to end: `ftl build` of the bundled incident under valgrind memcheck:
# no invalid reads or writes, no use of uninitialised memory, and nothing
# leaked (definite, indirect or possible). Not under ASan, which replaces
# the same allocator.
source "$(dirname "$0")/common.bash"

if [ -n "${FTL_SANITIZED:-}" ]; then
  echo "valgrind.sh: this build uses ASan; memcheck runs in the plain build" >&2
  ok
  finish
  exit
fi
if ! command -v valgrind > /dev/null; then
  fail "valgrind is needed (test.sh installs it: apt-get install valgrind)"
  finish
  exit
fi
valgrind --leak-check=full --show-leak-kinds=definite,indirect,possible \
  --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
  "$FTL" build "$T/case.ftl" -o "$T/report.html" "$FIXTURES/incident" > "$T/out" 2> "$T/vg"
rc=$?
expect_eq "ftl build under valgrind (3: the incident's deliberate rejects)" "$rc" 3
expect_grep "ERROR SUMMARY: 0 errors from 0 contexts" "$T/vg"
expect_grep "in use at exit: 0 bytes in 0 blocks" "$T/vg"
expect_grep "findings: 53: 1 critical, 14 high" "$T/out"
grep -E "ERROR SUMMARY|in use at exit" "$T/vg" >&2
finish
