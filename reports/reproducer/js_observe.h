// The reproducer's own reading of what happened, as a protocol v1 Observation (docs/protocol.md):
// JavaScript function declarations, written here and independent of the adapter's
// tools/adapters/lib/core.mjs, so that an adapter bug does not reproduce itself. Only the code a
// reproducer needs is included: the node kinds its value, the spec's result and the
// implementation's result can hold.
#pragma once

#include "conformance/graph.h"

#include <set>
#include <string>

namespace pmconf::reports::reproducer {

using KindSet = std::set<conformance::NodeKind>;

// For the structuredClone and messageChannel modes: `async function observe(call)` and what it
// calls. `call` is {threw, thrown, result, error?, thrownByGetters, inputs, inputPorts, regexps,
// getterCalls} (see js_call.cpp); it returns the Observation.
struct ObserveNeeds {
    bool message_channel = false; // call.error: a messageerror event, or no message
    bool getters_throw = false; // call.thrownByGetters
    KindSet inputs; // the kinds of call.inputs: ArrayBuffer, MessagePort, ImageBitmap
    bool reads_result = true; // the spec's or the implementation's call returned: read the result
    bool length_tracking = false; // a buffer is resizable or growable: probe views for length tracking
};
// *kinds*: what the result can hold (the spec's and the implementation's, in the run).
std::string clone_observation_code(KindSet const& kinds, ObserveNeeds const&);

// Shared by both modes: errorName(e), the name pmconf reports for a thrown value.
std::string error_name_code();

} // namespace pmconf::reports::reproducer
