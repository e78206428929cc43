#!/usr/bin/env bash
# End to end: faults and tampering (docs/reliability.md).
#  1. ftl verify finds changed, missing and unreadable evidence, and info and
#     the report say when and what;
#  2. ftl correlate and ftl detect killed with SIGKILL before they commit
#     leave the previous result and a sound case; a rerun equals a clean run;
#  3. case files that are not ftl's or are damaged, on a read-only or full
#     filesystem, missing and unreadable evidence, two imports at once: a
#     clear message, a documented exit status, and PRAGMA integrity_check ok.
source "$(dirname "$0")/common.bash"

integrity() {
  local got
  got=$(sql "$1" "pragma integrity_check")
  expect_eq "integrity_check of $(basename "$1")" "$got" "ok"
}

# --- 1. ftl verify
E="$T/evidence"
mkdir -p "$E"
cp -r "$FIXTURES/incident/ual" "$FIXTURES/incident/gcp" "$FIXTURES/incident/exchange" "$E/"
C="$T/case.ftl"
expect_rc 3 "$FTL" import -q "$C" "$E"
n=$(sql "$C" "select count(*) from evidence")
expect_rc 0 "$FTL" verify -q "$C"
expect_grep "^$n evidence files: $n unchanged, 0 changed, 0 missing, 0 unreadable" "$T/out"
expect_rc 0 "$FTL" info "$C"
expect_grep "^verified     20..-..-..T..:..:..\.......Z: all $n files unchanged" "$T/out"
printf 'x' >> "$E/exchange/SearchResult.xml"
rm "$E/exchange/admin_audit.xml"
gz=$(find "$E/gcp" -type f | sort | head -1)
rm "$gz" && mkdir "$gz"        # a folder where the file was: it cannot be read
expect_rc 3 "$FTL" verify -q "$C"
expect_grep "^CHANGED    #[0-9]* .*SearchResult.xml" "$T/out"
expect_grep "^MISSING    #[0-9]* .*admin_audit.xml" "$T/out"
expect_grep "^UNREADABLE #[0-9]* " "$T/out"
expect_grep "^$n evidence files: $((n - 3)) unchanged, 1 changed, 1 missing, 1 unreadable" "$T/out"
expect_rc 0 "$FTL" info --json "$C"
python3 - "$T/out" <<'PY' || fail "info --json verification"
import json, sys
v = json.load(open(sys.argv[1]))["verification"]
assert v["result"].startswith("3 of ") and v["result"].endswith("files differ: 1 changed, 1 missing, 1 unreadable"), v
assert v["at"].endswith("Z"), v
PY
ok
expect_rc 0 "$FTL" report "$C" -o "$T/report.html"
expect_grep "evidence verified</th><td>20.*: 3 of $n files differ: 1 changed, 1 missing, 1 unreadable" "$T/report.html"
problems=$(sql "$C" "select value from meta where key = 'verify_problems'")
python3 -c 'import json,sys; p=json.loads(sys.argv[1]); assert sorted(x["status"] for x in p) == ["changed","missing","unreadable"], p; assert all(len(x["sha256_at_import"]) == 64 for x in p)' "$problems" && ok || fail "verify_problems: $problems"

# --- 2. killed mid-run: the previous result stays, a rerun equals a clean run
C2="$T/kill.ftl"
expect_rc 3 "$FTL" import -q "$C2" "$FIXTURES/incident"
expect_rc 0 "$FTL" correlate -q "$C2" --window 10m
links="select event_id, coalesce(session_id, 0), state, coalesce(method, '') from event_links order by event_id"
sql "$C2" "$links" > "$T/links-10m"
FTL_FAULT_KILL_AT=correlate.written "$FTL" correlate -q "$C2" > /dev/null 2>&1
expect_eq "correlate killed (128 + SIGKILL)" "$?" 137
integrity "$C2"
sql "$C2" "$links" > "$T/links-after-kill"
if cmp -s "$T/links-10m" "$T/links-after-kill"; then ok; else fail "a killed correlate changed the links"; fi
expect_rc 0 "$FTL" correlate -q "$C2"
sql "$C2" "$links" > "$T/links-rerun"
C3="$T/clean.ftl"
expect_rc 3 "$FTL" import -q "$C3" "$FIXTURES/incident"
expect_rc 0 "$FTL" correlate -q "$C3"
sql "$C3" "$links" > "$T/links-clean"
if cmp -s "$T/links-rerun" "$T/links-clean"; then ok; else fail "correlate after a kill differs from a clean run"; fi
findings="select rule_id, severity, ts, coalesce(actor, ''), reason, events from findings order by id"
expect_rc 0 "$FTL" detect -q "$C2" --param baseline_days=3
sql "$C2" "$findings" > "$T/findings-before"
FTL_FAULT_KILL_AT=detect.half "$FTL" detect -q "$C2" > /dev/null 2>&1
expect_eq "detect killed" "$?" 137
integrity "$C2"
sql "$C2" "$findings" > "$T/findings-after-kill"
if cmp -s "$T/findings-before" "$T/findings-after-kill"; then ok; else fail "a killed detect changed the findings"; fi
expect_rc 0 "$FTL" detect -q "$C2"
expect_rc 0 "$FTL" detect -q "$C3"
sql "$C2" "$findings" > "$T/findings-rerun"
sql "$C3" "$findings" > "$T/findings-clean"
if cmp -s "$T/findings-rerun" "$T/findings-clean"; then ok; else fail "detect after a kill differs from a clean run"; fi

# --- 3. case files and evidence that are not what they should be
printf 'SQLite format 3\0this is not a database at all' > "$T/damaged.ftl"
head -c 100000 /dev/urandom >> "$T/damaged.ftl"
expect_rc 1 "$FTL" info "$T/damaged.ftl"
expect_grep "not an ftl case file" "$T/err"
cp "$C3" "$T/torn.ftl"
# zero the second page onward: the schema page survives, the tables do not
dd if=/dev/zero of="$T/torn.ftl" bs=16384 seek=1 count=4 conv=notrunc status=none
"$FTL" export "$T/torn.ftl" > /dev/null 2> "$T/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "damaged\|malformed\|not an ftl case file" "$T/err"; then ok; else
  fail "a torn case file: exit $rc, $(head -1 "$T/err")"; fi
expect_rc 3 "$FTL" import "$T/missing.ftl" "$T/no/such/file.json"
expect_grep "no/such/file.json failed: " "$T/err"
integrity "$T/missing.ftl"
# an unreadable file (even root cannot read /proc/self/mem at offset 0)
expect_rc 3 "$FTL" import "$T/unreadable.ftl" /proc/self/mem "$FIXTURES/incident/gcp"
expect_grep "/proc/self/mem failed: cannot read /proc/self/mem: Input/output error" "$T/err"
expect_eq "events beside the unreadable file" "$(sql "$T/unreadable.ftl" "select count(*) from events")" 119
integrity "$T/unreadable.ftl"
# the valid evidence beside a missing file is imported all the same
expect_rc 3 "$FTL" import "$T/missing.ftl" "$FIXTURES/incident/gcp" "$T/no/such/other.json"
expect_grep "other.json failed: " "$T/err"
expect_eq "events beside the missing file" "$(sql "$T/missing.ftl" "select count(*) from events")" 119
integrity "$T/missing.ftl"

# read-only and full filesystems (a small tmpfs; skipped where mounting is not allowed)
M="$T/mnt"
mkdir -p "$M"
if mount -t tmpfs -o size=3m tmpfs "$M" 2>/dev/null; then
  # full: the evidence does not fit; the import stops with a message, and
  # what was committed is sound
  expect_rc 1 "$FTL" import -q "$M/full.ftl" "$FIXTURES/incident/aws"
  expect_grep "disk full\|database or disk is full\|cannot write" "$T/err"
  if [ -s "$M/full.ftl" ]; then integrity "$M/full.ftl"; fi
  rm -f "$M"/full.ftl*
  expect_rc 0 "$FTL" import -q "$M/ro.ftl" "$FIXTURES/incident/gcp"
  before=$(sha256sum "$M/ro.ftl" | cut -c1-64)
  mount -o remount,ro "$M"
  expect_rc 1 "$FTL" correlate "$M/ro.ftl"
  expect_grep "ro.ftl" "$T/err"
  expect_rc 1 "$FTL" import "$M/ro.ftl" "$FIXTURES/incident/gcp"
  expect_grep "it is read-only (file or filesystem)" "$T/err"
  expect_rc 0 "$FTL" info "$M/ro.ftl"
  expect_eq "read-only case untouched" "$(sha256sum "$M/ro.ftl" | cut -c1-64)" "$before"
  umount "$M"
else
  echo "faults.sh: cannot mount a tmpfs here: the full and read-only filesystem checks did not run" >&2
fi

# two imports into one case at once: both finish (one waits for the other's
# commit) or one says the case is busy; nothing is lost or counted twice
C4="$T/two.ftl"
expect_rc 0 "$FTL" import -q "$C4" "$FIXTURES/incident/gcp"
"$FTL" import -q --batch-records 500 "$C4" "$FIXTURES/incident/aws" > "$T/a.out" 2> "$T/a.err" &
pa=$!
"$FTL" import -q --batch-records 500 "$C4" "$FIXTURES/incident/windows" > "$T/b.out" 2> "$T/b.err" &
pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
integrity "$C4"
for r in $ra $rb; do
  if [ "$r" -ne 0 ] && [ "$r" -ne 1 ]; then fail "concurrent import exit $r"; else ok; fi
done
if [ $ra -eq 1 ]; then expect_grep "in use by another ftl process" "$T/a.err"; fi
if [ $rb -eq 1 ]; then expect_grep "in use by another ftl process" "$T/b.err"; fi
# a rerun of both completes the case: every event exactly once
expect_rc 0 "$FTL" import -q "$C4" "$FIXTURES/incident/aws" "$FIXTURES/incident/windows"
got=$(sql "$C4" "select count(*), count(distinct source || native_id) from events")
expect_eq "events after concurrent imports" "$got" "$((119 + 4357 + 136))|$((119 + 4357 + 136))"
finish
