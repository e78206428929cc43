#!/usr/bin/env bash
# Installs the Debian 12 packages ftl needs to build and test, if missing.
# Run by build.sh and test.sh. With --test, also what the tests alone need:
# Debian's chromium and Node.js with npm (unless some node and npm are there
# already) for the report's browser test, and time (/usr/bin/time) for the
# memory bounds test, valgrind for the memcheck run. With --fuzz, clang for the libFuzzer targets
# (tests/fuzz/run.sh, run by .ci/run). Needs root (or sudo) only when something is missing.
set -euo pipefail

FTL_PACKAGES=(
  gcc libc6-dev make cmake pkg-config
  libsqlite3-dev zlib1g-dev libxml2-dev libcjson-dev libssl-dev libcunit1-dev
  sqlite3 python3
)
for flag in "$@"; do
  case "$flag" in
    --test)
      FTL_PACKAGES+=(chromium time valgrind)
      if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        FTL_PACKAGES+=(nodejs npm)
      fi ;;
    --fuzz) FTL_PACKAGES+=(clang) ;;
    *) echo "deps.sh: unknown option $flag (--test, --fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${FTL_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "ftl: installing missing packages: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "ftl: run as root, or install them: apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
