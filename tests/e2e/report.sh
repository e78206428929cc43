#!/usr/bin/env bash
# End to end: ftl report and ftl build.
#  1. the bundled incident through `ftl build`: the summary, a self-contained
#     report (CSP, nothing loaded from anywhere), byte-identical on a rerun;
#  2. hostile evidence (markup, script, quotes in user agents, mail subjects,
#     inbox rule names, a rule title, and invalid UTF-8 in a file name) is
#     escaped everywhere it appears;
#  3. in headless Chromium: no console errors, no requests, the filter
#     narrows the timeline, the hostile text shows literally and nothing runs
#     (tests/browser/report_check.cjs; a screenshot is kept in the build tree).
source "$(dirname "$0")/common.bash"

# --- 1. the bundled incident
C="$T/case.ftl"
expect_rc 3 "$FTL" build "$C" -o "$T/report.html" "$FIXTURES/incident"
expect_grep "6244 events added from 122 files (147 duplicates, 2 rejected, 2 skipped, 0 already in the case)" "$T/out"
expect_grep "sessions: 1025 (1023 linked, 2 no_issuance_record, 0 unlinkable)" "$T/out"
expect_grep "findings: 53: 1 critical, 14 high, 36 medium, 2 low, 0 info (31 rules ran, 0 could not run" "$T/out"
expect_grep "report: $T/report.html" "$T/out"
R="$T/report.html"
expect_grep "Content-Security-Policy\" content=\"default-src 'none'; script-src 'sha256-" "$R"
# nothing loaded: no src or href pointing anywhere but the page itself
if grep -Eo '(src|href)="[^"#][^"]*"' "$R" | grep -q .; then fail "the report refers to outside resources"; grep -Eo '(src|href)="[^"#][^"]*"' "$R" | head -3 >&2; else ok; fi
expect_eq "script elements" "$(grep -o '<script' "$R" | wc -l)" 2
expect_grep "mailbox.no_issuance_record" "$R"
expect_grep "identity.password_spray" "$R"
if grep -q "Rules that could not run" "$R"; then fail "all rules ran, none should be listed"; else ok; fi
# the same case gives the same bytes
expect_rc 0 "$FTL" report "$C" -o "$T/again.html"
if cmp -s "$R" "$T/again.html"; then ok; else fail "the report differs between two runs"; fi
# a limit leaves events out, and says how to get them
expect_rc 0 "$FTL" report "$C" -o "$T/small.html" --timeline-limit 100
expect_grep "This report holds 100 of the case's 6,244 events" "$T/small.html"
expect_grep "ftl export CASE --format" "$T/small.html"
python3 - "$T/small.html" <<'PY' || fail "the limited report's data"
import json, re, sys
s = open(sys.argv[1], encoding="utf-8").read()
d = json.loads(re.search(r'<script type="application/json" id="ftl-data">(.*?)</script>', s, re.S).group(1))
ev = d["events"]
assert len(ev) == 100, len(ev)
# the events behind findings come first: the spray's are there
fi = d["cols"].index("findings")
assert any(r[fi] and "identity.password_spray" in r[fi] for r in ev)
assert [r[1] for r in ev] == sorted(r[1] for r in ev)
assert len(d["sessions"]) == 1025 and d["sessions"][0][1] == "no_issuance_record"
assert d["actors"][d["sessions"][0][3]] in ("permanent.secretary@example.org", "r.castellanos@example.org")
PY
ok
expect_rc 2 "$FTL" report "$C"
expect_rc 2 "$FTL" report "$C" -o "$T/x.html" --timeline-limit 0
expect_rc 2 "$FTL" build "$T/other.ftl" "$FIXTURES/incident"

# --- 2. hostile evidence
H='"><img src=x onerror=alert(1)><script>alert("ftl")</script>'"'"'&'
E="$T/hostile"
mkdir -p "$E" "$T/rules"
python3 - "$E/ual.jsonl" "$H" <<'PY'
import json, sys
h = sys.argv[2]
recs = []
for i in range(3):
    recs.append({"CreationTime": "2023-06-18T21:%02d:00" % (10 + i), "Id": "hostile-%d" % i,
                 "Operation": "MailItemsAccessed", "RecordType": 50, "Workload": "Exchange",
                 "ResultStatus": "Succeeded", "UserId": "victim@example.org",
                 "MailboxOwnerUPN": "victim@example.org", "ClientIPAddress": "203.0.113.91",
                 "ClientInfoString": h, "AppId": "da43d749-7038-4765-824d-aa702f09c78d",
                 "OperationProperties": [{"Name": "MailAccessType", "Value": "Bind"}],
                 "Folders": [{"Path": "\\Inbox\\" + h, "FolderItems": [{"Id": "x", "InternetMessageId": h}]}]})
recs.append({"CreationTime": "2023-06-18T21:30:00", "Id": "hostile-rule", "Operation": "New-InboxRule",
             "RecordType": 1, "Workload": "Exchange", "ResultStatus": "True", "UserId": "victim@example.org",
             "ClientIP": "203.0.113.91:443", "ObjectId": h,
             "Parameters": [{"Name": "Name", "Value": h}, {"Name": "MoveToFolder", "Value": "RSS Feeds"},
                            {"Name": "ForwardTo", "Value": h}]})
with open(sys.argv[1], "w") as f:
    for r in recs:
        f.write(json.dumps(r) + "\n")
PY
printf '%s\n' "$(head -1 "$E/ual.jsonl" | sed 's/hostile-0/hostile-name/')" > "$E/evil<b>"$'\xff'".jsonl"
cat > "$T/rules/hostile.sql" <<RULE
-- id: local.hostile_title
-- title: $H
-- severity: high
SELECT ts, actor, id AS event_id, 'reason ' || user_agent AS reason FROM events WHERE native_id = 'hostile-0'
RULE
HC="$T/hostile.ftl"
expect_rc 0 "$FTL" build "$HC" -o "$T/hostile.html" --rules "$T/rules" "$E"
HR="$T/hostile.html"
expect_grep "local.hostile_title" "$HR"
# the hostile case has no sign-in logs: the rules that need them say so
expect_grep "Rules that could not run" "$HR"
# the hostile markup never appears as markup: no img, no third script
if grep -q '<img' "$HR"; then fail "hostile <img> reached the report as markup"; else ok; fi
expect_eq "script elements in the hostile report" "$(grep -o '<script' "$HR" | wc -l)" 2
expect_grep '&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(&quot;ftl&quot;)&lt;/script&gt;&#39;&amp;' "$HR"
expect_grep 'evil&lt;b&gt;'$'\xef\xbf\xbd''.jsonl' "$HR"
python3 - "$HR" "$H" <<'PY' || fail "the data block of the hostile report"
import json, re, sys
s = open(sys.argv[1], encoding="utf-8").read()
block = re.search(r'<script type="application/json" id="ftl-data">(.*?)</script>', s, re.S).group(1)
assert "<" not in block and ">" not in block
d = json.loads(block)
assert any(isinstance(v, str) and sys.argv[2] in v for r in d["events"] for v in r), "hostile text lost"
PY
ok

# --- 3. a real browser
if [ -n "${FTL_NODE_PATH:-}" ] && [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  if NODE_PATH="$FTL_NODE_PATH" node "$(dirname "$0")/../browser/report_check.cjs" "$R" \
       "$TMPROOT/../report-screenshot.png" > "$T/browser" 2>&1; then ok; else
    fail "the report in Chromium"; cat "$T/browser" >&2
  fi
  cat "$T/browser" >&2
  if NODE_PATH="$FTL_NODE_PATH" node "$(dirname "$0")/../browser/report_check.cjs" "$HR" \
       "$TMPROOT/../report-hostile-screenshot.png" "$H" > "$T/browser" 2>&1; then ok; else
    fail "the hostile report in Chromium"; cat "$T/browser" >&2
  fi
elif [ -n "${FTL_REQUIRE_BROWSER:-}" ]; then
  fail "the browser test needs chromium and playwright-core (test.sh installs them)"
else
  echo "report.sh: no chromium or playwright-core here: the browser checks did not run" >&2
fi
finish
