#!/usr/bin/env bash
# End to end: hostile sizes end in a clear reject within bounded memory
# (docs/reliability.md):
#   a gzip bomb (1 GiB in one line, compressed about 230:1), a 1 GiB line on
#   disk, JSON nested 100,000 levels deep, a CSV header of a million columns.
# Each keeps the valid record after it. Peak RSS is measured with
# /usr/bin/time and must stay under 160 MB (not checked under ASan, whose
# shadow memory is its own).
source "$(dirname "$0")/common.bash"

BOUND_KB=$((160 * 1024))
rss_ok() {   # rss_ok LABEL FILE_WITH_TIME_OUTPUT
  local kb
  kb=$(tail -1 "$2")
  echo "bounds.sh: $1: peak RSS $((kb / 1024)) MB" >&2
  if [ -n "${FTL_SANITIZED:-}" ]; then ok; return; fi
  if [ "$kb" -lt "$BOUND_KB" ]; then ok; else fail "$1: peak RSS ${kb} KB over the ${BOUND_KB} KB bound"; fi
}
ual_head='{"CreationTime":"2023-06-18T10:00:00","Id":"big","Operation":"x","RecordType":2,"Pad":"'
ual_after='{"CreationTime":"2023-06-18T10:00:01","Id":"after","Operation":"y","RecordType":2,"UserId":"u@example.org"}'

# a gzip bomb: one 1 GiB line
(printf '%s' "$ual_head"; head -c 1073741824 /dev/zero | tr '\0' 'A'; printf '"}\n%s\n' "$ual_after") |
  gzip -1 > "$T/bomb.jsonl.gz"
/usr/bin/time -f "%M" -o "$T/rss" "$FTL" import "$T/a.ftl" "$T/bomb.jsonl.gz" > "$T/out" 2> "$T/err"
expect_eq "gzip bomb exit" "$?" 3
expect_grep "bomb.jsonl.gz record 1 (line 1) rejected: record larger than the 16 MiB limit; first 65536 bytes kept" "$T/err"
expect_grep "2 records: 1 events, 0 duplicates, 1 rejected" "$T/out"
rss_ok "gzip bomb" "$T/rss"
expect_eq "bytes kept of the bomb" "$(sql "$T/a.ftl" "select length(raw) from rejects")" 65536

# the same line, 1 GiB on disk
(printf '%s' "$ual_head"; head -c 1073741824 /dev/zero | tr '\0' 'A'; printf '"}\n%s\n' "$ual_after") > "$T/line.jsonl"
/usr/bin/time -f "%M" -o "$T/rss" "$FTL" import "$T/b.ftl" "$T/line.jsonl" > "$T/out" 2> "$T/err"
expect_eq "1 GiB line exit" "$?" 3
expect_grep "line.jsonl record 1 (line 1) rejected: record larger than the 16 MiB limit" "$T/err"
rss_ok "1 GiB line" "$T/rss"
rm -f "$T/line.jsonl"

# JSON nested 100,000 levels, between two good records
python3 - "$T/deep.jsonl" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('{"CreationTime":"2023-06-18T10:00:00","Id":"a","Operation":"x","RecordType":2}\n')
    f.write('{"CreationTime":"2023-06-18T10:00:00","Id":"deep","Operation":"x","RecordType":2,"X":'
            + "[" * 100000 + "]" * 100000 + "}\n")
    f.write('{"CreationTime":"2023-06-18T10:00:01","Id":"b","Operation":"y","RecordType":2}\n')
    # and a whole file that is one deep array
with open(sys.argv[1].replace(".jsonl", "-array.json"), "w") as f:
    f.write("[" * 100000 + "]" * 100000)
PY
/usr/bin/time -f "%M" -o "$T/rss" "$FTL" import "$T/c.ftl" "$T/deep.jsonl" > "$T/out" 2> "$T/err"
expect_eq "deep JSON exit" "$?" 3
expect_grep "deep.jsonl record 2 (line 2) rejected: not valid JSON" "$T/err"
expect_grep "3 records: 2 events, 0 duplicates, 1 rejected" "$T/out"
rss_ok "JSON nested 100,000 deep" "$T/rss"
/usr/bin/time -f "%M" -o "$T/rss" "$FTL" import "$T/c2.ftl" "$T/deep-array.json" > "$T/out" 2> "$T/err"
expect_grep "deep-array.json skipped: no importer recognises its content" "$T/err"
# read as UAL anyway: the array splitter survives the depth, cJSON's nesting
# limit rejects the record
/usr/bin/time -f "%M" -o "$T/rss" "$FTL" import --format m365_ual "$T/c2.ftl" "$T/deep-array.json" > "$T/out" 2> "$T/err"
expect_grep "deep-array.json record 1 (line 1) rejected: not valid JSON" "$T/err"
rss_ok "a 100,000-deep array file" "$T/rss"
integrity=$(sql "$T/c2.ftl" "pragma integrity_check")
expect_eq "integrity after the deep array" "$integrity" "ok"

# a CSV header of a million columns
python3 - "$T/wide.csv" <<'PY'
import sys
cols = 1000000
with open(sys.argv[1], "w") as f:
    f.write("CreationDate,UserIds,Operations,AuditData," + ",".join("c%d" % i for i in range(cols)) + "\n")
    f.write('2023-06-18T10:00:00,u@example.org,x,"{""CreationTime"":""2023-06-18T10:00:00"",""Id"":""z"",'
            '""Operation"":""x"",""RecordType"":2}",' + "," * (cols - 1) + "\n")
PY
/usr/bin/time -f "%M" -o "$T/rss" "$FTL" import "$T/d.ftl" "$T/wide.csv" "$FIXTURES/incident/gcp" > "$T/out" 2> "$T/err"
expect_eq "wide CSV exit" "$?" 3
expect_grep "wide.csv: CSV header has 1000004 columns, more than 4096: not an audit export" "$T/err"
expect_eq "the evidence beside the wide CSV" "$(sql "$T/d.ftl" "select count(*) from events")" 119
rss_ok "a million CSV columns" "$T/rss"
finish
