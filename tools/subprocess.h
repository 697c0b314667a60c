// Runs a command to completion and captures what it printed: for reproducers and other short
// programs (the IUTs themselves are long-lived; see conformance/process_iut.h).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pmconf::tools {

struct Completed {
    std::optional<int> exit_code;   // when it exited
    std::optional<int> signal;      // when a signal ended it
    bool timed_out = false;         // killed at the timeout
    std::string out, err;           // each bounded to its last 1 MiB
    std::string start_error;        // it could not be started
    std::string describe() const;   // "exited with status 1", "killed by signal 6 (SIGABRT)", ...
};

Completed run_to_completion(std::vector<std::string> const& argv, std::filesystem::path const& cwd, std::chrono::milliseconds timeout);

} // namespace pmconf::tools
