#!/usr/bin/env bash
# End to end: an import killed half-way leaves a consistent case file that a
# re-run completes without duplicates; oversized records are rejected in
# bounded memory without costing their neighbours; gzip is found by content.
source "$(dirname "$0")/common.bash"

# --- generated evidence: 6 files x 2000 records, unique ids
python3 - "$T/ev" <<'PY'
import json, os, sys, uuid, random
out = sys.argv[1]; os.makedirs(out)
rnd = random.Random(7)
for f in range(6):
    with open(os.path.join(out, "ual_%02d.jsonl" % f), "w") as fh:
        for i in range(2000):
            n = f * 2000 + i
            rec = {"CreationTime": "2023-06-%02dT%02d:%02d:%02d" % (1 + n % 28, n % 24, n % 60, (n * 7) % 60),
                   "Id": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
                   "Operation": "MailItemsAccessed", "RecordType": 50, "Workload": "Exchange",
                   "ResultStatus": "Succeeded", "UserId": "user%d@example.org" % (n % 25),
                   "MailboxOwnerUPN": "user%d@example.org" % (n % 25),
                   "ClientIPAddress": "192.0.2.%d" % (n % 250 + 1), "SessionId": "s-%d" % (n % 100),
                   "OperationProperties": [{"Name": "MailAccessType", "Value": "Bind"}],
                   "Folders": [{"Path": "\\Inbox", "FolderItems": [{"InternetMessageId": "<m%d@example.org>" % n}]}]}
            fh.write(json.dumps(rec) + "\n")
PY

# --- killed after 7000 inserts: files 1-3 committed (one transaction group
# per 2000 records), file 4 rolled back
K="$T/killed.ftl"
FTL_FAULT_KILL_AFTER_EVENTS=7000 "$FTL" import -q --batch-records 2000 "$K" "$T/ev" >"$T/out" 2>"$T/err"
expect_eq "killed import exit status" "$?" "137"
expect_eq "integrity after kill" "$(sql "$K" 'pragma integrity_check')" "ok"
expect_eq "committed files after kill" "$(sql "$K" "select count(*), sum(events), min(status), max(status) from evidence")" "3|6000|complete|complete"
expect_eq "events after kill" "$(sql "$K" 'select count(*) from events')" "6000"
expect_rc 0 "$FTL" import --batch-records 2000 "$K" "$T/ev"
expect_grep "3 already in the case" "$T/out"
expect_eq "events after re-run" "$(sql "$K" 'select count(*), count(distinct native_id) from events')" "12000|12000"
expect_eq "integrity after re-run" "$(sql "$K" 'pragma integrity_check')" "ok"
expect_rc 0 "$FTL" import -q "$T/clean.ftl" "$T/ev"
"$FTL" export "$K" -o "$T/k.csv" && "$FTL" export "$T/clean.ftl" -o "$T/c.csv"
if cmp -s "$T/k.csv" "$T/c.csv"; then ok; else fail "resumed import differs from a clean import"; fi

# --- a 50 MB single-line record between two normal ones
python3 - "$T/big.jsonl" <<'PY'
import json, sys
base = {"CreationTime": "2023-06-20T10:00:00", "Operation": "MailItemsAccessed", "RecordType": 50,
        "Workload": "Exchange", "UserId": "big@example.org", "MailboxOwnerUPN": "big@example.org",
        "OperationProperties": [{"Name": "MailAccessType", "Value": "Sync"}]}
with open(sys.argv[1], "w") as f:
    for i, items in ((1, 1), (2, 330000), (3, 1)):
        r = dict(base, Id="00000000-0000-4000-8000-%012d" % i)
        r["Folders"] = [{"Path": "\\Inbox", "FolderItems": [
            {"InternetMessageId": "<%08d@example.org>" % k, "SizeInBytes": 12345, "Subject": "x" * 90}
            for k in range(items)]}]
        f.write(json.dumps(r) + "\n")
PY
size=$(stat -c %s "$T/big.jsonl")
[ "$size" -gt 50000000 ] && ok || fail "big.jsonl only $size bytes"
# default limit (16 MiB): rejected with the reason, neighbours kept, bounded memory
python3 - "$FTL" "$T/big-default.ftl" "$T/big.jsonl" >"$T/rss" <<'PY'
import os, subprocess, sys
p = subprocess.Popen([sys.argv[1], "import", sys.argv[2], sys.argv[3]],
                     stdout=subprocess.DEVNULL, stderr=open(sys.argv[2] + ".err", "w"))
_, status, ru = os.wait4(p.pid, 0)
print(os.waitstatus_to_exitcode(status), ru.ru_maxrss // 1024)
PY
read -r rc rss_mb < "$T/rss"
expect_eq "oversized record exit" "$rc" "3"
[ "$rss_mb" -lt 100 ] && ok || fail "peak RSS $rss_mb MB importing a 50 MB line with a 16 MiB limit"
expect_grep "big.jsonl record 2 (line 2) rejected: record larger than the 16 MiB limit" "$T/big-default.ftl.err"
expect_eq "neighbours of the big record" "$(sql "$T/big-default.ftl" "select group_concat(record_no) from (select record_no from events order by record_no)")" "1,3"
expect_eq "kept head of the big record" "$(sql "$T/big-default.ftl" "select record_no, length(raw) from rejects")" "2|65536"
# a larger limit imports it, and the item count is right
expect_rc 0 "$FTL" import --max-record-mb 64 "$T/big-64.ftl" "$T/big.jsonl"
expect_eq "big record imported" "$(sql "$T/big-64.ftl" "select json_extract(attrs, '\$.items') from events where record_no = 2")" "330000"

# --- gzip by content, not by name; concatenated members
head -5 "$FIXTURES/ual/mgmt_api.jsonl" | gzip -c > "$T/looks-plain.json"
sed -n 6,10p "$FIXTURES/ual/mgmt_api.jsonl" | gzip -c >> "$T/looks-plain.json"
sed -n 11,17p "$FIXTURES/ual/mgmt_api.jsonl" > "$T/looks-gzip.json.gz"
expect_rc 0 "$FTL" import "$T/gz.ftl" "$T/looks-plain.json" "$T/looks-gzip.json.gz"
expect_eq "gzip by content" "$(sql "$T/gz.ftl" "select group_concat(compressed || ':' || events) from (select * from evidence order by id)")" "1:10,0:7"

# --- a missing path is reported and the other paths still import
expect_rc 3 "$FTL" import "$T/missing.ftl" "$T/no-such-file.json" "$FIXTURES/ual/mgmt_api.jsonl"
expect_grep "no-such-file.json failed: cannot open" "$T/err"
expect_eq "other path imported" "$(sql "$T/missing.ftl" 'select count(*) from events')" "17"

finish
