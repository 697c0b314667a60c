// The IUT registry (tools/adapters/iuts.json): each implementation under test by name, with the
// argv that starts it (never a shell string), how its reproducers run, and which implementation
// the reproducers select. Paths in argv are relative to the repository root, two folders above
// the registry file; the IUT runs with that root as its working directory.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pmconf::tools {

struct IutEntry {
    std::string name;               // "node", "deno", ...: report file names and --iut values
    std::vector<std::string> argv;  // the adapter process
    std::string impl = "native";    // what a reproducer selects: "native", "ungap", "core-js"
    std::vector<std::string> repro; // argv prefix that runs a reproducer file, e.g. ["node"]
    std::string description;
};

struct Registry {
    std::filesystem::path file;
    std::filesystem::path root;     // the repository root: argv paths are relative to it
    std::vector<IutEntry> iuts;
    IutEntry const* find(std::string const& name) const;
};

// Reads and checks a registry; on error, a message that names the file and what was wrong.
std::optional<Registry> load_registry(std::filesystem::path const& file, std::string& error);

// The registry pmconf uses by default: tools/adapters/iuts.json under the working directory if
// there is one, else the one in the source tree pmconf was built from.
std::filesystem::path default_registry_path();

// Whether argv[0] exists (relative to *root* when it has a '/', else on PATH); *why_not* says
// what is missing otherwise.
bool is_installed(std::vector<std::string> const& argv, std::filesystem::path const& root, std::string& why_not);

} // namespace pmconf::tools
