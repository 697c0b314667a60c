// Turns property outcomes into the reports of a run: JUnit XML per implementation, the
// conformance matrix (Markdown and HTML), and the spec-step coverage file that `pmconf steps`
// reads. Expectations decide what is expected: a known deviation is an expected failure (a
// skipped testcase saying so), a known one not found an unexpected pass.
#pragma once

#include "conformance/properties.h"
#include "reports/junit.h"
#include "tools/expectations.h"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pmconf::tools {

struct PropertyRun {
    conformance::ConformanceProperty const* property;
    conformance::PropertyOutcome outcome;
    std::vector<std::string> reproducers; // per deviation (same order), relative to the output directory; "" when none
};

struct IutRun {
    std::string iut;          // "node", "model", "model+lose-sharing", ...
    std::string iut_version;
    std::string fault;        // the seeded fault, if any
    std::vector<std::string> command; // an --iut-cmd IUT: its argv (for the Reproduce: command)
    std::string out;          // the run's output directory (the Reproduce: command writes below it)
    std::string start_error;  // the IUT could not be started: every property is an error
    std::string stderr_tail;
    int restarts = 0;
    std::chrono::system_clock::time_point started;
    double seconds = 0;
    Expectations expectations;
    std::vector<PropertyRun> properties;
};

// What the run's results amount to, after expectations.
// Only deviations count; a finding reported under an earlier property (Deviation::same_as) counts
// once; spec questions are counted apart and never set the exit code.
struct Tally {
    int passed = 0, skipped = 0, errors = 0;
    int unexpected_deviations = 0, expected_deviations = 0, unexpected_passes = 0;
    int spec_questions = 0;
};
Tally tally(IutRun const&);

// Known deviations of *run* that it did not find again (property, signature).
std::vector<std::pair<std::string, std::string>> unexpected_passes(IutRun const&);

// Marks the findings of *latest* that an earlier property of the same IUT reported already (the
// same difference on the same minimal counterexample): Deviation::same_as.
void mark_repeated_findings(std::vector<PropertyRun> const& earlier, conformance::PropertyOutcome& latest);

// At most *limit* bytes of an IUT's stderr for a report: its end, with a note of what was cut.
std::string bounded_stderr(std::string const& text, std::size_t limit = 16 * 1024);

std::vector<reports::TestSuiteResult> junit_suites(IutRun const&, conformance::RunParams const&, std::string const& command_line);

std::string matrix_markdown(std::vector<IutRun> const&, conformance::RunParams const&, std::string const& command_line);
std::string matrix_html(std::vector<IutRun> const&, conformance::RunParams const&, std::string const& command_line);

std::string coverage_json(model::Trace const& coverage, conformance::RunParams const&, std::vector<std::string> const& iuts);

} // namespace pmconf::tools
