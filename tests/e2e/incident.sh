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

# --- 4. correlation (docs/correlation.md): every technique event ends in the
#     link state the key gives, baseline mail access is linked by token
expect_rc 0 "$FTL" correlate "$C"
expect_grep "6244 events: " "$T/out"
expect_grep "sign-in coverage: tenant 6feaf84e-429b-402e-8efc-98c4b3e6bce6, interactive" "$T/out"
python3 - "$C" "$KEY" <<'PY' || fail "correlation does not match the answer key"
import json, sqlite3, sys
con = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
key = json.load(open(sys.argv[2]))
tech = {t["id"]: t for t in key["techniques"]}
bad = []

def link(e):
    return con.execute(
        "select l.state, l.method, l.session_id, e.id from events e join event_links l"
        " on l.event_id = e.id where e.source = ? and e.native_id = ?",
        (e["source"], e["native_id"])).fetchone()

def anchor(session):
    r = con.execute("select a.source, a.native_id from sessions s join events a"
                    " on a.id = s.anchor_event_id where s.id = ?", (session,)).fetchone()
    return r and (r[0], r[1])

def want(t, pred, state, methods, note):
    for e in tech[t]["events"]:
        if not pred(e):
            continue
        got = link(e)
        if got is None or got[0] != state or (got[1] or None) not in methods:
            bad.append("%s %s (%s): got %s, want %s/%s" % (t, e["native_id"], e["role"], got,
                                                        state, "|".join(map(str, methods))))
        note.append(got)

# 1. forged tokens: no issuance record, never linked
forged = []
want("forged_token_mail_theft", lambda e: True, "no_issuance_record", [None], forged)
assert len(forged) == 9, forged
assert tech["forged_token_mail_theft"]["expected"]["session_state"] == "no_issuance_record"

# 2. BEC: the IMAP mail access and the inbox rule tie to the attacker's
#    sign-ins by actor, address and time; spray failures issued nothing
bec = tech["bec"]
assert bec["expected"]["session_state"] == "linked" and bec["expected"]["link_method"] == "heuristic"
attacker_signins = {("entra_signin", e["native_id"]) for e in bec["events"]
                    if e["source"] == "entra_signin" and "failure" not in e["role"]}
heur = []
want("bec", lambda e: e["source"] == "m365_ual" and "legacy sign-in" in e["role"],
     "linked", ["heuristic"], heur)
want("bec", lambda e: e["source"] == "m365_ual" and "inbox rule" in e["role"],
     "linked", ["heuristic"], heur)
for got in heur:
    if got and anchor(got[2]) not in attacker_signins:
        bad.append("bec access %s anchored by %s, not the attacker's sign-in" % (got, anchor(got[2])))
assert len(heur) == 5, heur
want("bec", lambda e: "spray failure" in e["role"], "failed_signin", [None], [])
want("bec", lambda e: e["source"] == "entra_signin" and "failure" not in e["role"], "signin",
     [None], [])
# the forwarding was set by the service desk from the office: linked to her
# own sign-in, not the attacker's
fw = []
want("bec", lambda e: e["source"] == "m365_ual" and "service desk" in e["role"] and "set" in e["role"],
     "linked", ["heuristic", "token", "entra_session"], fw)
for got in fw:
    a = anchor(got[2])
    if a in attacker_signins or a is None:
        bad.append("forwarding anchored by %s" % (a,))

# 3. persistence: directory records with neither address nor session id
assert tech["persistence"]["expected"]["session_state"] == "unlinkable"
want("persistence", lambda e: e["source"] == "m365_ual", "unlinkable", [None], [])

# 4. cloud follow-on: one AWS session across the stolen and the new key,
#    one Google session
cloud = tech["cloud_follow_on"]
assert cloud["expected"]["link_method"] == "native"
aws, gcp = [], []
want("cloud_follow_on", lambda e: e["source"] == "aws_cloudtrail", "linked", ["native"], aws)
want("cloud_follow_on", lambda e: e["source"] == "gcp_audit", "linked", ["native"], gcp)
if len({g[2] for g in aws if g}) != 1 or len({g[2] for g in gcp if g}) != 1:
    bad.append("cloud sessions: aws %s gcp %s" % ({g[2] for g in aws if g}, {g[2] for g in gcp if g}))
cred = con.execute("select credential from sessions where id = ?", (aws[0][2],)).fetchone()[0]
if cred != "aws_access_key:" + cloud["stolen_access_key"]:
    bad.append("AWS session credential %s" % cred)

# 5. audit tampering: the UAL records tie to the PowerShell sign-in
at = tech["audit_tampering"]
ps = [("entra_signin", e["native_id"]) for e in at["events"] if e["source"] == "entra_signin"]
tam = []
want("audit_tampering", lambda e: e["source"] == "m365_ual", "linked", ["heuristic", "native"], tam)
for got in tam:
    if got and anchor(got[2]) != ps[0]:
        bad.append("audit tampering anchored by %s, want %s" % (anchor(got[2]), ps[0]))
if not any(g and g[1] == "heuristic" for g in tam):
    bad.append("audit tampering: no heuristic link")

# baseline: every ordinary mail access is linked by token, and nothing but
# the forged reads lacks an issuance record
n = con.execute("select count(*) from events e join event_links l on l.event_id = e.id"
                " where e.action = 'MailItemsAccessed' and l.state = 'linked'"
                " and l.method = 'token'").fetchone()[0]
if n != key["baseline"]["mail_access_events"]:
    bad.append("token-linked mail access: %d, want %d" % (n, key["baseline"]["mail_access_events"]))
n = con.execute("select count(*) from event_links where state = 'no_issuance_record'").fetchone()[0]
if n != len(forged):
    bad.append("no_issuance_record events: %d, want %d" % (n, len(forged)))
# every event has exactly one link row; sessions agree with their members
n = con.execute("select (select count(*) from events) - (select count(*) from event_links)").fetchone()[0]
if n:
    bad.append("%d events without a link row" % n)
n = con.execute("select count(*) from sessions s where events != (select count(*) from"
                " event_links l where l.session_id = s.id) or events < 2").fetchone()[0]
if n:
    bad.append("%d sessions whose event count is wrong" % n)
for b in bad[:30]:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
ok

# the program's views of it
expect_rc 0 "$FTL" sessions "$C" --state no_issuance_record
expect_grep "permanent.secretary@example.org" "$T/out"
expect_grep "^2 sessions" "$T/out"
expect_rc 0 "$FTL" sessions "$C" --actor D.Okafor@Example.org --json
expect_grep '"link_method":"heuristic"' "$T/out"
sid=$(sql "$C" "select l.session_id from event_links l join events e on e.id = l.event_id where e.native_id = '6cf699fc-06c9-4dec-b785-8b3f156fff27'")
expect_rc 0 "$FTL" export "$C" --session "$sid"
expect_eq "events in the BEC IMAP session" "$(grep -c ',linked,heuristic,' "$T/out")" 3
expect_grep "2023-06-20T02:14:34.000000Z,.*,entra_signin,signin,UserSignIn,success,d.okafor@example.org,.*,$sid,signin,," "$T/out"
expect_rc 0 "$FTL" export "$C" --link-state no_issuance_record
expect_eq "no_issuance_record rows" "$(($(wc -l < "$T/out") - 1))" 9
expect_rc 0 "$FTL" info "$C"
expect_grep "no_issuance_record=2" "$T/out"

expect_rc 2 "$FTL" sessions "$C" --state maybe
expect_rc 2 "$FTL" export "$C" --session x1
expect_rc 2 "$FTL" export "$C" --link-state maybe
expect_rc 2 "$FTL" correlate "$C" --window 60

# --- 5. findings (docs/rules.md): every technique's expected findings are
#     raised on its own events, and the baseline raises nothing high
expect_rc 0 "$FTL" detect "$C"
expect_grep "31 rules: 31 ran, 0 could not run for lack of evidence, 0 failed" "$T/out"
python3 - "$C" "$KEY" > "$T/quality" <<'PY' || { fail "findings do not match the answer key"; cat "$T/quality" >&2; }
import json, sqlite3, sys
con = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
key = json.load(open(sys.argv[2]))
ids = lambda t: {r[0] for e in t["events"] for r in con.execute(
    "select id from events where source = ? and native_id = ?", (e["source"], e["native_id"]))}
technique_events = {t["id"]: ids(t) for t in key["techniques"]}
every = set().union(*technique_events.values())
start = {t["id"]: t["start"] for t in key["techniques"]}
findings = con.execute("select f.id, f.rule_id, f.severity, group_concat(fe.event_id) from findings f"
                       " join finding_events fe on fe.finding_id = f.id group by f.id").fetchall()
support = {f[0]: {int(x) for x in f[3].split(",")} for f in findings}
bad = []
# recall: each expected finding id, raised with at least one of the technique's events
expected = hit = 0
for t in key["techniques"]:
    for rule in t["expected"]["findings"]:
        expected += 1
        if any(f[1] == rule and support[f[0]] & technique_events[t["id"]] for f in findings):
            hit += 1
        else:
            bad.append("%s: no %s finding on its events" % (t["id"], rule))
# precision: findings that point at an injected technique's events
tp = [f for f in findings if support[f[0]] & every]
high = [f for f in findings if f[2] in ("high", "critical")]
high_fp = [f for f in high if not support[f[0]] & every]
for f in high_fp:
    bad.append("high finding %s (%s) on baseline events only" % (f[0], f[1]))
print("recall %d/%d expected findings = %.2f" % (hit, expected, hit / expected))
print("precision %d/%d findings on technique events = %.2f" % (len(tp), len(findings), len(tp) / len(findings)))
print("precision of high and critical %d/%d = %.2f" % (len(high) - len(high_fp), len(high),
      (len(high) - len(high_fp)) / len(high)))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
ok
grep -q "recall 15/15 expected findings = 1.00" "$T/quality" && ok || fail "recall: $(head -1 "$T/quality")"
cat "$T/quality" >&2
expect_rc 0 "$FTL" findings "$C" --severity critical
expect_grep "identity.password_spray .*19 failed sign-ins to 19 accounts from 203.0.113.66.*1 succeeded: d.okafor@example.org" "$T/out"
expect_grep "^1 finding$" "$T/out"
expect_rc 0 "$FTL" findings "$C" --rule mailbox.no_issuance_record --json
expect_eq "no_issuance_record findings" "$(wc -l < "$T/out")" 6
expect_rc 0 "$FTL" export "$C" --finding cloud.cloudtrail_stopped
expect_grep ",cloud.cloudtrail_stopped," "$T/out"
expect_eq "events behind the CloudTrail finding" "$(($(wc -l < "$T/out") - 1))" 1
expect_rc 0 "$FTL" info "$C"
expect_grep "^findings     critical=1 high=14 " "$T/out"
expect_grep "^rules        ran=31" "$T/out"
# JSON Lines: every event, valid JSON, Timesketch's three fields, the finding
# and link columns, the raw record nested where it is JSON
expect_rc 0 "$FTL" export "$C" --format jsonl -o "$T/timeline.jsonl"
python3 - "$T/timeline.jsonl" "$DOCS/opensearch-mapping.json" <<'PY' || fail "JSON Lines export"
import json, sys
n = nested = text = 0
for line in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(line)
    n += 1
    assert d["message"] and d["datetime"].endswith("Z") and d["timestamp_desc"], d
    assert isinstance(d["timestamp"], int) and d["link_state"], d
    nested += "raw" in d
    text += "raw_text" in d
    if d["native_id"] == "6b5cb722-b975-492e-a8fe-832938cb1e00":
        assert d["findings"] == ["identity.password_spray"], d
        assert d["link_state"] == "failed_signin", d
    if d["source"] == "aws_cloudtrail":
        assert isinstance(d["raw"], dict) and "eventName" in d["raw"], d
assert n == 6244 and nested + text == n and nested > 5000, (n, nested, text)
mapping = json.load(open(sys.argv[2]))["mappings"]["properties"]
assert mapping["datetime"]["type"] == "date" and mapping["raw"]["enabled"] is False
PY
ok
expect_rc 2 "$FTL" findings "$C" --severity urgent
expect_rc 0 "$FTL" rules
expect_grep "^31 rules" "$T/out"

# the same evidence imported in another order gives the same sessions
links="select e.source, e.native_id, coalesce(l.session_id, 0), l.state, coalesce(l.method, '') from events e join event_links l on l.event_id = e.id order by 1, 2"
sess="select id, state, link_method, credential, actor, first_ts, last_ts, events, ips, apps, user_agents, ip_list, app_list, user_agent_list from sessions order by id"
sql "$C" "$links" > "$T/links1"
sql "$C" "$sess" > "$T/sess1"
expect_rc 0 "$FTL" correlate -q "$C"
sql "$C" "$links" > "$T/links2"
if cmp -s "$T/links1" "$T/links2"; then ok; else fail "correlate twice: links differ"; fi
C2="$T/reordered.ftl"
expect_rc 3 "$FTL" import -q "$C2" "$INC/ual" "$INC/windows"
expect_rc 0 "$FTL" correlate -q "$C2"
expect_rc 0 "$FTL" sessions "$C2"
expect_rc 0 "$FTL" import -q "$C2" "$INC/gcp" "$INC/exchange" "$INC/entra" "$INC/azure" "$INC/aws"
expect_rc 0 "$FTL" sessions "$C2"
expect_grep "events were imported after the last" "$T/err"
expect_rc 0 "$FTL" correlate -q "$C2"
sql "$C2" "$links" > "$T/links3"
sql "$C2" "$sess" > "$T/sess3"
if cmp -s "$T/links1" "$T/links3"; then ok; else fail "another import order: links differ"; diff "$T/links1" "$T/links3" | head -5 >&2; fi
if cmp -s "$T/sess1" "$T/sess3"; then ok; else fail "another import order: sessions differ"; diff "$T/sess1" "$T/sess3" | head -5 >&2; fi

finish
