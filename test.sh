#!/usr/bin/env bash
# Quick start, step 2: build and run the whole test suite (unit tests and
# end-to-end tests of the ftl program) under ctest.
set -euo pipefail
cd "$(dirname "$0")"

bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFTL_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
cd build
ctest --output-on-failure -j"$(nproc)"
