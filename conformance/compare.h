// The comparator: where an implementation's Observation differs from the model's, in a way the
// spec does not allow. What the spec leaves to implementations (an Error's stack, extra data such
// as cause) is accepted in any form.
#pragma once

#include "conformance/observation.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pmconf::conformance {

struct Difference {
    std::string field;      // which part differs: "outcome", "error-name", "result", "transferables", "getter-calls"
    std::string where;      // a path inside it, e.g. "#2.kind" or "#0[\"a\"]"
    std::string expected;   // what the model (the spec) gives there
    std::string observed;   // what the implementation gave
    std::string step;       // the catalogue step the model took there, if known
    // Open spec questions about how the model treated the message this difference is about
    // ("<issue URL or 'no issue filed'>: <the question>"); not part of the signature.
    std::vector<std::string> spec_questions {};
    // Mode operations: the allowed Observation it was compared with (0: the model's own, i: its
    // alternatives[i - 1]): the one nearest to the implementation's.
    std::size_t reference_index = 0;
    std::string signature() const; // field + kind of difference + step: one per distinct deviation
    std::string summary() const;   // one line
};

// What the implementation chose where the spec leaves a choice, as short descriptions (e.g.
// "Error clones carry the own property \"stack\""), for the report's information.
using Choices = std::set<std::string>;

// *choices*, when given, collects the choices the implementation made in this Observation.
std::optional<Difference> compare_observations(Observation const& reference, Observation const& observed, Choices* choices = nullptr);

// For a Scenario of mode operations (compare_observations calls it when the reference has
// outcomes): the outcomes one by one, then each target's events in order; the implementation
// conforms when it gives the reference or any of its alternatives.
std::optional<Difference> compare_operations(Observation const& reference, Observation const& observed, Choices* choices = nullptr);

} // namespace pmconf::conformance
