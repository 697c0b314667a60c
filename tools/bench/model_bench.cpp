// Throughput of the model's structured clone on generated graphs (graph_shape.h).
//
// What is timed. structured_clone() allocates its result into the Heap it reads from, so a Heap
// reused across iterations would grow by N objects per iteration: later iterations would measure a
// different, bigger heap, and the memory would grow without bound. Each iteration therefore clones
// from a fresh copy of the graph's Heap, made (and the previous one destroyed) while the timers are
// paused. The reported time is manual time: a steady_clock reading taken right before and right
// after the measured call, so neither the copy nor PauseTiming's own cost is in it. The copy holds
// exactly the N nodes, so a clone includes growing the heap's arena once, as a first clone into a
// fresh heap does. All times come from the manual (wall) time; the CPU time Google Benchmark prints
// also counts PauseTiming's own work, so it is not used.
//
// Counters: nodes_per_s and ns_per_node follow from the manual time; cpu_ns_per_node is the
// thread's CPU time over the same calls (CLOCK_THREAD_CPUTIME_ID: on a busy machine the wall time
// also counts the time other processes ran); faults_per_node counts the minor page faults in
// them (fresh memory touched for the first time); peak_rss_MiB is the
// process's high-water mark (VmHWM) after the run, meaningful when the benchmark runs alone in its
// process (run_bench.sh does that); clone_extra_MiB is the resident memory one clone adds at its
// peak (the new objects, the Records, both memories), measured once outside the timed loop by
// resetting the high-water mark (/proc/self/clear_refs) first; steps_per_node is the number of
// PM_STEP markers per node when a Trace is installed.
//
// Before timing, every benchmark clones once and checks that the clone is a copy of the graph
// (same shape, same sharing, no object shared with the original).

#include "model/ecma262/heap.h"
#include "model/html/structured_data/with_transfer.h"
#include "model/infra/trace.h"
#include "tools/bench/graph_shape.h"

#include <benchmark/benchmark.h>
#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

using namespace pmconf;
using namespace pmconf::model::ecma262;
using pmconf::bench::Shape;
using Clock = std::chrono::steady_clock;

// ---- memory -----------------------------------------------------------------------------------

// A "VmRSS:"-style field of /proc/self/status, in KiB (0 if unreadable).
std::size_t status_kib(char const* field)
{
    std::FILE* f = std::fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    std::size_t kib = 0;
    auto const len = std::strlen(field);
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, field, len) == 0 && line[len] == ':') {
            kib = std::strtoull(line + len + 1, nullptr, 10);
            break;
        }
    }
    std::fclose(f);
    return kib;
}

// The process's peak before the high-water mark was last reset.
std::size_t g_peak_before_reset_kib = 0;

// Resets VmHWM to the current RSS (Linux 4.0+); false if the kernel refuses.
bool reset_peak_rss()
{
    g_peak_before_reset_kib = std::max(g_peak_before_reset_kib, status_kib("VmHWM"));
    std::FILE* f = std::fopen("/proc/self/clear_refs", "w");
    if (!f)
        return false;
    bool const ok = std::fputs("5", f) >= 0;
    return std::fclose(f) == 0 && ok;
}

double peak_rss_mib()
{
    return static_cast<double>(std::max(g_peak_before_reset_kib, status_kib("VmHWM"))) / 1024.0;
}

// ---- graphs -----------------------------------------------------------------------------------

struct Fixture {
    Heap heap;
    RealmId realm = 0;
    bench::BuiltGraph graph;
};

// Each graph is built once per process; the benchmark function runs several times (Google
// Benchmark grows the iteration count), and rebuilding a 1e6-node graph each time is slow.
Fixture const& fixture(Shape shape, std::size_t nodes, std::size_t objects_before = 0)
{
    static std::map<std::tuple<Shape, std::size_t, std::size_t>, std::unique_ptr<Fixture>> cache;
    auto& slot = cache[{ shape, nodes, objects_before }];
    if (!slot) {
        slot = std::make_unique<Fixture>();
        slot->realm = slot->heap.add_realm(Realm { .name = "bench" });
        slot->heap.reserve_objects(objects_before + nodes);
        for (std::size_t i = 0; i < objects_before; ++i)
            (void)slot->heap.allocate(ObjectKind::ordinary, slot->realm);
        slot->graph = bench::build_graph(shape, slot->heap, slot->realm, nodes);
    }
    return *slot;
}

// Is `copy` (in `heap`) a structured clone of `original`: the same kinds, keys and primitive
// values, the same sharing (a bijection between the nodes), and no node in common?
std::string check_copy(Heap const& heap, Value original, Value copy)
{
    std::unordered_map<std::uint32_t, std::uint32_t> to_copy, to_original;
    std::deque<std::pair<ObjectId, ObjectId>> work;
    auto same_value = [&](Value a, Value b) -> bool {
        if (a.type() != b.type())
            return false;
        if (!a.is_object()) {
            if (a.type() == ValueType::number)
                return a.as_number() == b.as_number();
            return a.table_index() == b.table_index(); // interned strings; booleans
        }
        if (a.as_object() == b.as_object())
            return false;
        auto [it, inserted] = to_copy.try_emplace(a.as_object().index, b.as_object().index);
        auto [back, back_inserted] = to_original.try_emplace(b.as_object().index, a.as_object().index);
        if (it->second != b.as_object().index || back->second != a.as_object().index)
            return false;
        if (inserted)
            work.emplace_back(a.as_object(), b.as_object());
        return inserted == back_inserted;
    };
    if (!same_value(original, copy))
        return "the root differs";
    while (!work.empty()) {
        auto const [a, b] = work.front();
        work.pop_front();
        auto const& oa = heap.object(a);
        auto const& ob = heap.object(b);
        if (oa.kind != ob.kind || oa.properties.size() != ob.properties.size())
            return "node " + std::to_string(a.index) + ": kind or property count differs";
        if (oa.kind == ObjectKind::array && slots_of<ArraySlots>(oa).length != slots_of<ArraySlots>(ob).length)
            return "node " + std::to_string(a.index) + ": array length differs";
        for (std::size_t i = 0; i < oa.properties.size(); ++i) {
            auto const& pa = oa.properties[i];
            auto const& pb = ob.properties[i];
            if (!(pa.key == pb.key) || !same_value(pa.value, pb.value))
                return "node " + std::to_string(a.index) + ": property " + std::to_string(i) + " differs";
        }
    }
    return {};
}

model::Completion<Value> clone_once(Heap& heap, Fixture const& f, model::Trace* trace)
{
    if (!trace)
        return model::html::structured_clone(heap, f.realm, f.graph.root, {});
    model::TraceScope scope(*trace);
    return model::html::structured_clone(heap, f.realm, f.graph.root, {});
}

// One untimed clone: checks the result, and measures the resident memory the clone adds at its
// peak. malloc_trim first returns freed memory to the kernel, so that the clone's allocations
// show up as new resident pages rather than reusing pages already counted.
struct CloneCheck {
    std::string error;
    double extra_mib = 0;
};

CloneCheck check_clone(Fixture const& f)
{
    Heap heap = f.heap;
    auto const objects_before = heap.object_count();
    malloc_trim(0);
    bool const reset = reset_peak_rss();
    auto const rss_before = status_kib("VmRSS");
    auto result = model::html::structured_clone(heap, f.realm, f.graph.root, {});
    auto const peak = status_kib("VmHWM");
    CloneCheck check;
    check.extra_mib = reset && peak > rss_before ? static_cast<double>(peak - rss_before) / 1024.0 : 0;
    if (result.is_throw()) {
        check.error = "structured_clone threw " + std::string(model::error_kind_name(result.thrown().kind));
        return check;
    }
    if (heap.object_count() - objects_before != f.graph.stats.nodes) {
        check.error = "the clone made " + std::to_string(heap.object_count() - objects_before) + " objects, expected "
            + std::to_string(f.graph.stats.nodes);
        return check;
    }
    check.error = check_copy(heap, f.graph.root, result.value());
    return check;
}

void set_counters(benchmark::State& state, std::size_t nodes)
{
    using benchmark::Counter;
    auto const n = static_cast<double>(nodes);
    state.counters["nodes_per_s"] = Counter(n, Counter::kIsIterationInvariantRate);
    state.counters["ns_per_node"] = Counter(n / 1e9, static_cast<Counter::Flags>(Counter::kIsIterationInvariantRate | Counter::kInvert));
    state.counters["peak_rss_MiB"] = Counter(peak_rss_mib());
}

double elapsed_seconds(Clock::time_point start, Clock::time_point end)
{
    return std::chrono::duration<double>(end - start).count();
}

// This thread's CPU time, in seconds: the measured call's CPU time is reported next to its wall
// time because on a busy machine the wall time also counts the time other processes ran.
double thread_cpu_seconds()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

long minor_page_faults()
{
    rusage usage {};
    getrusage(RUSAGE_THREAD, &usage);
    return usage.ru_minflt;
}

// Wall time (the benchmark's manual time), CPU time and page faults of the measured calls.
class CallTimer {
public:
    explicit CallTimer(benchmark::State& state) : m_state(state) { }
    void start()
    {
        m_faults_start = minor_page_faults();
        m_cpu_start = thread_cpu_seconds();
        m_start = Clock::now();
    }
    void stop()
    {
        auto const end = Clock::now();
        m_cpu_total += thread_cpu_seconds() - m_cpu_start;
        m_faults_total += minor_page_faults() - m_faults_start;
        m_state.SetIterationTime(elapsed_seconds(m_start, end));
    }
    // Per node and iteration: CPU nanoseconds, and page faults (the first touch of fresh memory,
    // whose cost is kernel time inside the CPU time).
    void set_counters(std::size_t nodes)
    {
        auto const n = static_cast<double>(nodes);
        m_state.counters["cpu_ns_per_node"] = benchmark::Counter(m_cpu_total * 1e9 / n, benchmark::Counter::kAvgIterations);
        m_state.counters["faults_per_node"] = benchmark::Counter(static_cast<double>(m_faults_total) / n,
            benchmark::Counter::kAvgIterations);
    }

private:
    benchmark::State& m_state;
    Clock::time_point m_start;
    double m_cpu_start = 0;
    double m_cpu_total = 0;
    long m_faults_start = 0;
    long m_faults_total = 0;
};

// ---- benchmarks -------------------------------------------------------------------------------

enum class TraceMode { off, counts, sequence };

void clone_benchmark(benchmark::State& state, Shape shape, TraceMode mode)
{
    auto const nodes = static_cast<std::size_t>(state.range(0));
    auto const& f = fixture(shape, nodes);
    auto const check = check_clone(f);
    if (!check.error.empty()) {
        state.SkipWithError(check.error.c_str());
        return;
    }
    std::optional<Heap> heap;
    std::optional<model::Trace> trace;
    std::uint64_t steps = 0;
    CallTimer timer(state);
    for (auto _ : state) {
        state.PauseTiming();
        heap.reset();
        trace.reset();
        heap.emplace(f.heap);
        if (mode != TraceMode::off)
            trace.emplace(mode == TraceMode::sequence);
        state.ResumeTiming();

        timer.start();
        auto result = clone_once(*heap, f, trace ? &*trace : nullptr);
        timer.stop();
        if (result.is_throw()) {
            state.SkipWithError("structured_clone threw");
            break;
        }
        benchmark::DoNotOptimize(result);
        if (trace) {
            steps = 0;
            for (auto c : trace->counts())
                steps += c;
        }
    }
    set_counters(state, nodes);
    timer.set_counters(nodes);
    state.counters["clone_extra_MiB"] = check.extra_mib;
    if (mode != TraceMode::off)
        state.counters["steps_per_node"] = static_cast<double>(steps) / static_cast<double>(nodes);
}

void BM_StructuredClone(benchmark::State& state) { clone_benchmark(state, Shape::wide, TraceMode::off); }
void BM_StructuredClone_TraceCounts(benchmark::State& state) { clone_benchmark(state, Shape::wide, TraceMode::counts); }
void BM_StructuredClone_TraceSequence(benchmark::State& state) { clone_benchmark(state, Shape::wide, TraceMode::sequence); }
void BM_StructuredClone_Deep(benchmark::State& state) { clone_benchmark(state, Shape::deep, TraceMode::off); }

// StructuredSerializeWithTransfer alone. Serializing these graphs reads the heap without
// changing it, so one copy serves every iteration; destroying the result is not timed.
void BM_Serialize(benchmark::State& state)
{
    auto const nodes = static_cast<std::size_t>(state.range(0));
    auto const& f = fixture(Shape::wide, nodes);
    Heap heap = f.heap;
    std::optional<model::Completion<model::html::SerializeWithTransferResult>> result;
    CallTimer timer(state);
    for (auto _ : state) {
        state.PauseTiming();
        result.reset();
        state.ResumeTiming();
        timer.start();
        result.emplace(model::html::structured_serialize_with_transfer(heap, f.realm, f.graph.root, {}));
        timer.stop();
        if (result->is_throw()) {
            state.SkipWithError("structured_serialize_with_transfer threw");
            break;
        }
    }
    if (heap.object_count() != f.heap.object_count())
        state.SkipWithError("serialization allocated objects");
    set_counters(state, nodes);
    timer.set_counters(nodes);
}

// StructuredDeserializeWithTransfer alone, from one serialization, into a fresh copy of the heap
// per iteration (made while the timers are paused).
void BM_Deserialize(benchmark::State& state)
{
    auto const nodes = static_cast<std::size_t>(state.range(0));
    auto const& f = fixture(Shape::wide, nodes);
    Heap source = f.heap;
    auto serialized = model::html::structured_serialize_with_transfer(source, f.realm, f.graph.root, {});
    if (serialized.is_throw()) {
        state.SkipWithError("structured_serialize_with_transfer threw");
        return;
    }
    std::optional<Heap> heap;
    CallTimer timer(state);
    for (auto _ : state) {
        state.PauseTiming();
        heap.reset();
        heap.emplace(f.heap);
        state.ResumeTiming();
        timer.start();
        auto result = model::html::structured_deserialize_with_transfer(*heap, serialized.value(), f.realm);
        timer.stop();
        if (result.is_throw()) {
            state.SkipWithError("structured_deserialize_with_transfer threw");
            break;
        }
        benchmark::DoNotOptimize(result);
    }
    set_counters(state, nodes);
    timer.set_counters(nodes);
}

// A small graph allocated after many other objects: the clone should cost the same as in a
// heap that holds only the graph (BM_StructuredClone at the same size). The heap is not reset
// between iterations (copying a million objects per iteration would dominate the run); the
// fixed iteration count bounds its growth to iterations * N objects, and room for them is
// reserved first, so that no iteration pays for moving the million objects to a bigger arena.
constexpr std::size_t objects_before_graph = 1000000;

void BM_StructuredClone_AfterMillionObjects(benchmark::State& state)
{
    auto const nodes = static_cast<std::size_t>(state.range(0));
    auto const& f = fixture(Shape::wide, nodes, objects_before_graph);
    Heap heap = f.heap;
    heap.reserve_objects(heap.object_count() + (static_cast<std::size_t>(state.max_iterations) + 1) * nodes);
    CallTimer timer(state);
    for (auto _ : state) {
        timer.start();
        auto result = model::html::structured_clone(heap, f.realm, f.graph.root, {});
        timer.stop();
        if (result.is_throw()) {
            state.SkipWithError("structured_clone threw");
            break;
        }
        benchmark::DoNotOptimize(result);
    }
    set_counters(state, nodes);
    timer.set_counters(nodes);
}

void sizes(benchmark::internal::Benchmark* b)
{
    b->Arg(1000)->Arg(10000)->Arg(100000)->Arg(1000000)->UseManualTime()->Unit(benchmark::kMicrosecond);
}

BENCHMARK(BM_StructuredClone)->Apply(sizes);
BENCHMARK(BM_StructuredClone_TraceCounts)->Apply(sizes);
BENCHMARK(BM_StructuredClone_TraceSequence)->Apply(sizes);
BENCHMARK(BM_StructuredClone_Deep)->Apply(sizes);
BENCHMARK(BM_Serialize)->Apply(sizes);
BENCHMARK(BM_Deserialize)->Apply(sizes);
BENCHMARK(BM_StructuredClone_AfterMillionObjects)->Arg(1000)->Iterations(200)->UseManualTime()->Unit(benchmark::kMicrosecond);

// --shape-stats=<wide|deep>:<nodes> prints what the generator builds, as JSON, for comparison
// with `node node_clone_bench.mjs --shape-stats ...`.
int print_shape_stats(std::string_view spec)
{
    auto const colon = spec.find(':');
    auto const shape_text = spec.substr(0, colon);
    if (colon == std::string_view::npos || (shape_text != "wide" && shape_text != "deep")) {
        std::fprintf(stderr, "usage: --shape-stats=<wide|deep>:<nodes>\n");
        return 2;
    }
    auto const shape = shape_text == "wide" ? Shape::wide : Shape::deep;
    auto const nodes = std::strtoull(std::string(spec.substr(colon + 1)).c_str(), nullptr, 10);
    Heap heap;
    auto const realm = heap.add_realm(Realm { .name = "bench" });
    auto const graph = bench::build_graph(shape, heap, realm, nodes);
    std::printf("%s\n", bench::to_json(shape, graph.stats).c_str());
    return 0;
}

// --keep-freed-memory: glibc's malloc never returns freed memory to the kernel (no mmap for
// large blocks, no trimming), as V8 keeps its heap. Every clone after the first then reuses pages
// that are already mapped, and the time measures the model rather than the kernel's page faults,
// which cost about 12 us each on a virtual machine (against well under 1 us on bare metal).
void keep_freed_memory()
{
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
}

} // namespace

int main(int argc, char** argv)
{
    std::string malloc_mode = "glibc defaults";
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        std::string_view const arg = argv[i];
        if (arg.starts_with("--shape-stats="))
            return print_shape_stats(arg.substr(std::strlen("--shape-stats=")));
        if (arg == "--keep-freed-memory") {
            keep_freed_memory();
            malloc_mode = "keeps freed memory (--keep-freed-memory)";
            continue;
        }
        argv[kept++] = argv[i];
    }
    argc = kept;
    benchmark::AddCustomContext("malloc", malloc_mode);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
