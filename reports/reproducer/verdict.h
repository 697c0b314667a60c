// The reproducer's verdict: the part of the Observation a deviation is about (the Difference's
// field and where), what the spec allows there (from the reference model's Observation, and its
// alternatives for an operation sequence), and `seen(o)`, which reads the same part from the
// Observation the reproducer made. The reproducer exits 1 while seen(o) is none of the allowed.
#pragma once

#include "conformance/compare.h"
#include "conformance/scenario.h"

#include <string>

namespace pmconf::reports::reproducer {

struct Verdict {
    std::string aspect; // in words: "result #0.kind (the kind of the result's node #0)"
    std::string spec; // a JavaScript array of the values the spec allows there (JSON)
    std::string seen; // `function seen(o) { ... }` and what it calls
};

Verdict verdict(conformance::Scenario const&, conformance::Observation const& reference,
    conformance::Difference const&, conformance::Observation const& observed);

} // namespace pmconf::reports::reproducer
