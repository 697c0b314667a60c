// Standalone JavaScript reproducers, one per deviation: OUT/repro/<iut>/<property>.mjs builds the
// shrunk counterexample, runs it on the implementation, prints what the spec requires next to what
// happened, and exits 1 while the deviation is there (0 once it conforms, 2 if it cannot run).
// They are made from tools/adapters/repro/template.mjs with the adapter's library inlined, so a
// reproducer needs nothing but the runtime (and, for a polyfill, its package).
#pragma once

#include "conformance/properties.h"
#include "tools/iut_registry.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pmconf::tools {

struct ReproducerEntry {
    std::string iut;
    std::string property;
    std::string signature;
    std::string file;                 // relative to the output directory
    std::vector<std::string> argv;    // runs it from the repository root: argv + [path of file]
    bool known = false;               // listed in the expectations
};

class ReproducerWriter {
public:
    // Reads the template and the library from the registry's repository root.
    static std::optional<ReproducerWriter> load(std::filesystem::path const& root, std::string& error);

    // Writes OUT/repro/<iut>/<name>.mjs; returns the entry, or nullopt and *error*.
    std::optional<ReproducerEntry> write(std::filesystem::path const& out, IutEntry const&, std::string const& iut_version,
        conformance::ConformanceProperty const&, conformance::Deviation const&, int ordinal, std::string& error) const;

private:
    std::string m_template;
    std::string m_core;
};

std::optional<std::string> write_reproducer_index(std::filesystem::path const& out, std::vector<ReproducerEntry> const&);

// Reads OUT/repro/index.json.
std::optional<std::vector<ReproducerEntry>> read_reproducer_index(std::filesystem::path const& out, std::string& error);

} // namespace pmconf::tools
