#!/usr/bin/env bash
# The main job: set up, build, check every available implementation against the reference
# model, write the reports to out/ (or $PMCONF_OUT) and check them against both JUnit schemas.
# Extra arguments go to `pmconf run` (see `build/bin/pmconf run --help`).
# Exit code: pmconf's (0 nothing unexpected, 1 deviations, 2 bad usage, 3 infrastructure).
set -uo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh || exit 3
cmake --preset default >/dev/null || { echo "run: cmake configure failed" >&2; exit 3; }
cmake --build --preset default --target pmconf || { echo "run: build failed" >&2; exit 3; }

out="${PMCONF_OUT:-out}"
build/bin/pmconf run --out "$out" "$@"
status=$?
if [ "$status" -le 1 ]; then
  for report in "$out"/*.junit.xml; do
    for schema in reports/schemas/JUnit.xsd reports/schemas/junit-10.xsd; do
      xmllint --noout --nonet --schema "$schema" "$report" 2>/dev/null \
        || { echo "run: $report is not valid against $schema" >&2; exit 3; }
    done
    echo "run: $report is valid against JUnit.xsd and junit-10.xsd"
  done
  build/bin/pmconf steps --coverage "$out/coverage.json" | tail -n 1
fi
exit "$status"
