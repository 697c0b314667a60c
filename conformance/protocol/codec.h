// The JSON encoding of protocol v1 (docs/protocol.md): Scenarios out to an IUT, Observations back.
// Decoding is strict: anything that does not fit the documented form raises a ProtocolError that
// names where (a JSON pointer) and what was expected.
#pragma once

#include "conformance/observation.h"
#include "conformance/scenario.h"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

namespace pmconf::conformance::protocol {

inline constexpr int version = 1;

class ProtocolError : public std::runtime_error {
public:
    ProtocolError(std::string where, std::string what)
        : std::runtime_error(where + ": " + what), m_where(std::move(where)) { }
    std::string const& where() const { return m_where; }

private:
    std::string m_where;
};

nlohmann::json encode_value(GValue const&);
GValue decode_value(nlohmann::json const&, std::string const& where);

nlohmann::json encode_graph(Graph const&);
Graph decode_graph(nlohmann::json const&, std::string const& where);

// Only the modes an IUT runs (structuredClone; the model-only modes raise ProtocolError).
nlohmann::json encode_scenario(Scenario const&);
Scenario decode_scenario(nlohmann::json const&, std::string const& where);

nlohmann::json encode_observation(Observation const&);
Observation decode_observation(nlohmann::json const&, std::string const& where);

} // namespace pmconf::conformance::protocol
