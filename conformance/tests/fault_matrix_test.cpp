// The properties against the model's seeded faults, end to end through check_property(): every
// fault is caught with a small counterexample, the fault-free model passes every property, and
// the fault-free runs cover every catalogued step.

#include "conformance/properties.h"
#include "model/infra/faults.h"
#include "spec/catalogue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace pmconf::conformance {
namespace {

constexpr std::uint64_t seed = 20261125;
constexpr std::size_t max_counterexample_nodes = 6;
constexpr std::size_t max_counterexample_operations = 8; // messaging properties: operations, not nodes

std::size_t counterexample_size(Scenario const& s)
{
    return s.mode == PassMode::operations ? s.operations.size() : s.graph.nodes.size();
}

RunParams params()
{
    RunParams p;
    p.seed = seed;
    p.max_success = 1000;
    return p;
}

std::string test_name(std::string_view name)
{
    std::string s(name);
    std::replace(s.begin(), s.end(), '-', '_');
    return s;
}

// Parameterized by the fault's name: ctest shows the parameter in the test's name.
class SeededFault : public ::testing::TestWithParam<std::string> { };

// The properties in the order to run them against a fault: those that list the fault's step first.
std::vector<ConformanceProperty const*> properties_for(model::FaultInfo const& fault)
{
    std::vector<ConformanceProperty const*> first, rest;
    for (auto const& p : conformance_properties()) {
        bool const lists = std::find(p.steps.begin(), p.steps.end(), fault.step_id) != p.steps.end();
        (lists ? first : rest).push_back(&p);
    }
    first.insert(first.end(), rest.begin(), rest.end());
    return first;
}

TEST_P(SeededFault, IsCaughtByAPropertyWithASmallCounterexample)
{
    // The properties run one after the other (1000 cases each, a failing one shrinking only its
    // first signature, from the smallest case that showed it) until one fails with a small
    // counterexample. Stopping there keeps the test bounded: running all seven against every
    // fault takes over two minutes under ASan.
    auto const& fault = model::fault_info(*model::find_fault(GetParam()));
    ModelIut iut(fault.fault);
    model::Trace coverage;
    std::string report;
    auto first_only = params();
    first_only.max_deviations = 1;
    first_only.representatives = 1;
    for (auto const* property : properties_for(fault)) {
        auto const outcome = check_property(*property, iut, first_only, coverage);
        ASSERT_NE(outcome.status, PropertyOutcome::Status::error) << property->name << ": " << outcome.error;
        if (outcome.status == PropertyOutcome::Status::failed) {
            // One deviation shrunk (spec questions aside); the others seen are listed unshrunk.
            auto const shrunk_deviation = [](Deviation const& d) { return d.shrunk && d.kind() == FindingKind::deviation; };
            ASSERT_EQ(std::count_if(outcome.deviations.begin(), outcome.deviations.end(), shrunk_deviation), 1) << property->name;
            auto const& deviation = *std::find_if(outcome.deviations.begin(), outcome.deviations.end(), shrunk_deviation);
            EXPECT_EQ(deviation.signature, deviation.difference.signature());
            auto const size = counterexample_size(deviation.scenario);
            if (size <= (deviation.scenario.mode == PassMode::operations ? max_counterexample_operations : max_counterexample_nodes))
                return;
            report += "\n  " + property->name + ": a counterexample of " + std::to_string(size)
                + (deviation.scenario.mode == PassMode::operations ? " operations: " : " nodes: ") + deviation.difference.summary();
        } else {
            report += "\n  " + property->name + ": passed " + std::to_string(outcome.cases) + " cases";
        }
    }
    FAIL() << "fault " << fault.name << " (" << fault.step_id << ": " << fault.summary
           << ") is not caught with a counterexample of at most " << max_counterexample_nodes << " nodes (or "
           << max_counterexample_operations << " operations):" << report;
}

std::vector<std::string> fault_names()
{
    std::vector<std::string> names;
    for (auto const& f : model::all_faults())
        names.emplace_back(f.name);
    return names;
}

INSTANTIATE_TEST_SUITE_P(ConformanceProperties, SeededFault, ::testing::ValuesIn(fault_names()),
    [](::testing::TestParamInfo<std::string> const& info) { return test_name(info.param); });

class FaultFreeModel : public ::testing::TestWithParam<std::string> { };

TEST_P(FaultFreeModel, PassesTheProperty)
{
    auto const* property = find_property(GetParam());
    ASSERT_NE(property, nullptr);
    ModelIut iut;
    model::Trace coverage;
    auto const outcome = check_property(*property, iut, params(), coverage);
    EXPECT_EQ(outcome.status, PropertyOutcome::Status::passed)
        << outcome.error << (outcome.deviations.empty() ? "" : outcome.deviations.front().difference.summary());
    EXPECT_EQ(outcome.cases, 1000);
}

std::vector<std::string> property_names()
{
    std::vector<std::string> names;
    for (auto const& p : conformance_properties())
        names.push_back(p.name);
    return names;
}

INSTANTIATE_TEST_SUITE_P(ConformanceProperties, FaultFreeModel, ::testing::ValuesIn(property_names()),
    [](::testing::TestParamInfo<std::string> const& info) { return test_name(info.param); });

// The properties between them reach every modelled step of every catalogue.
TEST(ConformanceProperties, FaultFreeRunsCoverEveryCatalogueStep)
{
    ModelIut iut;
    model::Trace coverage;
    for (auto const& property : conformance_properties()) {
        auto const outcome = check_property(property, iut, params(), coverage);
        ASSERT_EQ(outcome.status, PropertyOutcome::Status::passed) << property.name;
    }
    std::string uncovered;
    for (auto const& step : spec::all_steps())
        if (step.status == "modelled" && coverage.count(step.step) == 0)
            uncovered += "\n  " + std::string(step.id) + " (" + std::string(step.summary) + ")";
    EXPECT_TRUE(uncovered.empty()) << "catalogue steps no property reaches with seed " << seed << ":" << uncovered;
}

} // namespace
} // namespace pmconf::conformance
