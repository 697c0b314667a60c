// The harness's own work per case, without an implementation: what pmconf spends on its side of
// `pmconf run --iut X` for each case, split into its stages. The IUT's reply is the model's own
// Observation, encoded as an adapter would send it, so decoding and comparing do their full work.
//
//   build/bin/harness_bench [--benchmark_filter=...]  (arguments: max size, as `pmconf run --max-size`)
//
// Stages, one benchmark each, then all of them in one ("case"):
//   draw     a recipe from rc::Random and the Scenario built from it
//   model    the model's Observation of the Scenario, with the coverage trace pmconf keeps
//   encode   the Scenario as a protocol line (batches of 100)
//   decode   a reply line (batches of 100) back into Observations
//   compare  the comparator on a decoded Observation and the model's
// Counters: us_per_case, nodes_per_case (the value graph's objects, as pmconf counts them) and
// values_per_case (objects + properties + Map and Set entries).
//
// At 100k cases/s against an IUT, the harness has 10 us a case on its core.

#include "conformance/compare.h"
#include "conformance/generators/rc_generators.h"
#include "conformance/model_runner.h"
#include "conformance/properties.h"
#include "conformance/protocol/codec.h"

#include <benchmark/benchmark.h>
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace {

using namespace pmconf;
using namespace pmconf::conformance;

constexpr int cases_per_set = 1000;
constexpr std::size_t batch = 100;

struct CaseSet {
    std::vector<Scenario> scenarios;
    std::vector<Observation> references;
    std::vector<std::string> request_lines;
    std::vector<std::string> reply_lines;
    double nodes = 0;
    double values = 0;
};

ConformanceProperty const& bench_property()
{
    auto const* p = find_property("round-trip-plain-data");
    if (!p) {
        std::fprintf(stderr, "harness_bench: no property round-trip-plain-data\n");
        std::exit(1);
    }
    return *p;
}

Scenario draw(rc::Gen<generators::ScenarioRecipe> const& gen, generators::Profile const& profile, int index, int max_size)
{
    auto recipe = gen(rc::Random(rc::Random::Key { 7, 11, static_cast<std::uint64_t>(index), 13 }), index % (max_size + 1));
    return generators::build_scenario(recipe.value(), profile);
}

std::string request_line(std::vector<Scenario> const& scenarios, std::size_t first, std::size_t n, int id)
{
    return protocol::encode_run_request(static_cast<std::uint64_t>(id), std::span(scenarios).subspan(first, n));
}

std::string reply_line(std::vector<Observation> const& observations, std::size_t first, std::size_t n, int id)
{
    return protocol::encode_observations_reply(static_cast<std::uint64_t>(id), std::span(observations).subspan(first, n));
}

std::vector<Observation> decode_reply(std::string const& line) { return protocol::decode_reply(line).observations; }

double count_nodes(Scenario const& s) { return static_cast<double>(s.graph.nodes.size()); }

// Objects, plus every property, Map entry and Set entry: the values a clone copies.
double count_values(Scenario const& s)
{
    double n = 0;
    for (auto const& node : s.graph.nodes)
        n += 1 + static_cast<double>(node.properties.size() + node.map_entries.size() + node.set_entries.size());
    return n;
}

CaseSet const& case_set(int max_size)
{
    static std::map<int, CaseSet> sets;
    auto [it, fresh] = sets.try_emplace(max_size);
    if (!fresh)
        return it->second;
    auto& set = it->second;
    auto const& property = bench_property();
    auto const gen = generators::scenario_recipe(property.profile);
    for (int i = 0; i < cases_per_set; ++i) {
        set.scenarios.push_back(draw(gen, property.profile, i, max_size));
        set.references.push_back(run_on_model(set.scenarios.back()));
        set.nodes += count_nodes(set.scenarios.back());
        set.values += count_values(set.scenarios.back());
    }
    for (std::size_t first = 0; first < set.scenarios.size(); first += batch) {
        set.request_lines.push_back(request_line(set.scenarios, first, batch, static_cast<int>(first)));
        set.reply_lines.push_back(reply_line(set.references, first, batch, static_cast<int>(first)));
    }
    set.nodes /= cases_per_set;
    set.values /= cases_per_set;
    return set;
}

void finish(benchmark::State& state, CaseSet const& set, double cases)
{
    state.SetItemsProcessed(static_cast<std::int64_t>(cases));
    state.counters["us_per_case"] = benchmark::Counter(cases * 1e-6, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.counters["nodes_per_case"] = set.nodes;
    state.counters["values_per_case"] = set.values;
}

void BM_Draw(benchmark::State& state)
{
    auto const max_size = static_cast<int>(state.range(0));
    auto const& set = case_set(max_size);
    auto const& property = bench_property();
    auto const gen = generators::scenario_recipe(property.profile);
    int i = 0;
    for (auto _ : state)
        benchmark::DoNotOptimize(draw(gen, property.profile, i++ % cases_per_set, max_size));
    finish(state, set, static_cast<double>(state.iterations()));
}

void BM_Model(benchmark::State& state)
{
    auto const& set = case_set(static_cast<int>(state.range(0)));
    model::Trace coverage;
    std::size_t i = 0;
    for (auto _ : state)
        benchmark::DoNotOptimize(run_on_model(set.scenarios[i++ % set.scenarios.size()], model::Fault::none, &coverage));
    finish(state, set, static_cast<double>(state.iterations()));
}

void BM_Encode(benchmark::State& state)
{
    auto const& set = case_set(static_cast<int>(state.range(0)));
    std::size_t first = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(request_line(set.scenarios, first, batch, 1));
        first = (first + batch) % set.scenarios.size();
    }
    finish(state, set, static_cast<double>(state.iterations() * batch));
}

void BM_Decode(benchmark::State& state)
{
    auto const& set = case_set(static_cast<int>(state.range(0)));
    std::size_t line = 0;
    for (auto _ : state)
        benchmark::DoNotOptimize(decode_reply(set.reply_lines[line++ % set.reply_lines.size()]));
    finish(state, set, static_cast<double>(state.iterations() * batch));
}

void BM_Compare(benchmark::State& state)
{
    auto const& set = case_set(static_cast<int>(state.range(0)));
    std::vector<Observation> decoded;
    for (auto const& line : set.reply_lines)
        for (auto& o : decode_reply(line))
            decoded.push_back(std::move(o));
    std::size_t i = 0;
    for (auto _ : state) {
        auto const k = i++ % decoded.size();
        Choices choices;
        auto difference = compare_observations(set.references[k], decoded[k], &choices);
        if (difference) {
            state.SkipWithError(("the model's own Observation differs after the round trip: " + difference->summary()).c_str());
            break;
        }
        benchmark::DoNotOptimize(choices);
    }
    finish(state, set, static_cast<double>(state.iterations()));
}

// Everything pmconf does for a case, batched as in a run.
void BM_Case(benchmark::State& state)
{
    auto const max_size = static_cast<int>(state.range(0));
    auto const& set = case_set(max_size);
    auto const& property = bench_property();
    auto const gen = generators::scenario_recipe(property.profile);
    model::Trace coverage;
    int index = 0;
    std::size_t line = 0;
    for (auto _ : state) {
        std::vector<Scenario> scenarios;
        std::vector<Observation> references;
        for (std::size_t k = 0; k < batch; ++k) {
            scenarios.push_back(draw(gen, property.profile, index++ % cases_per_set, max_size));
            references.push_back(run_on_model(scenarios.back(), model::Fault::none, &coverage));
        }
        benchmark::DoNotOptimize(request_line(scenarios, 0, batch, 1));
        // The reply the IUT would send for these cases (the set's lines hold the same cases).
        auto observed = decode_reply(set.reply_lines[line]);
        line = (line + 1) % set.reply_lines.size();
        for (std::size_t k = 0; k < batch; ++k) {
            Choices choices;
            benchmark::DoNotOptimize(compare_observations(references[k], observed[k], &choices));
        }
    }
    finish(state, set, static_cast<double>(state.iterations() * batch));
}

BENCHMARK(BM_Draw)->Arg(10)->Arg(30)->Arg(100)->Arg(300);
BENCHMARK(BM_Model)->Arg(10)->Arg(30)->Arg(100)->Arg(300);
BENCHMARK(BM_Encode)->Arg(10)->Arg(30)->Arg(100)->Arg(300);
BENCHMARK(BM_Decode)->Arg(10)->Arg(30)->Arg(100)->Arg(300);
BENCHMARK(BM_Compare)->Arg(10)->Arg(30)->Arg(100)->Arg(300);
BENCHMARK(BM_Case)->Arg(10)->Arg(30)->Arg(100)->Arg(300);

} // namespace

int main(int argc, char** argv)
{
    // As pmconf's main does (tools/pmconf.cpp): freed memory stays in the process.
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 2;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
