#!/usr/bin/env bash
# Installs playwright-core (the version tests/browser/package.json pins) into
# DIR/node_modules, unless it is there already. The report's browser test
# drives Debian's chromium with it (tests/browser/report_check.cjs).
set -euo pipefail
dir="${1:?usage: scripts/browser-deps.sh DIR}"
src="$(cd "$(dirname "$0")/../tests/browser" && pwd)"
want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dependencies"]["playwright-core"])' "$src/package.json")
have=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' \
       "$dir/node_modules/playwright-core/package.json" 2>/dev/null || true)
if [ "$have" = "$want" ]; then
  exit 0
fi
mkdir -p "$dir"
cp "$src/package.json" "$dir/package.json"
echo "ftl: installing playwright-core $want into $dir" >&2
(cd "$dir" && npm install --no-audit --no-fund --silent) >&2
