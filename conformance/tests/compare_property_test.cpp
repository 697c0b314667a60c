// compare_observations(): no difference between equal observations; any single change reported.

#include "conformance/compare.h"
#include "conformance/model_runner.h"
#include "conformance/tests/property_support.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace pmconf::conformance::tests {
namespace {

// A primitive that is not SameValue to v.
GValue other_than(GValue const& v)
{
    if (std::holds_alternative<Undefined>(v))
        return Null {};
    return Undefined {};
}

RC_GTEST_PROP(CompareObservations, AnObservationEqualsItself, ())
{
    auto const scenario = draw_scenario_of_any_profile();
    auto const observed = run_on_model(scenario);
    auto const copy = observed;
    auto const d = compare_observations(observed, copy);
    if (d)
        RC_FAIL(d->summary());
    RC_ASSERT(!compare_observations(observed, observed));
}

enum class Mutation {
    property_value,
    node_kind,
    drop_node,
    root,
    error_name,
    error_is_dom_exception,
    thrown_value,
    outcome,
    transferable_detached,
    transferable_byte_length,
    getter_calls,
};

std::string mutation_name(Mutation m)
{
    static char const* const names[] = { "property value", "node kind", "drop a node", "root", "error name",
        "error is a DOMException", "thrown value", "outcome", "transferable detached", "transferable byteLength",
        "getter calls" };
    return names[static_cast<int>(m)];
}

// How RapidCheck shows a drawn Mutation in a counterexample.
[[maybe_unused]] void showValue(Mutation m, std::ostream& out) { out << mutation_name(m); }

// Every single mutation of an observation is a reported difference.
RC_GTEST_PROP(CompareObservations, EverySingleMutationIsReported, ())
{
    auto const scenario = draw_scenario_of_any_profile();
    auto const reference = run_on_model(scenario);
    auto const& result = reference.result;

    std::vector<Mutation> applicable { Mutation::outcome };
    if (reference.threw) {
        applicable.push_back(Mutation::error_name);
        // A DataCloneError must be a DOMException: a plain Error named "DataCloneError" is not one.
        applicable.push_back(Mutation::error_is_dom_exception);
        if (reference.error_name == "user value")
            applicable.push_back(Mutation::thrown_value);
    } else {
        applicable.push_back(Mutation::root);
        if (!result.nodes.empty()) {
            applicable.push_back(Mutation::node_kind);
            applicable.push_back(Mutation::drop_node);
        }
        for (auto const& n : result.nodes)
            if (!n.properties.empty()) {
                applicable.push_back(Mutation::property_value);
                break;
            }
    }
    if (!reference.transferables.empty()) {
        applicable.push_back(Mutation::transferable_detached);
        applicable.push_back(Mutation::transferable_byte_length);
    }
    if (!reference.getter_calls.empty())
        applicable.push_back(Mutation::getter_calls);

    auto const mutation = *rc::gen::elementOf(applicable);
    RC_TAG(mutation_name(mutation));
    Observation mutated = reference;
    switch (mutation) {
    case Mutation::property_value: {
        std::vector<std::pair<std::size_t, std::size_t>> slots;
        for (std::size_t i = 0; i < result.nodes.size(); ++i)
            for (std::size_t j = 0; j < result.nodes[i].properties.size(); ++j)
                slots.emplace_back(i, j);
        auto const [i, j] = *rc::gen::elementOf(slots);
        auto& value = mutated.result.nodes[i].properties[j].value;
        value = other_than(value);
        break;
    }
    case Mutation::node_kind: {
        auto const i = *rc::gen::inRange<std::size_t>(0, result.nodes.size());
        auto const shift = *rc::gen::inRange(1, node_kind_count);
        auto& kind = mutated.result.nodes[i].kind;
        kind = static_cast<NodeKind>((static_cast<int>(kind) + shift) % node_kind_count);
        break;
    }
    case Mutation::drop_node: {
        auto const i = *rc::gen::inRange<std::size_t>(0, result.nodes.size());
        mutated.result.nodes.erase(mutated.result.nodes.begin() + static_cast<std::ptrdiff_t>(i));
        break;
    }
    case Mutation::root: mutated.result.root = other_than(result.root); break;
    case Mutation::error_name: mutated.error_name += "X"; break;
    case Mutation::error_is_dom_exception: mutated.error_is_dom_exception = !mutated.error_is_dom_exception; break;
    case Mutation::thrown_value: mutated.thrown_value = other_than(reference.thrown_value); break;
    case Mutation::outcome:
        mutated.threw = !mutated.threw;
        if (mutated.threw)
            mutated.error_name = "DataCloneError";
        break;
    case Mutation::transferable_detached: {
        auto const i = *rc::gen::inRange<std::size_t>(0, reference.transferables.size());
        mutated.transferables[i].detached = !mutated.transferables[i].detached;
        break;
    }
    case Mutation::transferable_byte_length: {
        auto const i = *rc::gen::inRange<std::size_t>(0, reference.transferables.size());
        mutated.transferables[i].byte_length += 1;
        break;
    }
    case Mutation::getter_calls: mutated.getter_calls.pop_back(); break;
    }
    RC_LOG() << "mutated: " << to_display(mutated) << "\n";
    RC_ASSERT(compare_observations(reference, mutated).has_value());
}

} // namespace
} // namespace pmconf::conformance::tests
