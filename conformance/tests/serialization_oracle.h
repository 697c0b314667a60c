// An independent oracle for structured cloning, written from the spec text for the tests: it walks
// a Scenario's input graph in serialization order (depth first, own enumerable string keys in
// OrdinaryOwnPropertyKeys order, a Map's key before its value, memoized so that sharing and
// cycles are kept) and predicts what a conforming clone gives — the result graph, or the first
// value that cannot be serialized and the step that rejects it — and the getter calls in order.
//
// It covers plain data, Errors, DOMException and ImageBitmap, non-serializable values, getters and
// their side effects (deleting and defining properties, detaching, deleting Map and Set entries),
// non-shared ArrayBuffers and transfer lists; anything else (shared memory, views, allocation
// failures while deserializing) is reported as out of scope, and the tests draw only from
// profiles that stay inside it.
#pragma once

#include "conformance/graph.h"
#include "conformance/observation.h"
#include "conformance/scenario.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pmconf::conformance::tests {

struct Prediction {
    enum class Status { returned, threw, out_of_scope } status = Status::returned;
    std::string out_of_scope;          // why the oracle cannot predict this scenario
    std::string error_name;            // "DataCloneError", "TypeError" or "user value"
    std::string step;                  // the catalogue id of the step that throws
    GValue thrown_value;               // for a user value; an object shows as "<object>", as in an Observation
    Graph result;                      // in canonical numbering
    std::vector<std::uint32_t> getter_calls;
    std::vector<TransferableState> transferables; // every buffer, port and bitmap of the input, afterwards
};

Prediction predict_clone(Scenario const&);

// Where an Observation differs from a (returned or threw) Prediction: the outcome, the error and
// the step that threw, the thrown value, the result graph (exactly, see graph_equality.h), the
// transferables' states and the getter calls; nullopt when they agree.
std::optional<std::string> outcome_difference(Prediction const&, Observation const&);

// ECMAScript ToString for a primitive, written out from Number::toString (radix 10).
std::u16string js_to_string(GValue const& primitive);

} // namespace pmconf::conformance::tests
