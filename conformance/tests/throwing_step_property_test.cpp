// Throws and the catalogue: a run throws exactly when it reaches a step that throws, and that
// step is the last one the trace records.

#include "conformance/model_runner.h"
#include "conformance/tests/property_support.h"
#include "spec/catalogue.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <string_view>

namespace pmconf::conformance::tests {
namespace {

// A step that is entered only to throw: a branch (else-if / else) or a catch whose row says it
// throws, or a step of kind throw. Reaching one means the run throws there.
bool throws_whenever_reached(spec::StepInfo const& s)
{
    if (s.kind == "throw" || s.kind == "catch")
        return true;
    return !s.throws.empty() && (s.kind == "else-if" || s.kind == "else");
}

// The Web IDL conversion of the transfer list to sequence<object> rejects a non-object before
// any catalogued step runs.
bool transfer_has_a_non_object(Scenario const& s)
{
    for (auto const& t : s.transfer) {
        auto const* r = std::get_if<NodeRef>(&t);
        if (!r || s.graph.nodes[r->node].kind == NodeKind::symbol)
            return true;
    }
    return false;
}

// Checks every throwing row of the catalogue (html:structuredserializeinternal:5, :13.1.1,
// :13.1.2, :13.2.1, :13.2.3, :14.1, :17.1, :17.4, :19.1, :20-:23, :26.4.1.1,
// html:structuredserializewithtransfer:2.1-2.3, :5.1, :5.2, :5.4.3,
// html:structureddeserialize:12.1, :13.1, :14/catch, :15/catch, :22.2,
// html:structureddeserializewithtransfer:3.4.2) against the model's trace: when the model throws,
// the step it reports is a catalogue step that throws that error (or rethrows: "?"), and it is the
// last step recorded; when it returns, the last step recorded is a return step and no step that is
// entered only to throw was reached.
RC_GTEST_PROP(StructuredClone, ErrorIsThrownExactlyWhenAThrowingStepIsReachedAndThatStepIsTheLastRecorded, ())
{
    auto const scenario = draw_scenario_of_any_profile();
    model::Trace trace(true);
    auto const observed = run_on_model(scenario, model::Fault::none, &trace);
    RC_LOG() << "model: " << to_display(observed) << "\n";
    auto const& sequence = trace.sequence();

    if (observed.threw) {
        RC_TAG(observed.thrown_at_step.empty() ? std::string("IDL conversion") : observed.thrown_at_step);
        if (observed.thrown_at_step.empty()) {
            // Not a catalogued step: only the IDL conversion of the transfer list throws so, before any step.
            RC_ASSERT(observed.error_name == std::string("TypeError"));
            RC_ASSERT(transfer_has_a_non_object(scenario));
            RC_ASSERT(sequence.empty());
            return;
        }
        auto const step = spec::find_step(observed.thrown_at_step);
        RC_ASSERT(step.has_value());
        auto const& info = spec::step_info(*step);
        RC_LOG() << "step " << info.id << ": kind " << info.kind << ", throws \"" << info.throws << "\", propagates "
                 << info.propagates << "\n";
        if (observed.error_name == "user value")
            RC_ASSERT(info.propagates); // a getter's throw comes through a "?"
        else
            RC_ASSERT(info.throws == observed.error_name || info.propagates);
        RC_ASSERT(observed.error_is_dom_exception == (observed.error_name == "DataCloneError"));
        RC_ASSERT(!sequence.empty());
        RC_ASSERT(spec::step_info(sequence.back()).id == info.id);
    } else {
        RC_TAG(std::string("returned"));
        RC_ASSERT(!sequence.empty());
        RC_ASSERT(spec::step_info(sequence.back()).kind == std::string_view("return"));
        for (auto const& s : spec::all_steps()) {
            if (throws_whenever_reached(s) && trace.reached(s.step)) {
                RC_LOG() << "reached " << s.id << " (kind " << s.kind << ", throws " << s.throws << ")\n";
                RC_FAIL("a run that returned reached a step that is entered only to throw");
            }
        }
    }
}

} // namespace
} // namespace pmconf::conformance::tests
