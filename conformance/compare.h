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

// What a difference is, as a finding (never mixed in a report or a count):
// - a deviation: the spec's steps rule the implementation's behaviour out;
// - a spec question: the model's verdict rests on a step whose text is in question (the step has
//   a `question` in the catalogue: an open issue, or a literal reading that engines and
//   web-platform-tests all contradict), or on anything downstream of such a message or port.
// What the spec allows (a choice) is never a Difference: it goes into Choices.
enum class FindingKind : std::uint8_t { deviation, spec_question };
char const* finding_kind_name(FindingKind); // "deviation", "spec question"

struct Difference {
    std::string field;      // which part differs: "outcome", "error-name", "result", "transferables", "getter-calls"
    std::string where;      // a path inside it, e.g. "#2.kind" or "#0[\"a\"]"
    std::string expected;   // what the model (the spec) gives there
    std::string observed;   // what the implementation gave
    std::string step;       // the catalogue step the model took there, if known
    // The catalogue steps (ids) whose text in question this difference rests on; empty for a
    // deviation. Part of the signature: the same difference with and without a question is two
    // findings.
    std::vector<std::string> spec_questions {};
    // Mode operations: the allowed Observation it was compared with (0: the model's own, i: its
    // alternatives[i - 1]): the one nearest to the implementation's.
    std::size_t reference_index = 0;
    FindingKind kind() const { return spec_questions.empty() ? FindingKind::deviation : FindingKind::spec_question; }
    std::string signature() const; // field + kind of difference + step (+ the questions): one per distinct finding
    std::string summary() const;   // one line
};

// The question a catalogue step raises, as a line for reports: "<issue URL, or 'no issue filed'>:
// <the question>" (empty for a step without one).
std::string spec_question_text(std::string const& step_id);

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
