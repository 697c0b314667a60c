#pragma once

// Report contents shared by the unit tests and by junit_sample_writer, whose files the schema
// tests check with xmllint.

#include "reports/junit.h"

#include <chrono>
#include <string>
#include <vector>

namespace pmconf::reports::testing {

// 2026-11-24T05:00:00 UTC, the start time of every sample suite.
std::chrono::system_clock::time_point sample_start();

// One kind of hostile input and what the sanitiser must turn it into.
struct HostilePiece {
    std::string raw;
    std::string sanitised;
};

// Every kind of input that breaks a JUnit file, each with its expected marker; the valid
// characters XML allows are among them too, with themselves as the expected output.
std::vector<HostilePiece> hostile_pieces();
std::string hostile_payload(); // the raw pieces, concatenated
std::string hostile_payload_sanitised(); // their sanitised forms, concatenated

// Passed, failed, error and skipped cases with properties; deterministic (golden file).
std::vector<TestSuiteResult> ordinary_suites();
// The hostile payload in every name, message, type, text, property and stream, plus empty and
// blank names and out-of-range times.
std::vector<TestSuiteResult> hostile_suites();
// Text nodes far above the per-node cap and libxml2's 10 MB node limit, and a document far
// above the 25 MiB budget.
std::vector<TestSuiteResult> large_suites();

} // namespace pmconf::reports::testing
