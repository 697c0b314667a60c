// Transfer lists: what is detached, when.

#include "conformance/model_runner.h"
#include "conformance/tests/property_support.h"
#include "spec/catalogue.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <string>

namespace pmconf::conformance::tests {
namespace {

// The state every transferable of the input graph starts in (as the Observation reports it).
TransferableState input_state(Scenario const& s, NodeIndex i)
{
    auto const& n = s.graph.nodes[i];
    bool const buffer = n.kind == NodeKind::array_buffer;
    return TransferableState { i, n.detached, buffer && !n.detached ? n.byte_length : 0 };
}

enum class Phase { before_transfer, transfer, after_transfer };

// Where the step that threw lies relative to StructuredSerializeWithTransfer step 5.
Phase phase_of(std::string const& step)
{
    if (step.empty())
        return Phase::before_transfer; // the IDL conversion of the transfer list
    auto const info = spec::step_info(*spec::find_step(step));
    if (info.algorithm_key == "structuredserializeinternal")
        return Phase::before_transfer; // inside step 3
    if (info.algorithm_key == "structuredserializewithtransfer")
        return info.path.substr(0, info.path.find('.')) == "5" ? Phase::transfer : Phase::before_transfer;
    return Phase::after_transfer; // deserialization
}

// Checks html:structuredserializewithtransfer:2.1-2.4 (entries are only checked, never detached,
// before serializing), :3 (a throw while serializing leaves every entry as it was), :5.1-5.6
// (entries are detached one by one, in list order: a throw at step 5 leaves the entries before
// the failing one detached and the rest untouched), :5.4.3 and :5.5.5 (on success every entry is
// detached), and that transferables not in the list are never touched.
RC_GTEST_PROP(StructuredSerializeWithTransfer, TransferListEntriesAreDetachedExactlyWhenTheTransferStepRuns, ())
{
    auto const scenario = draw_scenario("transfer-lists");
    auto const observed = run_on_model(scenario);
    RC_LOG() << "model: " << to_display(observed) << "\n";

    std::map<NodeIndex, TransferableState> after;
    for (auto const& t : observed.transferables)
        after[t.node] = t;
    std::vector<NodeIndex> listed;
    for (auto const& t : scenario.transfer)
        if (auto const* r = std::get_if<NodeRef>(&t); r && after.count(r->node))
            listed.push_back(r->node);
    auto unchanged = [&](NodeIndex i) { return after.at(i) == input_state(scenario, i); };
    auto detached = [&](NodeIndex i) { return after.at(i).detached && after.at(i).byte_length == 0; };

    // Transferables outside the list keep their state whatever happens (the profile has no getters).
    for (auto const& [node, state] : after)
        if (std::find(listed.begin(), listed.end(), node) == listed.end())
            RC_ASSERT(unchanged(node));

    auto const phase = observed.threw ? phase_of(observed.thrown_at_step) : Phase::after_transfer;
    RC_TAG(observed.threw ? "threw " + std::string(phase == Phase::before_transfer ? "before" : phase == Phase::transfer ? "during" : "after")
                              + " step 5"
                          : std::string("returned"));
    if (!observed.threw) {
        // Only transferables can be in a successful transfer list.
        RC_ASSERT(listed.size() == scenario.transfer.size());
    }
    switch (phase) {
    case Phase::before_transfer:
        for (auto i : listed)
            RC_ASSERT(unchanged(i));
        break;
    case Phase::transfer: {
        // A prefix of the list was transferred; the entry that threw and those after it are untouched.
        std::size_t prefix = 0;
        while (prefix < listed.size() && !unchanged(listed[prefix]) && detached(listed[prefix]))
            ++prefix;
        RC_ASSERT(prefix < listed.size());
        for (std::size_t k = prefix; k < listed.size(); ++k)
            RC_ASSERT(unchanged(listed[k]));
        break;
    }
    case Phase::after_transfer:
        RC_ASSERT(listed.size() == scenario.transfer.size());
        for (auto i : listed)
            RC_ASSERT(detached(i));
        break;
    }
}

} // namespace
} // namespace pmconf::conformance::tests
