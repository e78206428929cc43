# Shared helpers for the end-to-end tests (sourced, not run by ctest).
# ctest sets FTL (the binary), FIXTURES, TESTDATA and TMPROOT.
set -uo pipefail

: "${FTL:?FTL must point at the ftl binary}"
: "${FIXTURES:?}"
: "${TESTDATA:?}"
: "${TMPROOT:=/tmp/ftl-e2e}"

mkdir -p "$TMPROOT"
T=$(mktemp -d "$TMPROOT/$(basename "$0" .sh).XXXXXX")
FAILS=0
CHECKS=0

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
ok() { CHECKS=$((CHECKS + 1)); }

# expect_eq WHAT GOT WANT
expect_eq() {
  if [ "$2" == "$3" ]; then ok; else fail "$1: got '$2', want '$3'"; fi
}

# expect_rc WANT CMD...: runs CMD, output to $T/out and $T/err
expect_rc() {
  local want=$1; shift
  "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  if [ "$rc" -eq "$want" ]; then ok; else
    fail "exit $rc, want $want: $*"; sed 's/^/  stderr: /' "$T/err" | head -20 >&2
  fi
}

# expect_grep PATTERN FILE
expect_grep() {
  if grep -q -- "$1" "$2"; then ok; else fail "'$1' not found in $(basename "$2")"; fi
}

sql() { python3 - "$1" "$2" <<'PY'
import sqlite3, sys
con = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
for row in con.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
PY
}

finish() {
  echo "$CHECKS passed, $FAILS failed"
  [ "$FAILS" -eq 0 ] && rm -rf "$T"
  [ "$FAILS" -eq 0 ]
}
