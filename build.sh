#!/usr/bin/env bash
# Quick start, step 1: install what is missing, build ftl, and run its main
# job on the bundled incident (fixtures/incident, docs/incident.md): ftl build
# imports, correlates, runs the rules and writes the HTML report. The case
# file, the report and a CSV timeline land in out/.
set -euo pipefail
cd "$(dirname "$0")"

bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

mkdir -p out
rm -f out/case.ftl out/case.ftl-journal out/report.html
# Exit status 3 means "done, with rejected records or skipped files to look
# at": the incident holds two deliberately broken records, and its answer
# key (answers.json, ANSWERS.md) is not evidence, so it is skipped.
set +e
./build/ftl build out/case.ftl -o out/report.html fixtures/incident
rc=$?
set -e
if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then
  exit $rc
fi
./build/ftl export out/case.ftl --format csv -o out/timeline.csv
echo
echo "case file: out/case.ftl   (ftl info, ftl sessions, ftl findings out/case.ftl; sqlite3 out/case.ftl 'select * from timeline')"
echo "report:    out/report.html (open it in a browser; it needs nothing else)"
echo "timeline:  out/timeline.csv ($(($(wc -l < out/timeline.csv) - 1)) events)"
