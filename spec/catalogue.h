// The spec catalogue as data: every catalogued step of every modelled algorithm, with its id,
// anchor, kind and status. The tables and the StepId constants (spec/steps.gen.h,
// pmconf::spec::steps::<algorithm namespace>::s<path>) are generated from spec/catalogue/*.json.
#pragma once

#include "spec/steps.gen.h"

#include <optional>
#include <span>
#include <string_view>

namespace pmconf::spec {

// The revision of a specification the catalogue was read from.
struct SpecSnapshot {
    std::string_view name; // "html": the first part of every step id
    std::string_view title; // "HTML Standard"
    std::string_view repository; // "whatwg/html"
    std::string_view file; // "source"
    std::string_view commit; // 40 hex digits
    std::string_view date; // YYYY-MM-DD
};

struct StepInfo {
    StepId step;
    std::string_view id; // "html:structuredserializeinternal:13.1.1"
    std::string_view spec; // "html"
    std::string_view algorithm_key; // "structuredserializeinternal"
    std::string_view algorithm_name; // "StructuredSerializeInternal"
    std::string_view algorithm_namespace; // "structured_serialize_internal"
    std::string_view path; // "13.1.1", "14/catch"
    std::string_view anchor; // the algorithm's anchor URL
    std::string_view kind; // let, set, if, else-if, else, for-each, action, return, assert, throw, catch, ...
    std::string_view throws; // "DataCloneError", "RangeError", "TypeError", or "" if none
    std::string_view status; // "modelled" or "not-modelled:<reason>"
    std::string_view issue; // spec issue URL, or ""
    // An open question about the step's text, in our words, or "": where the model follows a text
    // that an issue disputes, or that engines and web-platform-tests all read otherwise. A finding
    // that rests on such a step is a spec question, not a deviation.
    std::string_view question;
    std::string_view summary; // one line, in our own words
    bool propagates; // the step rethrows an abrupt completion ("?")
};

struct AlgorithmInfo {
    std::string_view key, name, ns, anchor, spec;
    std::span<StepInfo const> steps; // in document order
};

// All steps, in catalogue order: all_steps()[id.index].step == id.
std::span<StepInfo const> all_steps();

// The step's row. A StepId not made by steps.gen.h or find_step() is a defect: it aborts.
StepInfo const& step_info(StepId step);

// By id ("html:structuredserializeinternal:13.1.1"); nullopt if there is no such step.
std::optional<StepId> find_step(std::string_view id);

std::span<SpecSnapshot const> snapshots();

// In catalogue order; their step spans partition all_steps().
std::span<AlgorithmInfo const> algorithms();

} // namespace pmconf::spec
