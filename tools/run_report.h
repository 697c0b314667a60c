// Turns property outcomes into the reports of a run: JUnit XML per implementation and the
// spec-step coverage file that `pmconf steps` reads.
#pragma once

#include "conformance/properties.h"
#include "reports/junit.h"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pmconf::tools {

struct PropertyRun {
    conformance::ConformanceProperty const* property;
    conformance::PropertyOutcome outcome;
};

struct IutRun {
    std::string iut;          // "model", "model+lose-sharing", ...
    std::string iut_version;
    std::string fault;        // the seeded fault, if any
    std::chrono::system_clock::time_point started;
    std::vector<PropertyRun> properties;
};

std::vector<reports::TestSuiteResult> junit_suites(IutRun const&, conformance::RunParams const&, std::string const& command_line);

std::string coverage_json(model::Trace const& coverage, conformance::RunParams const&, std::vector<std::string> const& iuts);

} // namespace pmconf::tools
