// StructuredDeserialize: the branches that depend on the target realm (agent cluster, exposed
// interfaces, allocation limits), reached through StructuredSerialize + StructuredDeserialize.
// https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserialize

#include "model/html/structured_data/deserialize.h"
#include "model/html/structured_data/serialize.h"
#include "model/tests/heap_builder.h"

#include <gtest/gtest.h>

namespace pmconf::model::tests {
namespace {

namespace D = spec::steps::structured_deserialize;

// StructuredSerialize(value) in the builder's realm, then StructuredDeserialize into target.
Completion<Value> pass(HeapBuilder& h, Value value, RealmId target)
{
    auto serialized = html::structured_serialize(h.heap, h.realm, value);
    if (serialized.is_throw())
        return serialized.release_throw();
    return html::structured_deserialize(h.heap, serialized.value(), target);
}

TEST(StructuredDeserialize, SharedArrayBufferIntoAnotherAgentClusterThrowsAtStep12_1)
{
    HeapBuilder h;
    auto const elsewhere = h.add_realm(realm_named("other cluster", 1));
    EXPECT_TRUE(threw_at(pass(h, HeapBuilder::obj(h.shared_buffer(8)), elsewhere), ErrorKind::dom_data_clone_error, D::s12_1));
}

TEST(StructuredDeserialize, GrowableSharedArrayBufferIntoAnotherAgentClusterThrowsAtStep13_1)
{
    HeapBuilder h;
    auto const elsewhere = h.add_realm(realm_named("other cluster", 1));
    EXPECT_TRUE(threw_at(pass(h, HeapBuilder::obj(h.shared_buffer(8, 16)), elsewhere), ErrorKind::dom_data_clone_error,
        D::s13_1));
}

TEST(StructuredDeserialize, SharedArrayBufferIntoAnotherRealmOfTheSameAgentClusterSharesTheBlock)
{
    HeapBuilder h;
    auto const sibling = h.add_realm(realm_named("same cluster", 0));
    auto const sab = h.shared_buffer(8);
    auto result = pass(h, HeapBuilder::obj(sab), sibling);
    ASSERT_FALSE(result.is_throw());
    EXPECT_EQ(h.at(result.value()).realm, sibling);
    EXPECT_EQ(slots_of<ArrayBufferSlots>(h.at(result.value())).array_buffer_data.get(),
        slots_of<ArrayBufferSlots>(h.heap.object(sab)).array_buffer_data.get());
}

TEST(StructuredDeserialize, ArrayBufferTooLargeForTheTargetRealmThrowsDataCloneErrorAtStep14Catch)
{
    HeapBuilder h;
    Realm small = realm_named("small");
    small.max_allocation = 4;
    auto const target = h.add_realm(small);
    EXPECT_TRUE(threw_at(pass(h, HeapBuilder::obj(h.buffer(8)), target), ErrorKind::dom_data_clone_error, D::s14_catch));
    EXPECT_FALSE(pass(h, HeapBuilder::obj(h.buffer(4)), target).is_throw());
}

TEST(StructuredDeserialize, ResizableArrayBufferTooLargeForTheTargetRealmThrowsDataCloneErrorAtStep15Catch)
{
    HeapBuilder h;
    Realm small = realm_named("small");
    small.max_allocation = 4;
    auto const target = h.add_realm(small);
    EXPECT_TRUE(threw_at(pass(h, HeapBuilder::obj(h.buffer(2, 16)), target), ErrorKind::dom_data_clone_error, D::s15_catch));
}

TEST(StructuredDeserialize, InterfaceNotExposedInTheTargetRealmThrowsAtStep22_2)
{
    HeapBuilder h;
    Realm bare = realm_named("no DOMException");
    bare.exposed_interfaces = all_interfaces & ~interface_bit(PlatformInterface::dom_exception);
    auto const target = h.add_realm(bare);
    auto const root = h.object();
    h.put(root, u"e", HeapBuilder::obj(h.dom_exception(u"AbortError", u"m")));
    EXPECT_TRUE(threw_at(pass(h, HeapBuilder::obj(root), target), ErrorKind::dom_data_clone_error, D::s22_2));
}

TEST(StructuredDeserialize, ValuesAreCreatedInTheTargetRealm)
{
    HeapBuilder h;
    auto const target = h.add_realm(realm_named("target"));
    auto const root = h.object();
    h.put(root, u"a", HeapBuilder::obj(h.array(2)));
    auto result = pass(h, HeapBuilder::obj(root), target);
    ASSERT_FALSE(result.is_throw());
    EXPECT_EQ(h.at(result.value()).realm, target);
    EXPECT_EQ(h.at(h.own_value(result.value(), u"a")).realm, target);
}

TEST(StructuredDeserialize, DeserializingOneSerializationTwiceGivesIndependentValues)
{
    // As BroadcastChannel does: one StructuredSerialize, one StructuredDeserialize per receiver.
    HeapBuilder h;
    auto const root = h.object();
    h.put(root, u"b", HeapBuilder::obj(h.buffer(4)));
    auto serialized = html::structured_serialize(h.heap, h.realm, HeapBuilder::obj(root));
    ASSERT_FALSE(serialized.is_throw());
    auto first = html::structured_deserialize(h.heap, serialized.value(), h.realm);
    auto second = html::structured_deserialize(h.heap, serialized.value(), h.realm);
    ASSERT_FALSE(first.is_throw());
    ASSERT_FALSE(second.is_throw());
    EXPECT_FALSE(first.value().as_object() == second.value().as_object());
    auto const b1 = h.own_value(first.value(), u"b");
    auto const b2 = h.own_value(second.value(), u"b");
    EXPECT_NE(slots_of<ArrayBufferSlots>(h.at(b1)).array_buffer_data.get(), slots_of<ArrayBufferSlots>(h.at(b2)).array_buffer_data.get());
}

TEST(StructuredDeserialize, ErrorPrototypeFollowsTheSerializedName)
{
    HeapBuilder h;
    auto const e = h.error(ErrorPrototype::ReferenceError, u"m");
    auto result = pass(h, HeapBuilder::obj(e), h.realm);
    ASSERT_FALSE(result.is_throw());
    EXPECT_EQ(slots_of<ErrorSlots>(h.at(result.value())).prototype, ErrorPrototype::ReferenceError);
    EXPECT_EQ(slots_of<ErrorSlots>(h.at(result.value())).stack, u"stack of the error");
}

} // namespace
} // namespace pmconf::model::tests
