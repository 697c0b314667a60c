// Runs one of the spec host tools (pmconf_specgen, pmconf_check_markers) from a test.
#pragma once

#include <string>
#include <vector>

namespace pmconf::spec::test {

struct ToolRun {
    int exit_code; // -1 if it did not exit normally
    std::string output; // stdout and stderr together
};

ToolRun run_tool(std::string const& program, std::vector<std::string> const& args);

// A fixture file under spec/tests/fixtures.
std::string fixture(std::string const& name);

// A fresh path under the test output directory, unique to the running test.
std::string output_path(std::string const& name);

} // namespace pmconf::spec::test
