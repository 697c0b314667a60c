// Standalone JavaScript reproducers, one per deviation: OUT/repro/<iut>/<property>[-n].mjs is the
// shrunk counterexample as plain JavaScript (reports/reproducer/reproducer.h writes it), run on
// the implementation; it prints what the spec requires next to what happened and exits 1 while the
// deviation is there (0 once it conforms, 2 if it cannot run). OUT/repro/index.json lists them,
// with what `pmconf verify-repro` needs to check each: the counterexample (a protocol v1
// Scenario) and the signature.
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
    std::string file; // relative to the output directory
    std::vector<std::string> argv; // runs it from the repository root: argv + [path of file]
    bool known = false; // listed in the expectations
    std::string scenario; // the counterexample, protocol v1 Scenario JSON
};

class ReproducerWriter {
public:
    // Writes OUT/repro/<iut>/<property>[-n].mjs; returns the entry, or nullopt and *error*. *title*
    // says in a sentence what is wrong (empty: the difference's one-line summary).
    std::optional<ReproducerEntry> write(std::filesystem::path const& out, IutEntry const&,
        std::string const& iut_version, conformance::ConformanceProperty const&,
        conformance::Deviation const&, int ordinal, std::string& error, std::string const& title = {}) const;
};

std::optional<std::string> write_reproducer_index(
    std::filesystem::path const& out, std::vector<ReproducerEntry> const&);

// Reads OUT/repro/index.json.
std::optional<std::vector<ReproducerEntry>> read_reproducer_index(
    std::filesystem::path const& out, std::string& error);

} // namespace pmconf::tools
