// Deep graphs: StructuredSerializeInternal step 26 and StructuredDeserialize step 24 recurse once
// per level in the spec; the model runs them on explicit stacks. A chain far deeper than any C++
// stack could hold by recursion must clone, and the clone must be exactly as deep.

#include "model/html/structured_data/with_transfer.h"
#include "model/tests/heap_builder.h"

#include <gtest/gtest.h>

#include <functional>

namespace pmconf::model::tests {
namespace {

constexpr std::uint32_t depth = 200000;

// Builds a chain of `depth` containers, each holding the next through `link`; returns the first.
ObjectId chain(HeapBuilder& h, std::function<ObjectId()> const& make, std::function<void(ObjectId, ObjectId)> const& link)
{
    h.heap.reserve_objects(3 * depth + 16);
    auto const first = make();
    auto current = first;
    for (std::uint32_t i = 1; i < depth; ++i) {
        auto const next = make();
        link(current, next);
        current = next;
    }
    return first;
}

// Follows `next` from the root and counts the containers of the given kind.
std::uint32_t measured_depth(HeapBuilder& h, Value root, ObjectKind kind, std::function<Value(Value)> const& next)
{
    std::uint32_t n = 0;
    for (Value v = root; v.is_object() && h.at(v).kind == kind; v = next(v))
        ++n;
    return n;
}

TEST(StructuredClone, ChainOfTwoHundredThousandObjectsClonesIteratively)
{
    HeapBuilder h;
    auto const next_key = h.key(u"next");
    auto const root = chain(h, [&] { return h.object(); },
        [&](ObjectId a, ObjectId b) { h.heap.define_data_property(a, next_key, HeapBuilder::obj(b)); });
    auto result = html::structured_clone(h.heap, h.realm, HeapBuilder::obj(root), {});
    ASSERT_FALSE(result.is_throw());
    EXPECT_FALSE(result.value().as_object() == root);
    auto const next = [&](Value v) {
        auto const* p = h.heap.find_own_property(v.as_object(), next_key);
        return p ? p->value : Value::undefined();
    };
    EXPECT_EQ(measured_depth(h, result.value(), ObjectKind::ordinary, next), depth);
}

TEST(StructuredClone, ChainOfTwoHundredThousandArraysClonesIteratively)
{
    HeapBuilder h;
    auto const root = chain(h, [&] { return h.array(); },
        [&](ObjectId a, ObjectId b) { h.heap.define_data_property(a, PropertyKey::index(0), HeapBuilder::obj(b)); });
    auto result = html::structured_clone(h.heap, h.realm, HeapBuilder::obj(root), {});
    ASSERT_FALSE(result.is_throw());
    auto const next = [&](Value v) {
        auto const* p = h.heap.find_own_property(v.as_object(), PropertyKey::index(0));
        return p ? p->value : Value::undefined();
    };
    EXPECT_EQ(measured_depth(h, result.value(), ObjectKind::array, next), depth);
}

TEST(StructuredClone, ChainOfTwoHundredThousandMapsClonesIteratively)
{
    HeapBuilder h;
    auto const key = h.str(u"next");
    auto const root = chain(h, [&] { return h.map(); },
        [&](ObjectId a, ObjectId b) { slots_of<MapSlots>(h.heap.object(a)).map_data.emplace_back(std::pair { key, HeapBuilder::obj(b) }); });
    auto result = html::structured_clone(h.heap, h.realm, HeapBuilder::obj(root), {});
    ASSERT_FALSE(result.is_throw());
    auto const next = [&](Value v) {
        auto const& entries = slots_of<MapSlots>(h.at(v)).map_data;
        return entries.empty() ? Value::undefined() : entries[0]->second;
    };
    EXPECT_EQ(measured_depth(h, result.value(), ObjectKind::map, next), depth);
}

} // namespace
} // namespace pmconf::model::tests
