// A Scenario is one generated case: a value graph, a transfer list, and how the value is passed.
#pragma once

#include "conformance/graph.h"
#include "model/html/web_messaging/messaging.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pmconf::conformance {

enum class PassMode : std::uint8_t {
    structured_clone,          // structuredClone(value, {transfer})
    with_transfer_to_realm,    // StructuredSerializeWithTransfer, then StructuredDeserializeWithTransfer in another realm
    serialize_deserialize,     // StructuredSerialize, then StructuredDeserialize (no transfer list)
    for_storage,               // StructuredSerializeForStorage, then StructuredDeserialize (no transfer list)
    message_channel,           // port1.postMessage(value, {transfer}) on a new MessageChannel; the value is port2's
                               // message event's data (a deserialization failure is a messageerror event)
    operations,                // a sequence of messaging operations (no graph): model/html/web_messaging/messaging.h
};
char const* pass_mode_name(PassMode);

struct RealmSettings {
    bool cross_origin_isolated = true;
    bool same_agent_cluster = true;     // target realms only
    bool exposes_message_port = true;
    bool exposes_image_bitmap = true;
    bool exposes_dom_exception = true;
    std::uint64_t max_allocation = std::uint64_t(1) << 30;
    friend bool operator==(RealmSettings const&, RealmSettings const&) = default;
};

struct Scenario {
    Graph graph;
    std::vector<GValue> transfer;       // usually node references; anything else the IDL conversion rejects
    PassMode mode = PassMode::structured_clone;
    RealmSettings source;
    RealmSettings target;               // used by with_transfer_to_realm and the deserialize modes
    std::vector<model::web_messaging::Operation> operations; // mode operations
    friend bool operator==(Scenario const&, Scenario const&) = default;
};

std::string to_display(Scenario const&);
// How big a counterexample is: "3 nodes", or "5 operations" for an operation sequence.
std::string size_text(Scenario const&);

} // namespace pmconf::conformance
