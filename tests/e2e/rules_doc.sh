#!/usr/bin/env bash
# docs/rules.md's catalogue is exactly `ftl rules --markdown`: the rules and
# their documentation cannot drift apart.
source "$(dirname "$0")/common.bash"

DOC="$(dirname "$0")/../../docs/rules.md"
expect_rc 0 "$FTL" rules --markdown
sed '1,/^<!-- generated/d' "$DOC" | sed '1{/^$/d}' > "$T/doc"
if diff -u "$T/doc" "$T/out" > "$T/diff"; then ok; else
  fail "docs/rules.md differs from 'ftl rules --markdown' (regenerate its catalogue: see the end of its preface)"
  head -20 "$T/diff" >&2
fi
# every built-in rule is in the doc, with its false-positive notes
n=$(grep -c '^### `' "$T/doc")
m=$(grep -c '^False positives: ' "$T/doc")
expect_eq "rules with false-positive notes" "$m" "$n"
finish
