// What running a Scenario showed: the result graph in canonical numbering or the thrown error,
// the state of every transferable afterwards, and the getter calls in order.
#pragma once

#include "conformance/graph.h"
#include "model/html/web_messaging/messaging.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pmconf::conformance {

struct TransferableState {
    NodeIndex node;                 // the input node (a buffer, port or bitmap)
    bool detached = false;
    std::uint64_t byte_length = 0;  // buffers
    friend bool operator==(TransferableState const&, TransferableState const&) = default;
};

struct Observation {
    bool threw = false;
    std::string error_name;         // "DataCloneError", "TypeError", "RangeError", or "user value"
    bool error_is_dom_exception = false;
    GValue thrown_value;            // for a value thrown by a getter
    Graph result;                   // canonical numbering: nodes in order of first visit from the root
    std::vector<TransferableState> transferables;
    std::vector<std::uint32_t> getter_calls; // getter labels, in call order
    // From the model only: the step that threw (catalogue id), empty otherwise.
    std::string thrown_at_step;
    // Mode operations: one outcome per operation, and the events in dispatch order.
    std::vector<model::web_messaging::OperationOutcome> outcomes;
    std::vector<model::web_messaging::ObservedEvent> events;
    // From the model only (not sent over the protocol): the messages and ports whose treatment
    // rests on a text an open spec question disputes.
    model::web_messaging::Questioned questioned;
    // From the model only: the labels of the getters that are own "name" or "message" accessors
    // of Error objects of the input. StructuredSerializeInternal calls the "name" one once
    // (17.1); an implementation may call them again while it makes the implementation-defined
    // stack string (17.5), as V8 does when it formats the stack lazily. *stack_getters_act*: one of
    // them has effects, so such a call may change what follows.
    std::vector<std::uint32_t> stack_getters;
    bool stack_getters_act = false;
    // From the model only: the other Observations the spec allows (another order of tasks it
    // leaves open; model::web_messaging::Schedule). The comparator accepts any of them.
    std::vector<Observation> alternatives;
    friend bool operator==(Observation const&, Observation const&) = default;
};

std::string to_display(Observation const&);

} // namespace pmconf::conformance
