#!/usr/bin/env bash
# Builds pmconf (default preset) if needed and runs tools/bench/iut/iut_bench.mjs: pmconf's
# throughput against Node.js at batch sizes 1/10/100/1000 and fast-check's in-process figure.
# Knobs: BENCH_CASES (20000), BENCH_MAX_SIZE (300: about 10 nodes a case). About a minute.
set -euo pipefail
cd "$(dirname "$0")/../../.."
bash tools/setup.sh >/dev/null
if [ ! -x build/bin/pmconf ]; then
  cmake --preset default >/dev/null
  cmake --build --preset default --target pmconf >/dev/null
fi
exec node tools/bench/iut/iut_bench.mjs --cases "${BENCH_CASES:-20000}" --max-size "${BENCH_MAX_SIZE:-300}"
