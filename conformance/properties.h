// The conformance properties: each draws Scenarios of one kind, runs them on the model and on an
// implementation, and fails on the first difference the spec does not allow, which RapidCheck
// then shrinks to a minimal Scenario.
#pragma once

#include "conformance/compare.h"
#include "conformance/generators/recipe.h"
#include "conformance/iut.h"
#include "model/infra/trace.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pmconf::conformance {

struct ConformanceProperty {
    std::string name;                      // testcase name, e.g. "round-trip-plain-data"
    std::string group;                     // algorithm group (one JUnit testsuite each), e.g. "structured-clone"
    std::string description;               // one line: what must hold
    std::vector<std::string_view> steps;   // catalogue step ids the property checks
    generators::Profile profile;
};

std::span<ConformanceProperty const> conformance_properties();
ConformanceProperty const* find_property(std::string_view name);

struct RunParams {
    std::uint64_t seed = 0;
    int max_success = 1000;
    int max_size = 100;
    std::optional<std::string> reproduce;  // a reproduce string from an earlier failure
};

struct PropertyOutcome {
    enum class Status { passed, failed, error } status = Status::passed;
    int cases = 0;                 // cases run
    int shrinks = 0;               // shrinks accepted
    double seconds = 0;
    std::string error;             // Status::error: what went wrong (an infrastructure failure)
    // Status::failed: the minimal counterexample and how the implementation differed.
    std::optional<Difference> difference;
    std::string scenario;          // the shrunk Scenario, displayed
    std::size_t scenario_nodes = 0;
    std::string expected;          // the model's Observation, displayed
    std::string observed;          // the implementation's Observation, displayed
    std::string reproduce;         // RapidCheck's reproduce string
};

// Runs one property against an implementation. The model's runs add to *coverage*.
PropertyOutcome check_property(ConformanceProperty const&, Iut&, RunParams const&, model::Trace& coverage);

} // namespace pmconf::conformance
