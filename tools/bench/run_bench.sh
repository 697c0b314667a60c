#!/usr/bin/env bash
# Structured clone throughput: the model (model_bench, Google Benchmark) against node's
# structuredClone (node_clone_bench.mjs) on the same generated graphs; see README.md.
#
#   bash tools/bench/run_bench.sh
#
# Environment (all optional):
#   BENCH_SIZES        node counts                      (default "1000 10000 100000 1000000")
#   BENCH_REPETITIONS  model repetitions per benchmark  (default 5; the table shows medians)
#   BENCH_MIN_TIME     model seconds per repetition     (default 0.5)
#   BENCH_NODE_REPS    node timed batches               (default 7)
#   NODE               the JavaScript runtime           (default node)
#   BENCH_BUILD_DIR    an already configured build tree (default build, configured with the
#                      default preset if needed)
#
# Each model benchmark runs at each size in a process of its own, so that the process's peak RSS
# belongs to that benchmark alone. The results (JSON) stay in build/bench/.
set -euo pipefail

fail() {
    echo "run_bench.sh: $*" >&2
    exit 1
}

cd "$(dirname "$0")/../.." || fail "cannot find the repository root"
{ [ -f tools/bench/model_bench.cpp ] && [ -f CMakePresets.json ]; } || fail "run this from the pmconf repository (bash tools/bench/run_bench.sh)"

SIZES=${BENCH_SIZES:-"1000 10000 100000 1000000"}
REPS=${BENCH_REPETITIONS:-5}
MIN_TIME=${BENCH_MIN_TIME:-0.5}
NODE_REPS=${BENCH_NODE_REPS:-7}
NODE=${NODE:-node}
BUILD=${BENCH_BUILD_DIR:-build}
OUT=$BUILD/bench
BENCH=$BUILD/bin/model_bench

command -v "$NODE" > /dev/null || fail "'$NODE' not found (set NODE=...)"
grep -q '^add_subdirectory(bench)' tools/CMakeLists.txt || fail "tools/CMakeLists.txt does not add_subdirectory(bench)"

# Build (configuring first if build/ is not configured yet).
mkdir -p "$OUT"
if [ ! -f "$BUILD/build.ninja" ]; then
    [ "$BUILD" = build ] || fail "$BUILD is not a configured build tree"
    echo "configuring $BUILD (cmake --preset default) ..."
    cmake --preset default > "$OUT/configure.log" 2>&1 || fail "cmake --preset default failed; see $OUT/configure.log"
fi
echo "building model_bench ..."
cmake --build "$BUILD" --target model_bench > "$OUT/build.log" 2>&1 || fail "the build failed; see $OUT/build.log"
[ -x "$BENCH" ] || fail "$BENCH was not built"
rm -f "$OUT"/*.json

# The two generators must build the same graphs.
for n in $SIZES; do
    for shape in wide deep; do
        model_stats=$("$BENCH" --shape-stats="$shape:$n") || fail "model_bench --shape-stats=$shape:$n failed"
        node_stats=$("$NODE" tools/bench/node_clone_bench.mjs --shape-stats "$shape:$n") || fail "node_clone_bench.mjs --shape-stats $shape:$n failed"
        [ "$model_stats" = "$node_stats" ] || fail "the C++ and JavaScript generators disagree on $shape:$n:
  model: $model_stats
  node:  $node_stats"
    done
done
echo "generators agree on every shape and size"

# The model runs with --keep-freed-memory (malloc keeps what is freed, as V8 keeps its heap: the
# time is the model's, not the kernel's page faults, which cost ~12 us each on the virtual machine
# of the README's figures); the "cold" runs repeat the clone with glibc's defaults.
run_model() { # benchmark nodes [cold]
    local file="$OUT/$1.${3:+cold.}$2.json"
    local malloc=--keep-freed-memory
    [ -n "${3:-}" ] && malloc=
    # shellcheck disable=SC2086 # $malloc is no argument or one
    "$BENCH" $malloc --benchmark_filter="^$1/$2/" --benchmark_format=json --benchmark_repetitions="$REPS" \
        --benchmark_report_aggregates_only=true --benchmark_min_time="$MIN_TIME" > "$file" 2> "$file.stderr" \
        || fail "model_bench $1/$2 ${3:-} failed; see $file.stderr"
    grep -q '"error_occurred": true' "$file" && fail "model_bench $1/$2 ${3:-} reported an error; see $file"
    grep -q '"name"' "$file" || fail "model_bench $1/$2 ${3:-} ran no benchmark; see $file"
    return 0
}

run_node() { # shape nodes
    local file="$OUT/node.$1.$2.json"
    "$NODE" tools/bench/node_clone_bench.mjs --shape "$1" --nodes "$2" --reps "$NODE_REPS" > "$file" 2> "$file.stderr" \
        || fail "node_clone_bench.mjs --shape $1 --nodes $2 failed; see $file.stderr"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for n in $SIZES; do
    echo "nodes = $n ..."
    for benchmark in BM_StructuredClone BM_StructuredClone_TraceCounts BM_StructuredClone_TraceSequence BM_Serialize BM_Deserialize; do
        run_model "$benchmark" "$n"
    done
    run_model BM_StructuredClone "$n" cold
    run_node wide "$n"
    run_model BM_StructuredClone_Deep "$n"
    run_model BM_StructuredClone_Deep "$n" cold
    run_node deep "$n"
done
run_model BM_StructuredClone_AfterMillionObjects 1000
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "$(nproc) cores, load average $load_before before / $load_after after; $("$NODE" --version 2>/dev/null || echo "$NODE"); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo
# shellcheck disable=SC2086 # the sizes are separate arguments
"$NODE" tools/bench/bench_table.mjs "$OUT" $SIZES || fail "could not summarise the results in $OUT"
