#!/usr/bin/env bash
# End to end: the bundled incident (docs/incident.md).
#  1. casegen's default output equals fixtures/incident byte for byte, so the
#     fixture and its generator never drift;
#  2. ftl import of fixtures/incident reports exactly the answer key's files,
#     events, duplicates and rejects, and the key's events per source;
#  3. every event the key names (source + native id) is in the case, and the
#     key's claims about tokens hold in the imported data.
source "$(dirname "$0")/common.bash"

CASEGEN="${CASEGEN:-$(dirname "$FTL")/casegen}"
INC="$FIXTURES/incident"
KEY="$INC/answers.json"

# --- 1. generator and fixture
if [ -x "$CASEGEN" ]; then
  expect_rc 0 "$CASEGEN" -o "$T/gen"
  if diff -r "$T/gen" "$INC" > "$T/diff" 2>&1; then ok; else
    fail "casegen output differs from fixtures/incident (regenerate it: docs/incident.md)"
    head -20 "$T/diff" >&2
  fi
  # the same arguments give the same bytes; another seed gives other bytes
  expect_rc 0 "$CASEGEN" --seed 1 --scale 1 -o "$T/gen2"
  if diff -r -q "$T/gen" "$T/gen2" > /dev/null; then ok; else fail "casegen is not deterministic"; fi
  expect_rc 0 "$CASEGEN" --seed 2 -o "$T/gen3"
  if cmp -s "$T/gen/answers.json" "$T/gen3/answers.json"; then fail "--seed changes nothing"; else ok; fi
  rm -rf "$T/gen2" "$T/gen3"
  # usage errors
  expect_rc 2 "$CASEGEN" -o "$T/gen"
  expect_grep "not empty" "$T/err"
  expect_rc 2 "$CASEGEN" --scale 0 -o "$T/never"
  expect_rc 2 "$CASEGEN" --seed x -o "$T/never"
  expect_rc 2 "$CASEGEN"
else
  fail "casegen not found at $CASEGEN (set CASEGEN)"
fi

# --- 2. import counts
C="$T/case.ftl"
expect_rc 3 "$FTL" import "$C" "$INC"
want=$(python3 - "$KEY" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["totals"]
print("%d files: %d imported, 0 partial, 0 already in the case, %d skipped, 0 failed; "
      "%d events added, %d duplicates, %d rejected"
      % (t["files"], t["files"] - t["skipped"], t["skipped"], t["events"], t["duplicates"],
         t["rejected"]))
PY
)
if grep -qF -- "$want" "$T/out"; then ok; else
  fail "import summary: want '$want', got '$(grep ' files: ' "$T/out")'"
fi
expect_grep "audit_2023-06-01_2023-06-16.jsonl record [0-9]* (line [0-9]*) rejected: not valid JSON" "$T/err"
expect_grep "purview_2023-06-15_2023-06-30.csv record [0-9]* (line [0-9]*) rejected: row has 5 fields" "$T/err"
expect_grep "ANSWERS.md skipped" "$T/err"
expect_grep "answers.json skipped" "$T/err"
got=$(sql "$C" "select source || '=' || count(*) from events group by source order by source" | tr '\n' ' ')
want=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["per_source"]; print(" ".join("%s=%d" % (k, d[k]) for k in sorted(d) if d[k]) + " ")' "$KEY")
expect_eq "events per source" "$got" "$want"
got=$(sql "$C" "select sum(duplicates), sum(rejected) from evidence")
want=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["totals"]; print("%d|%d" % (t["duplicates"], t["rejected"]))' "$KEY")
expect_eq "evidence duplicates|rejected" "$got" "$want"

# --- 3. the answer key's events, and what it says about tokens
python3 - "$C" "$KEY" <<'PY' || fail "answer key does not match the imported case"
import json, sqlite3, sys
con = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
key = json.load(open(sys.argv[2]))
bad = []
n = 0
for t in key["techniques"]:
    assert t["events"], t["id"]
    for e in t["events"]:
        n += 1
        got = con.execute("select count(*) from events where source = ? and native_id = ?",
                          (e["source"], e["native_id"])).fetchone()[0]
        if got != 1:
            bad.append("%s: %s %s (%d in the case)" % (t["id"], e["source"], e["native_id"], got))
for b in bad[:20]:
    print("missing:", b, file=sys.stderr)
assert not bad, "%d of %d technique events missing" % (len(bad), n)

signin_tokens = "select token_id from events where source = 'entra_signin' and token_id is not null"
mia = "source = 'm365_ual' and action = 'MailItemsAccessed'"
# every ordinary mail access carries a token a sign-in issued ...
linked = con.execute("select count(*) from events where %s and token_id in (%s)" % (mia, signin_tokens)).fetchone()[0]
assert linked == key["baseline"]["mail_access_events"], (linked, key["baseline"])
# ... and the forged-token reads carry tokens none did
forged = [e["native_id"] for t in key["techniques"] if t["id"] == "forged_token_mail_theft" for e in t["events"]]
orphans = [r[0] for r in con.execute(
    "select native_id from events where %s and token_id is not null and token_id not in (%s)" % (mia, signin_tokens))]
assert sorted(orphans) == sorted(forged), (len(orphans), len(forged))
# the new AWS key is handed out once and then used
k = [t for t in key["techniques"] if t["id"] == "cloud_follow_on"][0]["new_access_key"]
issued = con.execute("select count(*) from events where source = 'aws_cloudtrail' and json_extract(attrs, '$.issued_access_key') = ?", (k,)).fetchone()[0]
used = con.execute("select count(*) from events where source = 'aws_cloudtrail' and session_key = ?", (k,)).fetchone()[0]
assert issued == 1 and used >= 3, (issued, used)
PY
ok

finish
