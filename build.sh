#!/usr/bin/env bash
# Quick start, step 1: install what is missing, build ftl, and run its main
# job on the bundled fixtures. The case file and the timeline land in out/.
set -euo pipefail
cd "$(dirname "$0")"

bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

mkdir -p out
rm -f out/case.ftl out/case.ftl-journal
# Exit status 3 means "done, with rejected records or skipped files to look
# at": the bundled fixtures include deliberately broken files.
set +e
./build/ftl import out/case.ftl fixtures
rc=$?
set -e
if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then
  exit $rc
fi
./build/ftl export out/case.ftl --format csv -o out/timeline.csv
echo
echo "case file: out/case.ftl   (ftl info out/case.ftl; sqlite3 out/case.ftl 'select * from timeline')"
echo "timeline:  out/timeline.csv ($(($(wc -l < out/timeline.csv) - 1)) events)"
