// Generated cases are drawn as a flat recipe of small numbers and then built into a Scenario.
// RapidCheck shrinks the recipe (fewer nodes, fewer edges, smaller numbers), so every shrink is a
// smaller, still well-formed Scenario; node references are indices modulo the node count, so
// shrinking them produces sharing and cycles rather than dangling edges.
#pragma once

#include "conformance/messaging.h"
#include "conformance/scenario.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pmconf::conformance::generators {

struct EdgeRecipe {
    std::uint8_t key = 0;      // index into the key pool
    std::uint32_t target = 0;  // node index (modulo the node count)
    std::uint8_t flags = 0;    // bit 0: a primitive instead of a node; 1: symbol key; 2: not enumerable;
                               // 3: accessor; 4: the getter throws; 5: the getter has an effect
    std::uint8_t primitive = 0; // index into the primitive pool; effect selector for getters
};

struct NodeRecipe {
    std::uint8_t kind = 0;     // index into the profile's kinds (0 is always a plain object)
    std::uint32_t a = 0, b = 0, c = 0; // kind-specific choices
    std::vector<EdgeRecipe> edges;
};

struct ScenarioRecipe {
    std::vector<NodeRecipe> nodes;
    std::vector<std::uint32_t> transfer;
    std::uint8_t mode = 0;
    std::uint8_t realm = 0;    // 0-6: no realm variation; 7-13: one of them
    std::vector<model::web_messaging::Operation> operations; // a messaging property's case (no nodes then)
};

// What a property's cases are made of.
struct Profile {
    std::vector<NodeKind> kinds;       // kinds[0] must be NodeKind::object
    bool primitives = true;            // children may be primitives
    bool getters = false;              // accessor properties
    bool getter_effects = false;       // getters that delete/define/detach
    bool symbol_keys = false;
    bool non_enumerable = false;
    bool transfer = false;             // transfer lists of transferables
    bool broken = false;               // detached, out-of-bounds, duplicated, non-transferable, origin-tainted ...
    std::vector<PassMode> modes { PassMode::structured_clone };
    bool realm_variations = false;
    int max_nodes = 12;
    std::optional<messaging::SequenceProfile> operations; // set: cases are operation sequences (mode operations)
};

Scenario build_scenario(ScenarioRecipe const&, Profile const&);

} // namespace pmconf::conformance::generators
