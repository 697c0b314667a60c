#pragma once

// Helpers for the reproducer tests: run a JavaScript file on a runtime from the repository root,
// read the PMCONF-OBSERVATION line it printed, and make a ReproducerCase for a Scenario.

#include "conformance/compare.h"
#include "conformance/scenario.h"
#include "reports/reproducer/reproducer.h"

#include <optional>
#include <string>
#include <vector>

namespace pmconf::reports::testing {

struct Ran {
    int exit_code = -1; // -1: killed or not run
    std::string out; // stdout and stderr
};

// Whether `node` is on PATH.
bool have_node();

// Runs argv + [file] in the repository root (PMCONF_SOURCE_DIR), at most *seconds*.
Ran run_file(std::vector<std::string> const& argv, std::string const& file, int seconds = 60);

// The Observation of the last PMCONF-OBSERVATION line, decoded.
std::optional<conformance::Observation> printed_observation(std::string const& out);

// A case for *scenario* on node: the model's Observation as expected and observed, and the
// difference *difference* (a made-up one when the implementation is to conform).
ReproducerCase node_case(conformance::Scenario const&, conformance::Difference const&);

// Writes the reproducer of *c* to *dir*/name.mjs and runs it on node.
Ran run_reproducer(ReproducerCase const& c, std::string const& dir, std::string const& name);

} // namespace pmconf::reports::testing
