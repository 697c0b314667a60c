#pragma once

// JUnit XML for CI systems: one document that validates against both gating schemas
// (reports/schemas/JUnit.xsd, the Ant schema, and reports/schemas/junit-10.xsd, the Jenkins
// xUnit plugin's), whatever bytes the inputs hold. See reports/README.md for the guarantees.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace pmconf::reports {

enum class Outcome { passed, failed, error, skipped };

// Every member has a default, so designated initializers may leave any of them out.
struct TestCaseResult {
    std::string name {};
    std::string classname {}; // empty: "<package>.<suite name>"
    double seconds = 0;
    Outcome outcome = Outcome::passed;
    std::string message {}; // one-line summary, the `message` attribute; empty: the text's first line
    std::string type {}; // failed/error only, e.g. pmconf.Deviation, pmconf.IutCrashed
    std::string text {}; // the full body: summary line, counterexample, reproducer, seed
};

struct TestSuiteResult {
    std::string package {}; // e.g. pmconf.model
    std::string name {}; // e.g. structured-clone
    std::string hostname {}; // empty: "localhost"
    std::chrono::system_clock::time_point started {}; // written in UTC, to the second
    double seconds = 0;
    std::vector<std::pair<std::string, std::string>> properties {};
    std::vector<TestCaseResult> cases {};
    std::string system_out {};
    std::string system_err {};
};

// Sizes are in bytes of sanitised text (before XML escaping).
struct JunitLimits {
    std::size_t text_node_bytes = std::size_t { 1 }
        << 20; // each failure/error/skipped body, system-out, system-err
    std::size_t attribute_bytes = 4096; // message, type, property value
    std::size_t name_bytes = 1024; // names, classnames, package, hostname, property names
    // The whole file. When the first rendering is larger, the text nodes are cut further, the
    // longest first, and each suite gets the property pmconf.report.truncated. Best effort: the
    // attributes and a 1 KiB floor per text node are never cut.
    std::size_t document_bytes = std::size_t { 25 } << 20;
};

// The whole document, UTF-8, starting with <?xml version="1.0" encoding="UTF-8"?>.
std::string render_junit(std::span<TestSuiteResult const> suites, JunitLimits const& limits = {});

// render_junit, written with write_file_atomically. nullopt on success, else what failed.
std::optional<std::string> write_junit_file(std::filesystem::path const& path,
    std::span<TestSuiteResult const> suites, JunitLimits const& limits = {});

} // namespace pmconf::reports
