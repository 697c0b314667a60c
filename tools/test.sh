#!/usr/bin/env bash
# The whole test suite: set up, build with warnings as errors and run every test, then build
# with AddressSanitizer + UndefinedBehaviorSanitizer and run every test again.
# PMCONF_SKIP_SANITIZERS=1 skips the second pass (for a quick local run).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh
jobs="$(nproc 2>/dev/null || echo 2)"

echo "== build (warnings as errors) =="
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$jobs"
echo "== tests =="
ctest --preset ci -j "$jobs"

if [ "${PMCONF_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== build (ASan + UBSan) =="
  cmake --preset asan >/dev/null
  cmake --build --preset asan -j "$jobs"
  echo "== tests under ASan + UBSan =="
  ctest --preset asan -j "$jobs"
fi
