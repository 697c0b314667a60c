// The JSON encoding of protocol v1 (docs/protocol.md): Scenarios out to an IUT, Observations back.
// Decoding is strict: anything that does not fit the documented form raises a ProtocolError that
// names where (a JSON pointer) and what was expected.
//
// This is the hot path of a run against an implementation (every case is encoded once and its
// Observation decoded once), so it streams text with RapidJSON's Writer and reads with its
// Document (tools/bench/iut/harness_bench.cpp measures both); the rest of pmconf uses nlohmann.
#pragma once

#include "conformance/observation.h"
#include "conformance/scenario.h"

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pmconf::conformance::protocol {

inline constexpr int version = 1;

class ProtocolError : public std::runtime_error {
public:
    ProtocolError(std::string where, std::string what)
        : std::runtime_error((where.empty() ? std::string("/") : where) + ": " + what), m_where(std::move(where)) { }
    std::string const& where() const { return m_where; }

private:
    std::string m_where;
};

// Text that is not JSON at all (as opposed to JSON that does not fit the protocol).
class NotJson : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One JSON document each, on one line, without the newline. Only the modes an IUT runs
// (structuredClone, messageChannel); a model-only mode raises ProtocolError.
std::string encode_scenario(Scenario const&);
std::string encode_observation(Observation const&);
std::string encode_run_request(std::uint64_t id, std::span<Scenario const>);
// What an adapter answers to a run request (for tests and benchmarks of the decoder).
std::string encode_observations_reply(std::uint64_t id, std::span<Observation const>);

// *where* prefixes the JSON pointers of errors. NotJson when the text does not parse.
Scenario decode_scenario(std::string_view text, std::string const& where = "");
Observation decode_observation(std::string_view text, std::string const& where = "");

// A reply line: {"pmconf":"observations","id":N,"observations":[...]} or
// {"pmconf":"error","id":N,"message":"..."}. NotJson when the line does not parse; ProtocolError
// when an Observation breaks the encoding. Whether the id and the count are the expected ones is
// the caller's to check.
struct Reply {
    std::string kind;            // "observations", "error", or whatever else the line said ("" if nothing)
    bool has_id = false;
    std::string id;              // the id as written (JSON), to compare and to show
    std::string message;         // of an error reply
    bool has_observations = false;
    std::vector<Observation> observations;
};
Reply decode_reply(std::string_view line);

} // namespace pmconf::conformance::protocol
