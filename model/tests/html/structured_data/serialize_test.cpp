// StructuredSerializeInternal, one test per branch: values are built in a model heap, cloned with
// structuredClone() (or serialized), and the result read back from the heap.
// https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal

#include "model/html/structured_data/serialize.h"
#include "model/html/structured_data/with_transfer.h"
#include "model/tests/heap_builder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace pmconf::model::tests {
namespace {

namespace S = spec::steps::structured_serialize_internal;
namespace SS = spec::steps::structured_serialize;
using html::structured_clone;

// structuredClone(value) without a transfer list.
Completion<Value> clone(HeapBuilder& h, Value value) { return structured_clone(h.heap, h.realm, value, {}); }

// ---- Primitives and primitive wrappers (steps 4, 7-11) ----

TEST(StructuredSerializeInternal, PrimitivesSerializeAsPrimitiveRecords)
{
    HeapBuilder h;
    for (Value v : { Value::undefined(), Value::null(), Value::boolean(true), Value::number(-0.0), h.str(u"s"),
             h.heap.new_bigint("-12") }) {
        auto serialized = html::structured_serialize(h.heap, h.realm, v);
        ASSERT_FALSE(serialized.is_throw());
        auto const* record = std::get_if<html::PrimitiveRecord>(&serialized.value().graph[serialized.value().root]);
        ASSERT_NE(record, nullptr);
        EXPECT_TRUE(same_value(record->value, v));
    }
}

TEST(StructuredSerializeInternal, NumberObjectsKeepNegativeZeroAndNaN)
{
    HeapBuilder h;
    for (double d : { -0.0, std::numeric_limits<double>::quiet_NaN(), 0.0, -std::numeric_limits<double>::infinity() }) {
        auto const wrapper = h.wrapper(ObjectKind::number_object, HeapBuilder::num(d));
        auto result = clone(h, HeapBuilder::obj(wrapper));
        ASSERT_FALSE(result.is_throw());
        auto const& copy = h.at(result.value());
        EXPECT_EQ(copy.kind, ObjectKind::number_object);
        EXPECT_FALSE(result.value().as_object() == wrapper);
        EXPECT_TRUE(same_value(slots_of<PrimitiveWrapperSlots>(copy).primitive, HeapBuilder::num(d))) << d;
    }
}

TEST(StructuredSerializeInternal, BooleanBigIntAndStringObjectsKeepTheirPrimitive)
{
    HeapBuilder h;
    auto const big = h.heap.new_bigint("-9007199254740994000");
    auto const root = h.array();
    h.put(root, u"0", HeapBuilder::obj(h.wrapper(ObjectKind::boolean_object, Value::boolean(false))));
    h.put(root, u"1", HeapBuilder::obj(h.wrapper(ObjectKind::bigint_object, big)));
    h.put(root, u"2", HeapBuilder::obj(h.wrapper(ObjectKind::string_object, h.str(u"s"))));
    auto result = clone(h, HeapBuilder::obj(root));
    ASSERT_FALSE(result.is_throw());
    auto const b = h.own_value(result.value(), u"0");
    auto const n = h.own_value(result.value(), u"1");
    auto const s = h.own_value(result.value(), u"2");
    EXPECT_EQ(h.at(b).kind, ObjectKind::boolean_object);
    EXPECT_TRUE(same_value(slots_of<PrimitiveWrapperSlots>(h.at(b)).primitive, Value::boolean(false)));
    EXPECT_EQ(h.at(n).kind, ObjectKind::bigint_object);
    EXPECT_EQ(h.heap.bigint(slots_of<PrimitiveWrapperSlots>(h.at(n)).primitive), "-9007199254740994000");
    EXPECT_EQ(h.at(s).kind, ObjectKind::string_object);
    EXPECT_EQ(h.heap.string(slots_of<PrimitiveWrapperSlots>(h.at(s)).primitive), u"s");
}

TEST(StructuredSerializeInternal, LoneSurrogateStringsSurvive)
{
    HeapBuilder h;
    std::u16string const high(1, char16_t(0xD800));
    std::u16string const low { u'x', char16_t(0xDC00) };
    auto const root = h.object();
    h.put(root, high, h.str(low));                                                  // as key and value
    h.put(root, u"wrapped", HeapBuilder::obj(h.wrapper(ObjectKind::string_object, h.str(high))));
    auto result = clone(h, HeapBuilder::obj(root));
    ASSERT_FALSE(result.is_throw());
    EXPECT_EQ(h.heap.string(h.own_value(result.value(), high)), low);
    auto const wrapped = h.own_value(result.value(), u"wrapped");
    EXPECT_EQ(h.heap.string(slots_of<PrimitiveWrapperSlots>(h.at(wrapped)).primitive), high);

    auto primitive = clone(h, h.str(high));
    ASSERT_FALSE(primitive.is_throw());
    EXPECT_EQ(h.heap.string(primitive.value()), high);
}

TEST(StructuredSerializeInternal, DateKeepsItsTimeValueEvenNaN)
{
    HeapBuilder h;
    for (double t : { 8.64e15, -0.0, std::numeric_limits<double>::quiet_NaN() }) {
        auto result = clone(h, HeapBuilder::obj(h.date(t)));
        ASSERT_FALSE(result.is_throw());
        EXPECT_EQ(h.at(result.value()).kind, ObjectKind::date);
        EXPECT_TRUE(same_value(HeapBuilder::num(slots_of<DateSlots>(h.at(result.value())).date_value), HeapBuilder::num(t)));
    }
}

TEST(StructuredSerializeInternal, RegExpKeepsSourceAndFlagsAndResetsLastIndex)
{
    HeapBuilder h;
    auto const re = h.regexp(u"fo+", "gimsuy", 2);
    h.put(re, u"extra", Value::boolean(true)); // own properties of a RegExp are not serialized
    auto result = clone(h, HeapBuilder::obj(re));
    ASSERT_FALSE(result.is_throw());
    auto const& copy = h.at(result.value());
    ASSERT_EQ(copy.kind, ObjectKind::regexp);
    EXPECT_EQ(slots_of<RegExpSlots>(copy).original_source, u"fo+");
    EXPECT_EQ(slots_of<RegExpSlots>(copy).original_flags, "gimsuy");
    EXPECT_TRUE(same_value(h.own_value(result.value(), u"lastIndex"), HeapBuilder::num(0)));
    EXPECT_EQ(h.own(result.value(), u"extra"), nullptr);
}

// ---- Arrays and ordinary objects (steps 18, 24, 26.4) ----

TEST(StructuredSerializeInternal, SparseArrayKeepsLengthAndHoles)
{
    HeapBuilder h;
    auto const a = h.array(10);
    h.put(a, u"7", h.str(u"seven"));
    h.put(a, u"2", h.str(u"two"));
    auto result = clone(h, HeapBuilder::obj(a));
    ASSERT_FALSE(result.is_throw());
    auto const& copy = h.at(result.value());
    ASSERT_EQ(copy.kind, ObjectKind::array);
    EXPECT_EQ(slots_of<ArraySlots>(copy).length, 10u);
    // Only the two elements exist, created in index order.
    EXPECT_EQ(h.own_keys(result.value()), (std::vector<std::u16string> { u"2", u"7" }));
    EXPECT_EQ(h.heap.string(h.own_value(result.value(), u"7")), u"seven");
}

TEST(StructuredSerializeInternal, ArrayKeepsItsNonIndexProperties)
{
    HeapBuilder h;
    auto const a = h.array();
    h.put(a, u"foo", h.str(u"bar"));
    h.put(a, u"0", HeapBuilder::num(1));
    h.put(a, u"4294967295", HeapBuilder::num(2)); // not an array index: an ordinary string key
    auto result = clone(h, HeapBuilder::obj(a));
    ASSERT_FALSE(result.is_throw());
    EXPECT_EQ(slots_of<ArraySlots>(h.at(result.value())).length, 1u);
    EXPECT_EQ(h.own_keys(result.value()), (std::vector<std::u16string> { u"0", u"foo", u"4294967295" }));
}

TEST(StructuredSerializeInternal, PropertiesAreSerializedInOrdinaryOwnPropertyKeysOrder)
{
    HeapBuilder h;
    auto const o = h.object();
    h.put(o, u"b", HeapBuilder::num(1));
    h.put(o, u"10", HeapBuilder::num(2));
    h.put(o, u"a", HeapBuilder::num(3));
    h.put(o, u"2", HeapBuilder::num(4));
    h.put(o, u"01", HeapBuilder::num(5)); // not canonical: a string key
    auto result = clone(h, HeapBuilder::obj(o));
    ASSERT_FALSE(result.is_throw());
    EXPECT_EQ(h.own_keys(result.value()), (std::vector<std::u16string> { u"2", u"10", u"b", u"a", u"01" }));
}

TEST(StructuredSerializeInternal, NonEnumerableAndSymbolKeyedPropertiesAreDropped)
{
    HeapBuilder h;
    auto const o = h.object();
    h.put(o, u"kept", HeapBuilder::num(1));
    h.put(o, u"hidden", HeapBuilder::num(2), /*enumerable=*/false);
    h.put_symbol(o, h.heap.new_symbol(u"s"), HeapBuilder::num(3));
    auto result = clone(h, HeapBuilder::obj(o));
    ASSERT_FALSE(result.is_throw());
    EXPECT_EQ(h.own_keys(result.value()), (std::vector<std::u16string> { u"kept" }));
}

TEST(StructuredSerializeInternal, SharedReferencesAndCyclesArePreserved)
{
    HeapBuilder h;
    auto const root = h.object();
    auto const shared = h.object();
    h.put(root, u"x", HeapBuilder::obj(shared));
    h.put(root, u"y", HeapBuilder::obj(shared));
    h.put(root, u"self", HeapBuilder::obj(root));
    auto result = clone(h, HeapBuilder::obj(root));
    ASSERT_FALSE(result.is_throw());
    auto const x = h.own_value(result.value(), u"x");
    EXPECT_TRUE(same_value(x, h.own_value(result.value(), u"y")));
    EXPECT_FALSE(x.as_object() == shared);
    EXPECT_TRUE(same_value(h.own_value(result.value(), u"self"), result.value()));
}

TEST(StructuredSerializeInternal, ObjectPrototypeClonesToAnEmptyPlainObject)
{
    HeapBuilder h;
    auto const proto = h.object_prototype();
    h.put(proto, u"toString", Value::null(), /*enumerable=*/false); // built-in properties are not enumerable
    auto result = clone(h, HeapBuilder::obj(proto));
    ASSERT_FALSE(result.is_throw());
    EXPECT_EQ(h.at(result.value()).kind, ObjectKind::ordinary);
    EXPECT_TRUE(h.own_keys(result.value()).empty());
}

// ---- Getters (26.4.1) ----

TEST(StructuredSerializeInternal, GettersRunOnceEachInKeyOrder)
{
    HeapBuilder h;
    auto const o = h.object();
    h.getter(o, u"b", returning(1, HeapBuilder::num(1)));
    h.getter(o, u"3", returning(2, HeapBuilder::num(2))); // an index key: listed first
    h.getter(o, u"a", returning(3, HeapBuilder::num(3)));
    auto result = clone(h, HeapBuilder::obj(o));
    ASSERT_FALSE(result.is_throw());
    EXPECT_EQ(h.heap.getter_calls(), (std::vector<std::uint32_t> { 2, 1, 3 }));
    // The clone has data properties holding what the getters returned.
    auto const* b = h.own(result.value(), u"b");
    ASSERT_NE(b, nullptr);
    EXPECT_FALSE(b->is_accessor());
    EXPECT_TRUE(same_value(b->value, HeapBuilder::num(1)));
}

TEST(StructuredSerializeInternal, PropertyDeletedByAnEarlierGetterIsSkipped)
{
    HeapBuilder h;
    auto const o = h.object();
    h.getter(o, u"a", returning(1, HeapBuilder::num(1), { delete_property_effect(o, h.key(u"b")) }));
    h.getter(o, u"b", returning(2, HeapBuilder::num(2)));
    h.put(o, u"c", HeapBuilder::num(3));
    auto result = clone(h, HeapBuilder::obj(o));
    ASSERT_FALSE(result.is_throw());
    EXPECT_EQ(h.heap.getter_calls(), (std::vector<std::uint32_t> { 1 }));
    EXPECT_EQ(h.own_keys(result.value()), (std::vector<std::u16string> { u"a", u"c" }));
}

TEST(StructuredSerializeInternal, PropertyDeletedAndRedefinedByAGetterIsSerializedWithItsNewValue)
{
    HeapBuilder h;
    auto const o = h.object();
    h.getter(o, u"a", returning(1, HeapBuilder::num(1),
                          { delete_property_effect(o, h.key(u"b")), define_property_effect(o, h.key(u"b"), h.str(u"new")) }));
    h.put(o, u"b", h.str(u"old"));
    auto result = clone(h, HeapBuilder::obj(o));
    ASSERT_FALSE(result.is_throw());
    EXPECT_EQ(h.heap.string(h.own_value(result.value(), u"b")), u"new");
}

TEST(StructuredSerializeInternal, PropertyAddedByAGetterIsNotSerialized)
{
    HeapBuilder h;
    auto const o = h.object();
    h.getter(o, u"a", returning(1, HeapBuilder::num(1), { define_property_effect(o, h.key(u"late"), HeapBuilder::num(2)) }));
    auto result = clone(h, HeapBuilder::obj(o));
    ASSERT_FALSE(result.is_throw());
    EXPECT_EQ(h.own_keys(result.value()), (std::vector<std::u16string> { u"a" }));
}

TEST(StructuredSerializeInternal, PropertyRedefinedAsEnumerableByAGetterIsSerializedWithAnObjectListedLater)
{
    // The define effect is Object.defineProperty(target, key, {value, writable: true,
    // enumerable: true, configurable: true}) (GetterEffect: "a new enumerable data property";
    // the JavaScript adapter runs exactly that). `later`'s keys are listed (26.4) only once the
    // getter has run, so its "h", enumerable by then, is serialized.
    HeapBuilder h;
    auto const later = h.object();
    h.put(later, u"h", HeapBuilder::num(0), /*enumerable=*/false);
    auto const root = h.object();
    h.getter(root, u"a", returning(1, Value::undefined(), { define_property_effect(later, h.key(u"h"), HeapBuilder::num(1)) }));
    h.put(root, u"b", HeapBuilder::obj(later));
    auto result = clone(h, HeapBuilder::obj(root));
    ASSERT_FALSE(result.is_throw());
    auto const* p = h.own(HeapBuilder::obj(later), u"h");
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(p->enumerable) << "the defined property is not enumerable in the original";
    auto const copy = h.own_value(result.value(), u"b");
    ASSERT_NE(h.own(copy, u"h"), nullptr) << "the property the getter made enumerable was not serialized";
    EXPECT_TRUE(same_value(h.own_value(copy, u"h"), HeapBuilder::num(1)));
}

TEST(StructuredSerializeInternal, GetterThatThrowsPropagatesItsValueAtStep26_4_1_1)
{
    HeapBuilder h;
    auto const o = h.object();
    auto const exception = h.error(ErrorPrototype::Error);
    h.put(o, u"before", HeapBuilder::num(0));
    h.getter(o, u"test", throwing(1, HeapBuilder::obj(exception)));
    h.getter(o, u"after", returning(2, HeapBuilder::num(2)));
    auto result = clone(h, HeapBuilder::obj(o));
    ASSERT_TRUE(threw_at(result, ErrorKind::user_value, S::s26_4_1_1));
    EXPECT_TRUE(same_value(result.thrown().thrown_value, HeapBuilder::obj(exception)));
    EXPECT_EQ(h.heap.getter_calls(), (std::vector<std::uint32_t> { 1 })); // nothing runs after the throw
}

// ---- Map and Set (steps 15, 16, 26.1, 26.2) ----

TEST(StructuredSerializeInternal, MapAndSetKeepEntryOrderAndIdentity)
{
    HeapBuilder h;
    auto const key = h.object();
    auto const m = h.map({ { HeapBuilder::obj(key), h.str(u"v") }, { HeapBuilder::num(-1), HeapBuilder::obj(key) } });
    auto const s = h.set({ HeapBuilder::obj(key), HeapBuilder::num(1) });
    auto const root = h.array();
    h.put(root, u"0", HeapBuilder::obj(m));
    h.put(root, u"1", HeapBuilder::obj(s));
    auto result = clone(h, HeapBuilder::obj(root));
    ASSERT_FALSE(result.is_throw());
    auto const& map = slots_of<MapSlots>(h.at(h.own_value(result.value(), u"0"))).map_data;
    auto const& set = slots_of<SetSlots>(h.at(h.own_value(result.value(), u"1"))).set_data;
    ASSERT_EQ(map.size(), 2u);
    ASSERT_EQ(set.size(), 2u);
    auto const key_copy = map[0]->first;
    EXPECT_FALSE(key_copy.as_object() == key);
    EXPECT_TRUE(same_value(map[1]->first, HeapBuilder::num(-1)));
    EXPECT_TRUE(same_value(map[1]->second, key_copy));
    EXPECT_TRUE(same_value(*set[0], key_copy));
    EXPECT_TRUE(same_value(*set[1], HeapBuilder::num(1)));
}

TEST(StructuredSerializeInternal, MapEntryDeletedBeforeTheCopyIsSkipped)
{
    HeapBuilder h;
    auto const m = h.map({ { h.str(u"k0"), HeapBuilder::num(0) }, { h.str(u"k1"), HeapBuilder::num(1) } });
    auto const root = h.object();
    h.getter(root, u"a", returning(1, Value::undefined(), { delete_entry_effect(m, 0) })); // runs before "m" is serialized
    h.put(root, u"m", HeapBuilder::obj(m));
    auto result = clone(h, HeapBuilder::obj(root));
    ASSERT_FALSE(result.is_throw());
    auto const& map = slots_of<MapSlots>(h.at(h.own_value(result.value(), u"m"))).map_data;
    ASSERT_EQ(map.size(), 1u);
    EXPECT_EQ(h.heap.string(map[0]->first), u"k1");
}

TEST(StructuredSerializeInternal, MapEntryDeletedAfterTheCopyIsStillSerialized)
{
    HeapBuilder h;
    auto const m = h.map();
    auto const value = h.object();
    h.getter(value, u"g", returning(1, Value::undefined(), { delete_entry_effect(m, 1) }));
    slots_of<MapSlots>(h.heap.object(m)).map_data = { std::pair { h.str(u"k0"), HeapBuilder::obj(value) },
        std::pair { h.str(u"k1"), HeapBuilder::num(1) } };
    auto result = clone(h, HeapBuilder::obj(m));
    ASSERT_FALSE(result.is_throw());
    EXPECT_EQ(h.heap.getter_calls(), (std::vector<std::uint32_t> { 1 }));
    EXPECT_FALSE(slots_of<MapSlots>(h.heap.object(m)).map_data[1].has_value()); // deleted in the original
    auto const& map = slots_of<MapSlots>(h.at(result.value())).map_data;
    ASSERT_EQ(map.size(), 2u); // 26.1.1-26.1.2 copied the entries before any getter ran
    EXPECT_EQ(h.heap.string(map[1]->first), u"k1");
}

TEST(StructuredSerializeInternal, SetEntryDeletedAfterTheCopyIsStillSerialized)
{
    HeapBuilder h;
    auto const s = h.set();
    auto const first = h.object();
    h.getter(first, u"g", returning(1, Value::undefined(), { delete_entry_effect(s, 1) }));
    slots_of<SetSlots>(h.heap.object(s)).set_data = { HeapBuilder::obj(first), h.str(u"second") };
    auto result = clone(h, HeapBuilder::obj(s));
    ASSERT_FALSE(result.is_throw());
    auto const& set = slots_of<SetSlots>(h.at(result.value())).set_data;
    ASSERT_EQ(set.size(), 2u);
    EXPECT_EQ(h.heap.string(*set[1]), u"second");
}

TEST(StructuredSerializeInternal, OwnPropertiesOfMapsAndSetsAreNotSerialized)
{
    HeapBuilder h;
    auto const m = h.map();
    h.put(m, u"p", HeapBuilder::num(1));
    auto result = clone(h, HeapBuilder::obj(m));
    ASSERT_FALSE(result.is_throw());
    EXPECT_TRUE(h.own_keys(result.value()).empty());
}

// ---- Values that cannot be serialized (steps 5, 19.1, 20-23) ----

TEST(StructuredSerializeInternal, SymbolThrowsDataCloneErrorAtStep5)
{
    HeapBuilder h;
    auto const o = h.object();
    h.put(o, u"s", h.heap.new_symbol(u"desc"));
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(o)), ErrorKind::dom_data_clone_error, S::s5));
    EXPECT_TRUE(threw_at(clone(h, h.heap.new_symbol(u"root")), ErrorKind::dom_data_clone_error, S::s5));
}

TEST(StructuredSerializeInternal, NonSerializablePlatformObjectThrowsAtStep20)
{
    HeapBuilder h;
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(h.platform(PlatformInterface::non_serializable))),
        ErrorKind::dom_data_clone_error, S::s20));
    // A MessagePort is transferable, not serializable: outside a transfer list it is rejected too.
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(h.platform(PlatformInterface::message_port))),
        ErrorKind::dom_data_clone_error, S::s20));
}

TEST(StructuredSerializeInternal, FunctionAndCallableProxyThrowAtStep21)
{
    HeapBuilder h;
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(h.of_kind(ObjectKind::function))), ErrorKind::dom_data_clone_error, S::s21));
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(h.proxy(true))), ErrorKind::dom_data_clone_error, S::s21));
}

TEST(StructuredSerializeInternal, WeakCollectionsWeakRefAndPromiseThrowAtStep22)
{
    HeapBuilder h;
    for (auto kind : { ObjectKind::weak_map, ObjectKind::weak_set, ObjectKind::weak_ref, ObjectKind::promise })
        EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(h.of_kind(kind))), ErrorKind::dom_data_clone_error, S::s22));
}

TEST(StructuredSerializeInternal, ProxyThrowsAtStep23)
{
    HeapBuilder h;
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(h.proxy(false))), ErrorKind::dom_data_clone_error, S::s23));
}

TEST(StructuredSerializeInternal, DetachedImageBitmapThrowsAtStep19_1)
{
    HeapBuilder h;
    auto const bitmap = h.image_bitmap(2, 3);
    slots_of<PlatformSlots>(h.heap.object(bitmap)).detached = true;
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(bitmap)), ErrorKind::dom_data_clone_error, S::s19_1));
}

TEST(StructuredSerializeInternal, ImageBitmapAndDomExceptionRunTheirSerializationSteps)
{
    HeapBuilder h;
    auto const root = h.array();
    h.put(root, u"0", HeapBuilder::obj(h.image_bitmap(2, 3)));
    h.put(root, u"1", HeapBuilder::obj(h.dom_exception(u"DataCloneError", u"no")));
    auto result = clone(h, HeapBuilder::obj(root));
    ASSERT_FALSE(result.is_throw());
    auto const& bitmap = slots_of<PlatformSlots>(h.at(h.own_value(result.value(), u"0")));
    EXPECT_EQ(bitmap.interface, PlatformInterface::image_bitmap);
    EXPECT_EQ(bitmap.width, 2u);
    EXPECT_EQ(bitmap.height, 3u);
    auto const& exception = slots_of<PlatformSlots>(h.at(h.own_value(result.value(), u"1")));
    EXPECT_EQ(exception.interface, PlatformInterface::dom_exception);
    EXPECT_EQ(exception.name, u"DataCloneError");
    EXPECT_EQ(exception.message, u"no");
}

TEST(StructuredSerializeInternal, OriginTaintedImageBitmapThrowsInItsSerializationStepsAtStep26_3)
{
    HeapBuilder h;
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(h.image_bitmap(1, 1, /*origin_clean=*/false))),
        ErrorKind::dom_data_clone_error, S::s26_3));
}

// ---- Errors (step 17) ----

TEST(StructuredSerializeInternal, ErrorKeepsItsNativeErrorPrototypeAndMessage)
{
    for (int i = 0; i < 7; ++i) {
        HeapBuilder h;
        auto const prototype = static_cast<ErrorPrototype>(i);
        auto const e = h.error(prototype, u"Error message here");
        h.put(e, u"foo", h.str(u"testing")); // own enumerable properties of an Error are not serialized
        auto result = clone(h, HeapBuilder::obj(e));
        ASSERT_FALSE(result.is_throw());
        auto const& copy = h.at(result.value());
        ASSERT_EQ(copy.kind, ObjectKind::error);
        EXPECT_EQ(slots_of<ErrorSlots>(copy).prototype, prototype) << error_prototype_name(prototype);
        auto const* message = h.own(result.value(), u"message");
        ASSERT_NE(message, nullptr);
        EXPECT_EQ(h.heap.string(message->value), u"Error message here");
        EXPECT_FALSE(message->enumerable);
        EXPECT_TRUE(message->writable);
        EXPECT_TRUE(message->configurable);
        EXPECT_EQ(h.own(result.value(), u"foo"), nullptr);
    }
}

TEST(StructuredSerializeInternal, ErrorWithoutMessageClonesWithoutMessageProperty)
{
    HeapBuilder h;
    auto result = clone(h, HeapBuilder::obj(h.error(ErrorPrototype::Error)));
    ASSERT_FALSE(result.is_throw());
    EXPECT_EQ(h.own(result.value(), u"message"), nullptr);
}

TEST(StructuredSerializeInternal, CustomErrorNameIsNormalizedToError)
{
    HeapBuilder h;
    auto const e = h.error(ErrorPrototype::TypeError, u"m");
    h.put(e, u"name", h.str(u"CustomError"), false);
    auto serialized = html::structured_serialize(h.heap, h.realm, HeapBuilder::obj(e));
    ASSERT_FALSE(serialized.is_throw());
    EXPECT_EQ(html::record_get<html::ErrorRecord>(serialized.value().graph[serialized.value().root]).name, u"Error");
    auto result = clone(h, HeapBuilder::obj(e));
    ASSERT_FALSE(result.is_throw());
    EXPECT_EQ(slots_of<ErrorSlots>(h.at(result.value())).prototype, ErrorPrototype::Error);
}

TEST(StructuredSerializeInternal, NonStringErrorNameIsNormalizedToError)
{
    HeapBuilder h;
    auto const e = h.error(ErrorPrototype::RangeError);
    h.put(e, u"name", HeapBuilder::num(5), false);
    auto result = clone(h, HeapBuilder::obj(e));
    ASSERT_FALSE(result.is_throw());
    EXPECT_EQ(slots_of<ErrorSlots>(h.at(result.value())).prototype, ErrorPrototype::Error);
}

TEST(StructuredSerializeInternal, OwnNativeErrorNameWinsOverThePrototype)
{
    HeapBuilder h;
    auto const e = h.error(ErrorPrototype::TypeError);
    h.put(e, u"name", h.str(u"URIError"), false);
    auto result = clone(h, HeapBuilder::obj(e));
    ASSERT_FALSE(result.is_throw());
    EXPECT_EQ(slots_of<ErrorSlots>(h.at(result.value())).prototype, ErrorPrototype::URIError);
}

TEST(StructuredSerializeInternal, NameGetterIsCalledAndItsResultNormalized)
{
    HeapBuilder h;
    auto const e = h.error(ErrorPrototype::Error);
    h.getter(e, u"name", returning(4, h.str(u"SyntaxError")), false);
    auto result = clone(h, HeapBuilder::obj(e));
    ASSERT_FALSE(result.is_throw());
    EXPECT_EQ(h.heap.getter_calls(), (std::vector<std::uint32_t> { 4 }));
    EXPECT_EQ(slots_of<ErrorSlots>(h.at(result.value())).prototype, ErrorPrototype::SyntaxError);
}

TEST(StructuredSerializeInternal, NameGetterThatThrowsPropagatesAtStep17_1)
{
    HeapBuilder h;
    auto const e = h.error(ErrorPrototype::Error);
    h.getter(e, u"name", throwing(4, h.str(u"boom")), false);
    auto result = clone(h, HeapBuilder::obj(e));
    ASSERT_TRUE(threw_at(result, ErrorKind::user_value, S::s17_1));
    EXPECT_EQ(h.heap.string(result.thrown().thrown_value), u"boom");
}

TEST(StructuredSerializeInternal, MessageAccessorGivesUndefinedMessageWithoutCallingTheGetter)
{
    HeapBuilder h;
    auto const e = h.error(ErrorPrototype::Error);
    h.getter(e, u"message", returning(9, h.str(u"from getter")), false);
    auto serialized = html::structured_serialize(h.heap, h.realm, HeapBuilder::obj(e));
    ASSERT_FALSE(serialized.is_throw());
    EXPECT_FALSE(html::record_get<html::ErrorRecord>(serialized.value().graph[serialized.value().root]).message.has_value());
    auto result = clone(h, HeapBuilder::obj(e));
    ASSERT_FALSE(result.is_throw());
    EXPECT_EQ(h.own(result.value(), u"message"), nullptr);
    EXPECT_TRUE(h.heap.getter_calls().empty());
}

TEST(StructuredSerializeInternal, NonStringMessageIsConvertedWithToString)
{
    HeapBuilder h;
    auto const e = h.error(ErrorPrototype::Error);
    h.put(e, u"message", HeapBuilder::num(-0.0), false);
    auto const f = h.error(ErrorPrototype::Error);
    h.put(f, u"message", HeapBuilder::num(1e21), false);
    auto const root = h.array();
    h.put(root, u"0", HeapBuilder::obj(e));
    h.put(root, u"1", HeapBuilder::obj(f));
    auto result = clone(h, HeapBuilder::obj(root));
    ASSERT_FALSE(result.is_throw());
    EXPECT_EQ(h.heap.string(h.own_value(h.own_value(result.value(), u"0"), u"message")), u"0");
    EXPECT_EQ(h.heap.string(h.own_value(h.own_value(result.value(), u"1"), u"message")), u"1e+21");
}

TEST(StructuredSerializeInternal, SymbolMessageThrowsTypeErrorAtStep17_4)
{
    HeapBuilder h;
    auto const e = h.error(ErrorPrototype::Error);
    h.put(e, u"message", h.heap.new_symbol(u"m"), false);
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(e)), ErrorKind::type_error, S::s17_4));
}

// ---- ArrayBuffer and SharedArrayBuffer (step 13) ----

TEST(StructuredSerializeInternal, ArrayBufferIsCopiedIntoANewDataBlock)
{
    HeapBuilder h;
    auto const b = h.buffer(5);
    auto result = clone(h, HeapBuilder::obj(b));
    ASSERT_FALSE(result.is_throw());
    auto const& original = slots_of<ArrayBufferSlots>(h.heap.object(b));
    auto const& copy = slots_of<ArrayBufferSlots>(h.at(result.value()));
    EXPECT_EQ(copy.array_buffer_byte_length, 5u);
    EXPECT_FALSE(copy.array_buffer_max_byte_length.has_value());
    ASSERT_TRUE(copy.array_buffer_data && original.array_buffer_data);
    EXPECT_NE(copy.array_buffer_data.get(), original.array_buffer_data.get());
    EXPECT_EQ(*copy.array_buffer_data, *original.array_buffer_data);
    EXPECT_FALSE(h.heap.is_detached_buffer(b)); // copying leaves the original alone
}

TEST(StructuredSerializeInternal, ResizableArrayBufferKeepsItsMaxByteLength)
{
    HeapBuilder h;
    auto result = clone(h, HeapBuilder::obj(h.buffer(16, 1024)));
    ASSERT_FALSE(result.is_throw());
    auto const& copy = slots_of<ArrayBufferSlots>(h.at(result.value()));
    EXPECT_EQ(copy.array_buffer_byte_length, 16u);
    EXPECT_EQ(copy.array_buffer_max_byte_length, std::optional<std::size_t>(1024));
}

TEST(StructuredSerializeInternal, DetachedArrayBufferThrowsAtStep13_2_1)
{
    HeapBuilder h;
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(h.detached_buffer())), ErrorKind::dom_data_clone_error, S::s13_2_1));
}

TEST(StructuredSerializeInternal, AllocationFailureThrowsRangeErrorAtStep13_2_3)
{
    Realm small = realm_named("small");
    small.max_allocation = 4;
    HeapBuilder h(small);
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(h.buffer(8))), ErrorKind::range_error, S::s13_2_3));
}

TEST(StructuredSerializeInternal, SharedArrayBufferSharesItsDataBlockWithinTheAgentCluster)
{
    HeapBuilder h;
    auto const fixed = h.shared_buffer(8);
    auto const growable = h.shared_buffer(8, 64);
    auto const root = h.array();
    h.put(root, u"0", HeapBuilder::obj(fixed));
    h.put(root, u"1", HeapBuilder::obj(growable));
    auto result = clone(h, HeapBuilder::obj(root));
    ASSERT_FALSE(result.is_throw());
    auto const& f = slots_of<ArrayBufferSlots>(h.at(h.own_value(result.value(), u"0")));
    auto const& g = slots_of<ArrayBufferSlots>(h.at(h.own_value(result.value(), u"1")));
    EXPECT_TRUE(f.shared);
    EXPECT_EQ(f.array_buffer_data.get(), slots_of<ArrayBufferSlots>(h.heap.object(fixed)).array_buffer_data.get());
    EXPECT_FALSE(f.array_buffer_max_byte_length.has_value());
    EXPECT_TRUE(g.shared);
    EXPECT_EQ(g.array_buffer_data.get(), slots_of<ArrayBufferSlots>(h.heap.object(growable)).array_buffer_data.get());
    EXPECT_EQ(g.array_buffer_max_byte_length, std::optional<std::size_t>(64));
}

TEST(StructuredSerializeInternal, SharedArrayBufferWithoutCrossOriginIsolationThrowsAtStep13_1_1)
{
    Realm isolated_not = realm_named("not isolated");
    isolated_not.cross_origin_isolated = false;
    HeapBuilder h(isolated_not);
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(h.shared_buffer(8))), ErrorKind::dom_data_clone_error, S::s13_1_1));
    // 13.1.1 comes before 13.1.2.
    EXPECT_TRUE(threw_at(html::structured_serialize_for_storage(h.heap, h.realm, HeapBuilder::obj(h.shared_buffer(8))),
        ErrorKind::dom_data_clone_error, S::s13_1_1));
}

TEST(StructuredSerializeInternal, SharedArrayBufferForStorageThrowsAtStep13_1_2)
{
    HeapBuilder h;
    EXPECT_TRUE(threw_at(html::structured_serialize_for_storage(h.heap, h.realm, HeapBuilder::obj(h.shared_buffer(8))),
        ErrorKind::dom_data_clone_error, S::s13_1_2));
    EXPECT_FALSE(html::structured_serialize(h.heap, h.realm, HeapBuilder::obj(h.shared_buffer(8))).is_throw());
}

// ---- Views (step 14) ----

TEST(StructuredSerializeInternal, TypedArrayKeepsItsTypeOffsetAndLength)
{
    HeapBuilder h;
    auto const b = h.buffer(16);
    auto result = clone(h, HeapBuilder::obj(h.typed_array(b, TypedArrayName::Int16Array, 2, 3)));
    ASSERT_FALSE(result.is_throw());
    auto const& copy = h.at(result.value());
    ASSERT_EQ(copy.kind, ObjectKind::typed_array);
    auto const& v = slots_of<ViewSlots>(copy);
    EXPECT_EQ(v.typed_array_name, std::optional(TypedArrayName::Int16Array));
    EXPECT_EQ(v.byte_offset, 2u);
    EXPECT_EQ(v.array_length, std::optional<std::size_t>(3));
    EXPECT_EQ(v.byte_length, std::optional<std::size_t>(6));
    EXPECT_FALSE(v.viewed_array_buffer == b);
    EXPECT_EQ(slots_of<ArrayBufferSlots>(h.heap.object(v.viewed_array_buffer)).array_buffer_byte_length, 16u);
}

TEST(StructuredSerializeInternal, ViewsOfOneBufferShareTheClonedBuffer)
{
    HeapBuilder h;
    auto const b = h.buffer(8);
    auto const root = h.array();
    h.put(root, u"0", HeapBuilder::obj(h.typed_array(b, TypedArrayName::Uint8Array, 0, 8)));
    h.put(root, u"1", HeapBuilder::obj(h.data_view(b, 4, 4)));
    h.put(root, u"2", HeapBuilder::obj(b));
    auto result = clone(h, HeapBuilder::obj(root));
    ASSERT_FALSE(result.is_throw());
    auto const t = slots_of<ViewSlots>(h.at(h.own_value(result.value(), u"0"))).viewed_array_buffer;
    auto const& dv = h.at(h.own_value(result.value(), u"1"));
    EXPECT_EQ(dv.kind, ObjectKind::data_view);
    EXPECT_TRUE(slots_of<ViewSlots>(dv).viewed_array_buffer == t);
    EXPECT_TRUE(h.own_value(result.value(), u"2").as_object() == t);
}

TEST(StructuredSerializeInternal, OutOfBoundsViewThrowsAtStep14_1)
{
    HeapBuilder h;
    // new Uint8Array(ab, 8) on a resizable buffer, then ab.resize(0).
    auto const shrunk = h.buffer(16, 1024);
    auto const typed = h.typed_array(shrunk, TypedArrayName::Uint8Array, 8, std::nullopt);
    auto const view = h.data_view(shrunk, 8, std::nullopt);
    slots_of<ArrayBufferSlots>(h.heap.object(shrunk)).array_buffer_byte_length = 0;
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(typed)), ErrorKind::dom_data_clone_error, S::s14_1));
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(view)), ErrorKind::dom_data_clone_error, S::s14_1));
    // A fixed-length view past the end of its buffer.
    auto const small = h.buffer(8);
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(h.typed_array(small, TypedArrayName::Uint32Array, 4, 2))),
        ErrorKind::dom_data_clone_error, S::s14_1));
}

TEST(StructuredSerializeInternal, ViewOnADetachedBufferThrowsAtStep14_1)
{
    HeapBuilder h;
    auto const b = h.buffer(8);
    auto const view = h.typed_array(b, TypedArrayName::Uint8Array, 0, 8);
    ASSERT_FALSE(h.heap.detach_array_buffer(b, S::s14_1).is_throw());
    EXPECT_TRUE(threw_at(clone(h, HeapBuilder::obj(view)), ErrorKind::dom_data_clone_error, S::s14_1));
}

TEST(StructuredSerializeInternal, LengthTrackingViewsStayLengthTracking)
{
    HeapBuilder h;
    auto const b = h.buffer(16, 1024);
    auto const root = h.array();
    h.put(root, u"0", HeapBuilder::obj(h.typed_array(b, TypedArrayName::Uint8Array, 4, std::nullopt)));
    h.put(root, u"1", HeapBuilder::obj(h.data_view(b, 0, std::nullopt)));
    auto result = clone(h, HeapBuilder::obj(root));
    ASSERT_FALSE(result.is_throw());
    auto const& t = slots_of<ViewSlots>(h.at(h.own_value(result.value(), u"0")));
    auto const& d = slots_of<ViewSlots>(h.at(h.own_value(result.value(), u"1")));
    EXPECT_FALSE(t.array_length.has_value());
    EXPECT_FALSE(t.byte_length.has_value());
    EXPECT_EQ(t.byte_offset, 4u);
    EXPECT_FALSE(d.byte_length.has_value());
    auto const& buffer = slots_of<ArrayBufferSlots>(h.heap.object(t.viewed_array_buffer));
    EXPECT_EQ(buffer.array_buffer_max_byte_length, std::optional<std::size_t>(1024));
}

} // namespace
} // namespace pmconf::model::tests
