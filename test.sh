#!/usr/bin/env bash
# Quick start, step 2: build and run the whole test suite (unit tests,
# end-to-end tests of the ftl program, and the report in a real browser)
# under ctest.
set -euo pipefail
cd "$(dirname "$0")"

bash scripts/deps.sh --test
# playwright-core drives Debian's chromium in the report's browser test
# (tests/e2e/report.sh); it goes into the build tree, never the sources
bash scripts/browser-deps.sh build/browser
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFTL_WERROR=ON \
  -DFTL_NODE_PATH="$PWD/build/browser/node_modules" >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
cd build
ctest --output-on-failure -j"$(nproc)"
