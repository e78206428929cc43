#!/usr/bin/env bash
# End to end: ftl import of the UAL fixture tree, info, CSV export, filters,
# re-import, and the exit codes the docs promise.
source "$(dirname "$0")/common.bash"

C="$T/case.ftl"

# --- import: rejects are named with file and record; exit 3 = look at this
expect_rc 3 "$FTL" import "$C" "$FIXTURES/ual"
expect_grep "89 events added, 2 duplicates, 6 rejected" "$T/out"
expect_grep "bad_json_line.jsonl record 3 (line 3) rejected: not valid JSON" "$T/err"
expect_grep "short_row.csv record 3 (line 4) rejected: row has 5 fields" "$T/err"
expect_grep "not_ual.txt skipped" "$T/err"
expect_grep "truncated.jsonl.gz: gzip data ends early" "$T/err"
expect_grep "^PARTIAL .*truncated.jsonl.gz" "$T/out"

# --- info --json agrees with the case file
expect_rc 0 "$FTL" info --json "$C"
cp "$T/out" "$T/info.json"
got=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["events"], d["rejected"], len(d["evidence"]), d["by_source"]["m365_ual"], d["first_event"])' "$T/info.json")
expect_eq "info --json" "$got" "89 6 13 89 2023-06-16T08:55:10.000000Z"
expect_rc 0 "$FTL" info --rejects "$C"
expect_grep "invalid_utf8.jsonl record 2 (line 2): invalid UTF-8" "$T/out"

# --- re-import of the same bytes is a no-op that says so, exit 0
expect_rc 0 "$FTL" import "$C" "$FIXTURES/ual/mgmt_api.jsonl"
expect_grep "^already .*mgmt_api.jsonl  same bytes as evidence" "$T/out"
expect_eq "events after re-import" "$(sql "$C" 'select count(*) from events')" "89"

# --- CSV export: header, row count, byte-identical runs, -o equals stdout
expect_rc 0 "$FTL" export "$C"
cp "$T/out" "$T/a.csv"
expect_rc 0 "$FTL" export "$C" --format csv -o "$T/b.csv"
if cmp -s "$T/a.csv" "$T/b.csv"; then ok; else fail "export is not byte-identical across runs"; fi
head -1 "$T/a.csv" | tr -d '\r' > "$T/header"
expect_eq "csv header" "$(cat "$T/header")" \
  "datetime,timestamp,timestamp_desc,message,source,category,action,outcome,actor,target,src_ip,user_agent,app_id,client_app_id,session_key,token_id,correlation_id,native_id,session_id,link_state,link_method,findings,evidence,record_no,attrs"
rows=$(python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8"))); print(len(r))' "$T/a.csv")
expect_eq "csv rows" "$rows" "89"
# ordered by time, ISO 8601 UTC
python3 - "$T/a.csv" <<'PY' || fail "csv rows not in time order or datetime malformed"
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
ts = [int(r["timestamp"]) for r in rows]
assert ts == sorted(ts)
assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", r["datetime"]) for r in rows)
assert all(r["message"] for r in rows)
PY
ok
# the fallback time is labelled
expect_grep "CreationDate (CSV display text, CreationTime missing)" "$T/a.csv"

# --- filters
expect_rc 0 "$FTL" export "$C" --category mailbox
n=$(python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1], newline=""))); assert all(x["category"]=="mailbox" for x in r); print(len(r))' "$T/out")
expect_eq "--category mailbox" "$n" "$(sql "$C" "select count(*) from events where category='mailbox'")"
expect_rc 0 "$FTL" export "$C" --actor ALICE.SMITH@EXAMPLE.ORG
n=$(python3 -c 'import csv,sys; print(len(list(csv.DictReader(open(sys.argv[1], newline="")))))' "$T/out")
expect_eq "--actor (case-insensitive)" "$n" "$(sql "$C" "select count(*) from events where actor='alice.smith@example.org'")"
expect_rc 0 "$FTL" export "$C" --ip "[2001:db8::5]:443"
n=$(python3 -c 'import csv,sys; print(len(list(csv.DictReader(open(sys.argv[1], newline="")))))' "$T/out")
expect_eq "--ip normalized" "$n" "$(sql "$C" "select count(*) from events where src_ip='2001:db8::5'")"
expect_rc 0 "$FTL" export "$C" --from 2023-06-17T00:00:00Z --to 2023-06-18
n=$(python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1], newline=""))); assert all(x["datetime"].startswith("2023-06-17") for x in r); print(len(r))' "$T/out")
expect_eq "--from/--to" "$n" "$(sql "$C" "select count(*) from events where ts >= 1686960000000000 and ts < 1687046400000000")"
expect_rc 2 "$FTL" export "$C" --category nonsense
expect_rc 2 "$FTL" export "$C" --from yesterday

# --- hostile strings: formulas neutralized, quoting survives a CSV reader
H="$T/hostile.ftl"
expect_rc 0 "$FTL" import "$H" "$TESTDATA/hostile_ual.jsonl"
expect_rc 0 "$FTL" export "$H" -o "$T/h.csv"
python3 - "$T/h.csv" <<'PY' || fail "hostile CSV cells not neutralized"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
assert len(rows) == 3, len(rows)
for r in rows:
    for k, v in r.items():
        if k == "timestamp":
            continue
        assert not (v and v[0] in "=+-@\t\r"), (k, v)
first = rows[0]
assert first["actor"].startswith("'=hyperlink("), first["actor"]
assert first["app_id"] == "'+cmd|' /C calc'!A0", first["app_id"]
assert first["session_key"] == "'\tc0ffee", repr(first["session_key"])
assert rows[1]["target"] == "'\rrule\"with,comma\nand newline", repr(rows[1]["target"])
PY
ok

# --- usage and refusal
expect_rc 2 "$FTL" import "$C"
expect_rc 2 "$FTL" import --no-such-option "$C" "$FIXTURES/ual"
expect_rc 2 "$FTL" import --format nope "$C" "$FIXTURES/ual/mgmt_api.jsonl"
expect_rc 2 "$FTL" frobnicate
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.commit()' "$T/foreign.db"
before=$(sha256sum "$T/foreign.db")
expect_rc 1 "$FTL" import "$T/foreign.db" "$FIXTURES/ual/mgmt_api.jsonl"
expect_grep "not an ftl case file" "$T/err"
expect_eq "foreign db untouched" "$(sha256sum "$T/foreign.db")" "$before"
expect_rc 1 "$FTL" info "$T/does-not-exist.ftl"
expect_grep "does-not-exist.ftl" "$T/err"

# --- forced format on a file the sniffer cannot place
printf '%s\n' "$(head -1 "$FIXTURES/ual/mgmt_api.jsonl")" | sed 's/"CreationTime"/"CreationTime"/' > "$T/one.txt"
expect_rc 0 "$FTL" import --format m365_ual "$T/forced.ftl" "$T/one.txt"
expect_eq "forced format" "$(sql "$T/forced.ftl" 'select count(*) from events')" "1"

# --- CloudTrail: the dated tree of .json.gz objects, overlapping downloads,
# lookup-events, broken files; tests/data/aws_cloudtrail_manifest.json totals
A="$T/aws.ftl"
expect_rc 3 "$FTL" import "$A" "$FIXTURES/aws_cloudtrail"
expect_grep "62 events added, 2 duplicates, 3 rejected" "$T/out"
expect_grep "corrupt_middle.json record 3 (line" "$T/err"
expect_eq "cloudtrail variants" "$(sql "$A" "select group_concat(variant) from (select distinct variant from evidence order by variant)")" "json_lines,lookup_events,records_json"
expect_eq "cloudtrail in UAL case" "$(sql "$C" "select count(*) from events where source = 'aws_cloudtrail'")" "0"
expect_rc 0 "$FTL" export "$A" --category signin
n=$(python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1], newline=""))); assert all(x["action"].endswith(":ConsoleLogin") for x in r); print(len(r))' "$T/out")
expect_eq "cloudtrail sign-ins" "$n" "$(sql "$A" "select count(*) from events where category='signin'")"
expect_grep "@timestamp (SIEM export, eventTime missing)" <("$FTL" export "$A")

# --- Entra sign-ins: Graph pages, arrays, lines, PowerShell 7 and 5.1, Azure
# Monitor, portal CSV; tests/data/entra_signin_manifest.json totals
E="$T/entra.ftl"
expect_rc 3 "$FTL" import "$E" "$FIXTURES/entra_signin"
expect_grep "52 events added, 1 duplicates, 4 rejected" "$T/out"
expect_eq "entra events" "$(sql "$E" "select count(*), count(distinct native_id) from events")" "52|52"
expect_eq "entra variants" "$(sql "$E" "select group_concat(variant) from (select distinct variant from evidence order by variant)")" "azure_monitor,graph_json,portal_csv"
expect_grep "bad_row.csv record 2 (line 3) rejected: row has" "$T/err"

# --- Azure Activity: the storage export tree (one gzip), an Event Hub body
# overlapping it, REST, PowerShell, Python SDK and Log Analytics shapes
# sharing event ids, broken files; tests/data/azure_activity_manifest.json
Z="$T/azure.ftl"
expect_rc 3 "$FTL" import "$Z" "$FIXTURES/azure_activity"
expect_grep "52 events added, 10 duplicates, 4 rejected" "$T/out"
expect_eq "azure variants" "$(sql "$Z" "select group_concat(variant) from (select distinct variant from evidence order by variant)")" "event_data,event_data_snake,export,log_analytics"
expect_eq "azure outcomes" "$(sql "$Z" "select count(*) from events where outcome not in ('success', 'failure', 'unknown')")" "0"
expect_rc 0 "$FTL" export "$Z" --ip 203.0.113.66
expect_grep "ROLEASSIGNMENTS/WRITE" "$T/out"

# --- Google Cloud: sink folders (one gzip), a gcloud array overlapping them,
# broken files; tests/data/gcp_audit_manifest.json totals
G="$T/gcp.ftl"
expect_rc 3 "$FTL" import "$G" "$FIXTURES/gcp_audit"
expect_grep "42 events added, 3 duplicates, 4 rejected" "$T/out"
expect_grep "broken/empty.json skipped: empty file" "$T/err"
expect_eq "gcp variants" "$(sql "$G" "select group_concat(variant) from (select distinct variant from evidence order by variant)")" "json_array,json_lines"
expect_eq "gcp other entries" "$(sql "$G" "select count(*) from events where category = 'other' and outcome = 'unknown'")" "2"
expect_rc 0 "$FTL" export "$G" --actor ext-contractor@example.com --from 2023-06-19T00:00:00Z
expect_grep "SetIamPolicy" "$T/out"
expect_grep "receiveTimestamp (Cloud Logging, timestamp missing)" <("$FTL" export "$G")

# --- XML: Exchange mailbox and admin exports, Windows event XML; the answer
# keys in tests/data/{exchange_mailbox_audit,exchange_admin_audit,windows_event_xml}_manifest.json
X="$T/xml.ftl"
expect_rc 3 "$FTL" import "$X" "$FIXTURES/exchange_mailbox_audit" "$FIXTURES/exchange_admin_audit" \
  "$FIXTURES/windows_event_xml"
expect_grep "84 events added, 3 duplicates, 6 rejected" "$T/out"
expect_grep "not well-formed XML" "$T/err"
expect_eq "xml sources" "$(sql "$X" "select group_concat(source || ':' || n) from (select source, count(*) n from events group by source order by source)")" "exchange_admin_audit:26,exchange_mailbox_audit:22,windows_event_xml:36"
expect_rc 3 "$FTL" import "$T/hostile_xml.ftl" "$TESTDATA/hostile_xml"
expect_eq "hostile xml imports nothing" "$(sql "$T/hostile_xml.ftl" "select count(*) from events")|$(sql "$T/hostile_xml.ftl" "select count(*) from rejects")" "0|2"
expect_rc 0 "$FTL" export "$X" --category mail_admin
expect_grep "ForwardingSmtpAddress" "$T/out"

# --- formats and --help on every subcommand
expect_rc 0 "$FTL" formats
expect_grep "m365_ual" "$T/out"
expect_grep "aws_cloudtrail" "$T/out"
expect_grep "entra_signin" "$T/out"
expect_grep "gcp_audit" "$T/out"
expect_grep "azure_activity" "$T/out"
for c in import export info formats; do
  expect_rc 0 "$FTL" "$c" --help
  expect_grep "usage: ftl $c" "$T/out"
done
expect_rc 0 "$FTL" --help

finish
