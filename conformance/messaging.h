// Message graphs over time: RapidCheck generators of operation sequences for the messaging model
// (model/html/web_messaging/messaging.h). The messaging properties (properties.cpp) draw their
// cases from here; compare.cpp compares their observations.
#pragma once

#include "model/html/web_messaging/messaging.h"

#include <rapidcheck.h>

#include <cstdint>
#include <string>
#include <vector>

namespace pmconf::conformance::messaging {

using model::web_messaging::Operation;

// What a property's sequences may hold.
struct SequenceProfile {
    std::vector<Operation::Kind> kinds; // besides run_event_loops, which every sequence has
    bool other_agents = false;          // channels and ports in agents other than window A
    bool shared_buffers = true;         // messages holding a SharedArrayBuffer
    bool symbols = true;                // messages holding a Symbol (serialization throws)
    std::vector<std::string> required;  // capabilities an IUT needs for the property to run at all
};
SequenceProfile every_operation(); // every kind, every agent

// Sequences of up to `size` operations (at least one), ending with run_event_loops. Each
// operation is drawn against the state a World reaches by running the ones before it, so that
// most name ports, channels and clients that exist; some name detached ports, the source or the
// target port in a transfer list, or a port twice. Shrinking removes operations (whole chunks,
// then one at a time) and simplifies the rest (shorter transfer lists, plain messages).
rc::Gen<std::vector<Operation>> operation_sequences(SequenceProfile const& = every_operation());

std::string to_display(std::vector<Operation> const&);

} // namespace pmconf::conformance::messaging
