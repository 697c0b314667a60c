#include "tools/bench/graph_shape.h"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

namespace pmconf::bench {

using namespace model::ecma262;

namespace {

constexpr std::array<char16_t const*, 8> keys = { u"id", u"name", u"kind", u"next", u"prev", u"left", u"right", u"value" };
constexpr std::array<char16_t const*, 8> strings = { u"a", u"bc", u"def", u"ghij", u"klmno", u"p", u"qr", u"stu" };

PropertyKey string_key(Heap& heap, char16_t const* name)
{
    return PropertyKey::string(heap.intern_string(name).table_index());
}

} // namespace

char const* shape_name(Shape shape)
{
    return shape == Shape::wide ? "wide" : "deep";
}

std::string to_json(Shape shape, ShapeStats const& s)
{
    return std::string("{\"shape\":\"") + shape_name(shape) + "\",\"nodes\":" + std::to_string(s.nodes)
        + ",\"arrays\":" + std::to_string(s.arrays) + ",\"objects\":" + std::to_string(s.objects)
        + ",\"slots\":" + std::to_string(s.slots) + ",\"references\":" + std::to_string(s.references)
        + ",\"shared_references\":" + std::to_string(s.shared_references) + ",\"numbers\":" + std::to_string(s.numbers)
        + ",\"strings\":" + std::to_string(s.strings) + ",\"max_depth\":" + std::to_string(s.max_depth)
        + ",\"final_state\":" + std::to_string(s.final_state) + "}";
}

namespace {

// Pass 1's result: what each slot holds, before anything is allocated.
struct SlotPlan {
    enum class Kind : std::uint8_t { number, string, node, shared } kind;
    double number = 0;
    std::uint32_t index = 0; // STRINGS index, or node index (for shared: set in pass 3)
};
struct NodePlan {
    bool is_array = false;
    std::uint32_t first_key = 0;
    std::uint32_t first_slot = 0; // into the flat slot vector
    std::uint32_t slot_count = 0;
};

// The deepest nesting of a depth-first walk from root through every object-valued property, in
// property order: the recursion depth of a recursive serializer.
std::size_t depth_first_max_depth(Heap const& heap, ObjectId root)
{
    std::vector<bool> visited(heap.object_count(), false);
    std::vector<std::pair<ObjectId, std::size_t>> stack { { root, 0 } };
    visited[root.index] = true;
    std::size_t max_depth = 1;
    while (!stack.empty()) {
        auto& [node, next] = stack.back();
        auto const& properties = heap.object(node).properties;
        if (next == properties.size()) {
            stack.pop_back();
            continue;
        }
        auto const value = properties[next++].value;
        if (value.is_object() && !visited[value.as_object().index]) {
            visited[value.as_object().index] = true;
            stack.emplace_back(value.as_object(), 0);
            max_depth = std::max(max_depth, stack.size());
        }
    }
    return max_depth;
}

} // namespace

// The algorithm is documented in graph_shape.h; node_clone_bench.mjs mirrors it line by line.
BuiltGraph build_wide_graph(Heap& heap, RealmId realm, std::size_t n, std::uint32_t seed)
{
    Xorshift32 rng(seed);
    ShapeStats stats;
    if (n == 0)
        return BuiltGraph { Value::undefined(), stats };

    // 1. The tree, breadth first.
    std::vector<NodePlan> nodes;
    std::vector<SlotPlan> slots;
    nodes.reserve(n);
    slots.reserve(3 * n);
    auto create = [&] {
        NodePlan node;
        node.is_array = rng.below(4) == 0;
        ++(node.is_array ? stats.arrays : stats.objects);
        nodes.push_back(node);
        return static_cast<std::uint32_t>(nodes.size() - 1);
    };
    auto number = [&] {
        ++stats.numbers;
        return SlotPlan { SlotPlan::Kind::number, static_cast<double>(rng.below(1000000)) / 4, 0 };
    };
    create();
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        auto const count = 2 + rng.below(3);
        auto const first_key = nodes[i].is_array ? 0 : rng.below(8);
        nodes[i].first_key = first_key;
        nodes[i].first_slot = static_cast<std::uint32_t>(slots.size());
        nodes[i].slot_count = count;
        for (std::uint32_t j = 0; j < count; ++j) {
            bool const last = j == count - 1 && i == nodes.size() - 1 && nodes.size() < n;
            auto const r = rng.below(100);
            if (last) {
                slots.push_back(SlotPlan { SlotPlan::Kind::node, 0, create() });
                ++stats.references;
            } else if (r < 40) {
                auto const s = rng.below(100);
                if (s < 5) {
                    slots.push_back(SlotPlan { SlotPlan::Kind::shared, 0, 0 });
                    ++stats.references;
                    ++stats.shared_references;
                } else if (nodes.size() < n) {
                    slots.push_back(SlotPlan { SlotPlan::Kind::node, 0, create() });
                    ++stats.references;
                } else {
                    slots.push_back(number());
                }
            } else if (r < 70) {
                slots.push_back(number());
            } else {
                slots.push_back(SlotPlan { SlotPlan::Kind::string, 0, rng.below(8) });
                ++stats.strings;
            }
            ++stats.slots;
        }
    }

    // 2. Preorder numbers, depth first along the tree's slots.
    std::vector<std::uint32_t> preorder; // preorder number -> node
    std::vector<std::uint32_t> pre(nodes.size());
    preorder.reserve(nodes.size());
    std::vector<std::pair<std::uint32_t, std::uint32_t>> stack { { 0, 0 } }; // node, next slot
    pre[0] = 0;
    preorder.push_back(0);
    while (!stack.empty()) {
        auto& [node, next] = stack.back();
        if (next == nodes[node].slot_count) {
            stack.pop_back();
            continue;
        }
        auto const& slot = slots[nodes[node].first_slot + next++];
        if (slot.kind == SlotPlan::Kind::node) {
            pre[slot.index] = static_cast<std::uint32_t>(preorder.size());
            preorder.push_back(slot.index);
            stack.emplace_back(slot.index, 0);
        }
    }

    // 3. Shared targets: a node at or before this one in preorder.
    for (std::uint32_t i = 0; i < nodes.size(); ++i)
        for (std::uint32_t j = 0; j < nodes[i].slot_count; ++j)
            if (auto& slot = slots[nodes[i].first_slot + j]; slot.kind == SlotPlan::Kind::shared)
                slot.index = preorder[rng.below(pre[i] + 1)];

    // 4. The objects.
    std::vector<PropertyKey> key_ids;
    for (auto const* k : keys)
        key_ids.push_back(string_key(heap, k));
    std::vector<Value> string_values;
    for (auto const* s : strings)
        string_values.push_back(heap.intern_string(s));
    heap.reserve_objects(heap.object_count() + n);
    std::vector<ObjectId> ids;
    ids.reserve(nodes.size());
    for (auto const& node : nodes)
        ids.push_back(heap.allocate(node.is_array ? ObjectKind::array : ObjectKind::ordinary, realm,
            node.is_array ? Slots { ArraySlots {} } : Slots {}));
    for (std::uint32_t i = 0; i < nodes.size(); ++i) {
        auto const& node = nodes[i];
        for (std::uint32_t j = 0; j < node.slot_count; ++j) {
            auto const& slot = slots[node.first_slot + j];
            Value value;
            switch (slot.kind) {
            case SlotPlan::Kind::number: value = Value::number(slot.number); break;
            case SlotPlan::Kind::string: value = string_values[slot.index]; break;
            case SlotPlan::Kind::node:
            case SlotPlan::Kind::shared: value = Value::object(ids[slot.index]); break;
            }
            auto const key = node.is_array ? PropertyKey::index(j) : key_ids[(node.first_key + j) % 8];
            heap.define_data_property(ids[i], key, value);
        }
    }
    stats.nodes = nodes.size();
    stats.final_state = rng.state();
    stats.max_depth = depth_first_max_depth(heap, ids.front());
    return BuiltGraph { Value::object(ids.front()), stats };
}

BuiltGraph build_deep_graph(Heap& heap, RealmId realm, std::size_t n)
{
    ShapeStats stats;
    if (n == 0)
        return BuiltGraph { Value::undefined(), stats };
    auto const value_key = string_key(heap, u"value");
    auto const next_key = string_key(heap, u"next");
    auto const back_key = string_key(heap, u"back");
    heap.reserve_objects(heap.object_count() + n);
    std::vector<ObjectId> nodes;
    nodes.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        nodes.push_back(heap.allocate(ObjectKind::ordinary, realm));
    for (std::size_t i = 0; i < n; ++i) {
        heap.define_data_property(nodes[i], value_key, Value::number(static_cast<double>(i)));
        ++stats.numbers;
        if (i + 1 < n) {
            heap.define_data_property(nodes[i], next_key, Value::object(nodes[i + 1]));
            ++stats.references;
        }
        heap.define_data_property(nodes[i], back_key, Value::object(nodes[i / 2]));
        ++stats.references;
        ++stats.shared_references;
    }
    stats.nodes = n;
    stats.objects = n;
    stats.slots = stats.numbers + stats.references;
    stats.max_depth = depth_first_max_depth(heap, nodes.front());
    return BuiltGraph { Value::object(nodes.front()), stats };
}

BuiltGraph build_graph(Shape shape, Heap& heap, RealmId realm, std::size_t n)
{
    return shape == Shape::wide ? build_wide_graph(heap, realm, n) : build_deep_graph(heap, realm, n);
}

} // namespace pmconf::bench
