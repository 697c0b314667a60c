// StructuredSerializeWithTransfer, StructuredDeserializeWithTransfer and structuredClone().
// https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializewithtransfer

#include "model/html/structured_data/with_transfer.h"
#include "model/tests/heap_builder.h"

#include <gtest/gtest.h>

namespace pmconf::model::tests {
namespace {

namespace S = spec::steps::structured_serialize_with_transfer;
namespace SSI = spec::steps::structured_serialize_internal;
namespace D = spec::steps::structured_deserialize_with_transfer;
using html::structured_clone;

Completion<Value> clone(HeapBuilder& h, Value value, std::vector<ObjectId> const& transfer)
{
    return structured_clone(h.heap, h.realm, value, transfer);
}

bool detached(HeapBuilder& h, ObjectId id)
{
    auto const& o = h.heap.object(id);
    if (o.kind == ObjectKind::array_buffer)
        return h.heap.is_detached_buffer(id);
    return slots_of<PlatformSlots>(o).detached;
}

// ---- Step 2: checking the transfer list ----

TEST(StructuredSerializeWithTransfer, PlainObjectInTheTransferListThrowsAtStep2_1)
{
    HeapBuilder h;
    auto const o = h.object();
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(o), { o }), ErrorKind::dom_data_clone_error, S::s2_1));
}

TEST(StructuredSerializeWithTransfer, SerializableButNotTransferablePlatformObjectThrowsAtStep2_1)
{
    HeapBuilder h;
    auto const e = h.dom_exception(u"AbortError", u"");
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(e), { e }), ErrorKind::dom_data_clone_error, S::s2_1));
    auto const other = h.platform(PlatformInterface::non_serializable);
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(other), { other }), ErrorKind::dom_data_clone_error, S::s2_1));
}

TEST(StructuredSerializeWithTransfer, SharedArrayBufferInTheTransferListThrowsAtStep2_2)
{
    HeapBuilder h;
    auto const sab = h.shared_buffer(8);
    EXPECT_TRUE(threw_at(clone(h, Value::undefined(), { sab }), ErrorKind::dom_data_clone_error, S::s2_2));
}

TEST(StructuredSerializeWithTransfer, TransferableListedTwiceThrowsAtStep2_3)
{
    HeapBuilder h;
    auto const b = h.buffer(8);
    auto const port = h.platform(PlatformInterface::message_port);
    EXPECT_TRUE(threw_at(clone(h, Value::undefined(), { b, port, b }), ErrorKind::dom_data_clone_error, S::s2_3));
    EXPECT_FALSE(detached(h, b));
    EXPECT_FALSE(detached(h, port));
}

TEST(StructuredSerializeWithTransfer, StepTwoChecksEachEntryInOrder)
{
    HeapBuilder h;
    auto const b = h.buffer(8);
    auto const o = h.object();
    // The duplicate comes before the non-transferable: 2.3 throws first.
    EXPECT_TRUE(threw_at(clone(h, Value::undefined(), { b, b, o }), ErrorKind::dom_data_clone_error, S::s2_3));
    EXPECT_TRUE(threw_at(clone(h, Value::undefined(), { b, o, b }), ErrorKind::dom_data_clone_error, S::s2_1));
}

// ---- Step 5: transferring ----

TEST(StructuredSerializeWithTransfer, TransferredArrayBufferIsDetachedAndItsDataBlockMoves)
{
    HeapBuilder h;
    auto const b = h.buffer(4);
    auto const block = slots_of<ArrayBufferSlots>(h.heap.object(b)).array_buffer_data.get();
    auto result = clone(h, HeapBuilder::obj(b), { b });
    ASSERT_FALSE(result.is_throw());
    EXPECT_TRUE(h.heap.is_detached_buffer(b));
    EXPECT_EQ(slots_of<ArrayBufferSlots>(h.heap.object(b)).array_buffer_byte_length, 0u);
    auto const& copy = slots_of<ArrayBufferSlots>(h.at(result.value()));
    EXPECT_EQ(copy.array_buffer_data.get(), block);
    EXPECT_EQ(copy.array_buffer_byte_length, 4u);
    EXPECT_FALSE(copy.array_buffer_max_byte_length.has_value());
}

TEST(StructuredSerializeWithTransfer, TransferredResizableArrayBufferKeepsItsMaxByteLength)
{
    HeapBuilder h;
    auto const b = h.buffer(4, 32);
    auto result = clone(h, HeapBuilder::obj(b), { b });
    ASSERT_FALSE(result.is_throw());
    auto const& copy = slots_of<ArrayBufferSlots>(h.at(result.value()));
    EXPECT_EQ(copy.array_buffer_byte_length, 4u);
    EXPECT_EQ(copy.array_buffer_max_byte_length, std::optional<std::size_t>(32));
}

TEST(StructuredSerializeWithTransfer, TransferredMessagePortKeepsItsIdentityAndTheOriginalIsDetached)
{
    HeapBuilder h;
    auto const port = h.platform(PlatformInterface::message_port);
    auto const id = slots_of<PlatformSlots>(h.heap.object(port)).port_id;
    auto result = clone(h, HeapBuilder::obj(port), { port });
    ASSERT_FALSE(result.is_throw());
    EXPECT_TRUE(detached(h, port));
    auto const& copy = slots_of<PlatformSlots>(h.at(result.value()));
    EXPECT_EQ(copy.interface, PlatformInterface::message_port);
    EXPECT_EQ(copy.port_id, id);
    EXPECT_FALSE(copy.detached);
}

TEST(StructuredSerializeWithTransfer, TransferredImageBitmapMovesItsBitmap)
{
    HeapBuilder h;
    auto const bitmap = h.image_bitmap(3, 2);
    auto result = clone(h, HeapBuilder::obj(bitmap), { bitmap });
    ASSERT_FALSE(result.is_throw());
    EXPECT_TRUE(detached(h, bitmap));
    auto const& copy = slots_of<PlatformSlots>(h.at(result.value()));
    EXPECT_EQ(copy.width, 3u);
    EXPECT_EQ(copy.height, 2u);
}

TEST(StructuredSerializeWithTransfer, TransferableReferencedTwiceArrivesAsOneObject)
{
    HeapBuilder h;
    auto const b = h.buffer(4);
    auto const root = h.object();
    h.put(root, u"x", HeapBuilder::obj(b));
    h.put(root, u"y", HeapBuilder::obj(b));
    auto result = clone(h, HeapBuilder::obj(root), { b });
    ASSERT_FALSE(result.is_throw());
    EXPECT_TRUE(same_value(h.own_value(result.value(), u"x"), h.own_value(result.value(), u"y")));
}

TEST(StructuredSerializeWithTransfer, TransferableNotReachableFromTheValueIsStillTransferred)
{
    HeapBuilder h;
    auto const b = h.buffer(4);
    auto serialized = html::structured_serialize_with_transfer(h.heap, h.realm, h.str(u"x"), { b });
    ASSERT_FALSE(serialized.is_throw());
    EXPECT_TRUE(h.heap.is_detached_buffer(b));
    auto deserialized = html::structured_deserialize_with_transfer(h.heap, serialized.value(), h.realm);
    ASSERT_FALSE(deserialized.is_throw());
    ASSERT_EQ(deserialized.value().transferred_values.size(), 1u);
    EXPECT_EQ(slots_of<ArrayBufferSlots>(h.at(deserialized.value().transferred_values[0])).array_buffer_byte_length, 4u);
}

TEST(StructuredSerializeWithTransfer, DetachedBufferInTheTransferListThrowsAtStep5_1)
{
    HeapBuilder h;
    auto const b = h.detached_buffer();
    EXPECT_TRUE(threw_at(clone(h, Value::undefined(), { b }), ErrorKind::dom_data_clone_error, S::s5_1));
}

TEST(StructuredSerializeWithTransfer, DetachedPortInTheTransferListThrowsAtStep5_2)
{
    HeapBuilder h;
    auto const port = h.platform(PlatformInterface::message_port);
    ASSERT_FALSE(clone(h, HeapBuilder::obj(port), { port }).is_throw());
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(port), { port }), ErrorKind::dom_data_clone_error, S::s5_2));
}

TEST(StructuredSerializeWithTransfer, NothingIsDetachedWhenSerializationThrows)
{
    HeapBuilder h;
    auto const b = h.buffer(4);
    auto const port = h.platform(PlatformInterface::message_port);
    auto const root = h.object();
    h.put(root, u"b", HeapBuilder::obj(b));
    h.put(root, u"s", h.heap.new_symbol(u"not serializable"));
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(root), { b, port }), ErrorKind::dom_data_clone_error, SSI::s5));
    EXPECT_FALSE(detached(h, b));
    EXPECT_FALSE(detached(h, port));
    EXPECT_EQ(slots_of<ArrayBufferSlots>(h.heap.object(b)).array_buffer_byte_length, 4u);
}

TEST(StructuredSerializeWithTransfer, EarlierEntriesStayDetachedWhenALaterEntryThrowsInStep5)
{
    // The spec transfers entry by entry: a throw at step 5 leaves the earlier entries detached.
    HeapBuilder h;
    auto const first = h.buffer(4);
    auto const port = h.platform(PlatformInterface::message_port);
    auto const gone = h.detached_buffer();
    auto const last = h.buffer(4);
    EXPECT_TRUE(threw_at(clone(h, Value::undefined(), { first, port, gone, last }), ErrorKind::dom_data_clone_error, S::s5_1));
    EXPECT_TRUE(detached(h, first));
    EXPECT_TRUE(detached(h, port));
    EXPECT_FALSE(detached(h, last));
}

TEST(StructuredSerializeWithTransfer, GetterThatDetachesATransferListedBufferMakesStep5_1Throw)
{
    HeapBuilder h;
    auto const b = h.buffer(4);
    auto const root = h.object();
    h.getter(root, u"g", returning(1, Value::undefined(), { detach_effect(b) }));
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(root), { b }), ErrorKind::dom_data_clone_error, S::s5_1));
    EXPECT_EQ(h.heap.getter_calls(), (std::vector<std::uint32_t> { 1 }));
}

TEST(StructuredSerializeWithTransfer, GetterThatDetachesATransferListedPortMakesStep5_2Throw)
{
    HeapBuilder h;
    auto const port = h.platform(PlatformInterface::message_port);
    auto const root = h.object();
    h.getter(root, u"g", returning(1, Value::undefined(), { detach_effect(port) }));
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(root), { port }), ErrorKind::dom_data_clone_error, S::s5_2));
}

TEST(StructuredSerializeWithTransfer, BufferWithADetachKeyThrowsTypeErrorAtStep5_4_3)
{
    HeapBuilder h;
    auto const b = h.buffer(4);
    slots_of<ArrayBufferSlots>(h.heap.object(b)).has_detach_key = true;
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(b), { b }), ErrorKind::type_error, S::s5_4_3));
    EXPECT_FALSE(h.heap.is_detached_buffer(b));
}

TEST(StructuredSerializeWithTransfer, ViewOnATransferredBufferSharesTheTransferredBuffer)
{
    // The SPEC-ISSUE case of StructuredSerializeInternal 14.4: the buffer's record is still a
    // transfer data holder when the view is serialized.
    HeapBuilder h;
    auto const b = h.buffer(8);
    auto const block = slots_of<ArrayBufferSlots>(h.heap.object(b)).array_buffer_data.get();
    auto const view = h.typed_array(b, TypedArrayName::Uint16Array, 2, 3);
    auto serialized = html::structured_serialize_with_transfer(h.heap, h.realm, HeapBuilder::obj(view), { b });
    ASSERT_FALSE(serialized.is_throw());
    EXPECT_TRUE(h.heap.is_detached_buffer(b));
    auto deserialized = html::structured_deserialize_with_transfer(h.heap, serialized.value(), h.realm);
    ASSERT_FALSE(deserialized.is_throw());
    auto const& result = deserialized.value();
    ASSERT_EQ(result.transferred_values.size(), 1u);
    auto const& v = slots_of<ViewSlots>(h.at(result.deserialized));
    EXPECT_TRUE(v.viewed_array_buffer == result.transferred_values[0].as_object());
    EXPECT_EQ(v.byte_offset, 2u);
    EXPECT_EQ(v.array_length, std::optional<std::size_t>(3));
    EXPECT_EQ(slots_of<ArrayBufferSlots>(h.at(result.transferred_values[0])).array_buffer_data.get(), block);
    EXPECT_FALSE(h.heap.is_array_buffer_view_out_of_bounds(result.deserialized.as_object()));
}

TEST(StructuredSerializeWithTransfer, TransferringAnOriginTaintedImageBitmapThrowsDataCloneError)
{
    // ImageBitmap's transfer steps begin: if value's origin-clean flag is not set, throw a
    // "DataCloneError" DOMException (HTML, "The ImageBitmap interface"). They run at step 5.5.4.
    HeapBuilder h;
    auto const bitmap = h.image_bitmap(2, 2, /*origin_clean=*/false);
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(bitmap), { bitmap }), ErrorKind::dom_data_clone_error, S::s5_5_4));
    EXPECT_FALSE(detached(h, bitmap));
}

// ---- StructuredDeserializeWithTransfer ----

TEST(StructuredDeserializeWithTransfer, TransferredInterfaceNotExposedInTheTargetRealmThrowsAtStep3_4_2)
{
    HeapBuilder h;
    Realm target = realm_named("no MessagePort");
    target.exposed_interfaces = all_interfaces & ~interface_bit(PlatformInterface::message_port);
    auto const target_realm = h.add_realm(target);
    auto const port = h.platform(PlatformInterface::message_port);
    auto serialized = html::structured_serialize_with_transfer(h.heap, h.realm, HeapBuilder::obj(port), { port });
    ASSERT_FALSE(serialized.is_throw());
    EXPECT_TRUE(threw_at(html::structured_deserialize_with_transfer(h.heap, serialized.value(), target_realm),
        ErrorKind::dom_data_clone_error, D::s3_4_2));
}

TEST(StructuredDeserializeWithTransfer, TransferredValuesAreInTransferListOrderAndCreatedInTheTargetRealm)
{
    HeapBuilder h;
    auto const target_realm = h.add_realm(realm_named("target"));
    auto const port = h.platform(PlatformInterface::message_port);
    auto const b = h.buffer(2);
    auto serialized = html::structured_serialize_with_transfer(h.heap, h.realm, Value::null(), { port, b });
    ASSERT_FALSE(serialized.is_throw());
    auto deserialized = html::structured_deserialize_with_transfer(h.heap, serialized.value(), target_realm);
    ASSERT_FALSE(deserialized.is_throw());
    auto const& values = deserialized.value().transferred_values;
    ASSERT_EQ(values.size(), 2u);
    EXPECT_EQ(h.at(values[0]).kind, ObjectKind::platform);
    EXPECT_EQ(h.at(values[1]).kind, ObjectKind::array_buffer);
    EXPECT_EQ(h.at(values[0]).realm, target_realm);
    EXPECT_EQ(h.at(values[1]).realm, target_realm);
    EXPECT_EQ(deserialized.value().deserialized.type(), ValueType::null);
}

// ---- structuredClone() ----

TEST(StructuredClone, PrimitiveRootIsReturnedAsIs)
{
    HeapBuilder h;
    auto result = clone(h, HeapBuilder::num(4), {});
    ASSERT_FALSE(result.is_throw());
    EXPECT_TRUE(same_value(result.value(), HeapBuilder::num(4)));
}

TEST(StructuredClone, ResultIsANewObjectInTheRelevantRealm)
{
    HeapBuilder h;
    auto const o = h.object();
    auto result = clone(h, HeapBuilder::obj(o), {});
    ASSERT_FALSE(result.is_throw());
    EXPECT_FALSE(result.value().as_object() == o);
    EXPECT_EQ(h.at(result.value()).realm, h.realm);
}

} // namespace
} // namespace pmconf::model::tests
