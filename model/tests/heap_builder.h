// Test support for the model tests: builds values in a model heap with one call per JavaScript
// construct (`{}`, `[]`, `new Map`, `Object.defineProperty`, ...) and reads results back.
#pragma once

#include "model/ecma262/heap.h"
#include "model/infra/completion.h"
#include "spec/catalogue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pmconf::model::tests {

using namespace ecma262;

inline Realm realm_named(std::string name, AgentClusterId cluster = 0)
{
    Realm r;
    r.name = std::move(name);
    r.agent_cluster = cluster;
    return r;
}

class HeapBuilder {
public:
    Heap heap;
    RealmId realm;

    explicit HeapBuilder(Realm main = realm_named("main")) : realm(heap.add_realm(std::move(main))) { }

    RealmId add_realm(Realm r) { return heap.add_realm(std::move(r)); }

    Value str(std::u16string s) { return heap.intern_string(std::move(s)); }
    static Value num(double d) { return Value::number(d); }
    static Value obj(ObjectId id) { return Value::object(id); }

    // A property key as JavaScript would canonicalize the string: array indices become index keys.
    PropertyKey key(std::u16string const& s)
    {
        if (auto index = array_index_of(s))
            return PropertyKey::index(*index);
        return PropertyKey::string(heap.intern_string(s).table_index());
    }

    ObjectId object() { return heap.allocate(ObjectKind::ordinary, realm); }
    ObjectId object_prototype() { return heap.allocate(ObjectKind::object_prototype, realm); }
    ObjectId array(std::uint32_t length = 0) { return heap.allocate(ObjectKind::array, realm, ArraySlots { length }); }
    ObjectId wrapper(ObjectKind kind, Value primitive) { return heap.allocate(kind, realm, PrimitiveWrapperSlots { primitive }); }
    ObjectId date(double time) { return heap.allocate(ObjectKind::date, realm, DateSlots { time }); }
    ObjectId regexp(std::u16string source, std::string flags, double last_index = 0)
    {
        auto const id = heap.allocate(ObjectKind::regexp, realm, RegExpSlots { std::move(source), std::move(flags) });
        heap.define_data_property(id, key(u"lastIndex"), num(last_index), false, true, false);
        return id;
    }
    ObjectId buffer(std::size_t length, std::optional<std::size_t> max_length = std::nullopt, bool shared = false)
    {
        ArrayBufferSlots b;
        b.array_buffer_data = std::make_shared<DataBlock>(std::max(length, max_length.value_or(0)));
        for (std::size_t i = 0; i < b.array_buffer_data->size(); ++i)
            (*b.array_buffer_data)[i] = static_cast<std::uint8_t>(i * 7 + 1);
        b.array_buffer_byte_length = length;
        b.array_buffer_max_byte_length = max_length;
        b.shared = shared;
        return heap.allocate(ObjectKind::array_buffer, realm, b);
    }
    ObjectId shared_buffer(std::size_t length, std::optional<std::size_t> max_length = std::nullopt)
    {
        return buffer(length, max_length, true);
    }
    ObjectId detached_buffer()
    {
        auto const id = buffer(0);
        slots_of<ArrayBufferSlots>(heap.object(id)).array_buffer_data.reset();
        return id;
    }
    // A typed array; nullopt length: length-tracking (~auto~).
    ObjectId typed_array(ObjectId viewed, TypedArrayName name, std::size_t byte_offset, std::optional<std::size_t> length)
    {
        ViewSlots v;
        v.viewed_array_buffer = viewed;
        v.typed_array_name = name;
        v.byte_offset = byte_offset;
        v.array_length = length;
        if (length)
            v.byte_length = *length * typed_array_element_size(name);
        return heap.allocate(ObjectKind::typed_array, realm, v);
    }
    ObjectId data_view(ObjectId viewed, std::size_t byte_offset, std::optional<std::size_t> byte_length)
    {
        ViewSlots v;
        v.viewed_array_buffer = viewed;
        v.byte_offset = byte_offset;
        v.byte_length = byte_length;
        return heap.allocate(ObjectKind::data_view, realm, v);
    }
    ObjectId map(std::vector<std::pair<Value, Value>> entries = {})
    {
        MapSlots m;
        for (auto const& e : entries)
            m.map_data.emplace_back(e);
        return heap.allocate(ObjectKind::map, realm, std::move(m));
    }
    ObjectId set(std::vector<Value> entries = {})
    {
        SetSlots s;
        for (auto const& e : entries)
            s.set_data.emplace_back(e);
        return heap.allocate(ObjectKind::set, realm, std::move(s));
    }
    // new NativeError(message): the message is an own non-enumerable data property.
    ObjectId error(ErrorPrototype prototype, std::optional<std::u16string> message = std::nullopt)
    {
        auto const id = heap.allocate(ObjectKind::error, realm, ErrorSlots { prototype, u"stack of the error" });
        if (message)
            heap.define_data_property(id, key(u"message"), str(*message), false, true, true);
        return id;
    }
    ObjectId platform(PlatformInterface interface)
    {
        auto slots = make_platform_slots(interface);
        if (interface == PlatformInterface::message_port)
            slots.port_id = heap.next_port_id();
        return heap.allocate(ObjectKind::platform, realm, slots);
    }
    ObjectId image_bitmap(std::uint32_t width, std::uint32_t height, bool origin_clean = true)
    {
        auto slots = make_platform_slots(PlatformInterface::image_bitmap);
        slots.width = width;
        slots.height = height;
        slots.origin_clean = origin_clean;
        return heap.allocate(ObjectKind::platform, realm, slots);
    }
    ObjectId dom_exception(std::u16string name, std::u16string message)
    {
        auto slots = make_platform_slots(PlatformInterface::dom_exception);
        slots.name = std::move(name);
        slots.message = std::move(message);
        return heap.allocate(ObjectKind::platform, realm, slots);
    }
    ObjectId proxy(bool callable) { return heap.allocate(ObjectKind::proxy, realm, ProxySlots { callable }); }
    ObjectId of_kind(ObjectKind kind) { return heap.allocate(kind, realm); }

    // o[key] = value, or Object.defineProperty(o, key, {value, enumerable, writable, configurable}).
    void put(ObjectId o, std::u16string const& k, Value v, bool enumerable = true)
    {
        heap.define_data_property(o, key(k), v, enumerable);
    }
    void put_symbol(ObjectId o, Value symbol, Value v) { heap.define_data_property(o, PropertyKey::symbol(symbol.table_index()), v); }
    // Object.defineProperty(o, key, {get, enumerable}).
    void getter(ObjectId o, std::u16string const& k, GetterScript script, bool enumerable = true)
    {
        heap.define_accessor_property(o, key(k), heap.add_getter(std::move(script)), enumerable);
    }

    // Reading results.
    Object const& at(Value v) const { return heap.object(v.as_object()); }
    Property const* own(Value o, std::u16string const& k) { return heap.find_own_property(o.as_object(), key(k)); }
    // The own data property's value; fails the test when there is none.
    Value own_value(Value o, std::u16string const& k)
    {
        auto const* p = own(o, k);
        EXPECT_NE(p, nullptr) << "no own property " << std::string(k.begin(), k.end());
        return p ? p->value : Value::undefined();
    }
    std::vector<std::u16string> own_keys(Value o) const
    {
        std::vector<std::u16string> keys;
        for (auto const& p : heap.object(o.as_object()).properties)
            if (!p.deleted)
                keys.push_back(heap.key_string(p.key));
        return keys;
    }
};

// GetterEffect constructors.
inline GetterEffect delete_property_effect(ObjectId target, PropertyKey key)
{
    return GetterEffect { GetterEffect::Kind::delete_property, target, key, Value(), 0 };
}
inline GetterEffect define_property_effect(ObjectId target, PropertyKey key, Value value)
{
    return GetterEffect { GetterEffect::Kind::define_property, target, key, value, 0 };
}
inline GetterEffect detach_effect(ObjectId target) { return GetterEffect { GetterEffect::Kind::detach, target, {}, Value(), 0 }; }
inline GetterEffect delete_entry_effect(ObjectId target, std::size_t entry)
{
    return GetterEffect { GetterEffect::Kind::delete_collection_entry, target, {}, Value(), entry };
}

inline GetterScript returning(std::uint32_t label, Value result, std::vector<GetterEffect> effects = {})
{
    return GetterScript { label, std::move(effects), false, result };
}
inline GetterScript throwing(std::uint32_t label, Value thrown, std::vector<GetterEffect> effects = {})
{
    return GetterScript { label, std::move(effects), true, thrown };
}

// SameValue on model values (objects, strings, symbols and BigInts by table identity).
inline bool same_value(Value a, Value b)
{
    if (a.type() != b.type())
        return false;
    switch (a.type()) {
    case ValueType::undefined:
    case ValueType::null: return true;
    case ValueType::boolean: return a.as_boolean() == b.as_boolean();
    case ValueType::number: {
        double const x = a.as_number(), y = b.as_number();
        if (x != x)
            return y != y;
        return x == y && std::signbit(x) == std::signbit(y);
    }
    case ValueType::object: return a.as_object() == b.as_object();
    default: return a.table_index() == b.table_index();
    }
}

// The catalogue id of a step, for readable assertions: EXPECT_EQ(step_id(t.step), "html:...").
inline std::string step_id(spec::StepId step) { return std::string(spec::step_info(step).id); }

// Asserts that a completion threw `kind` at `step`.
template<class T>
::testing::AssertionResult threw_at(Completion<T> const& c, ErrorKind kind, spec::StepId step)
{
    if (!c.is_throw())
        return ::testing::AssertionFailure() << "returned normally; expected " << error_kind_name(kind) << " at "
                                             << step_id(step);
    auto const& t = c.thrown();
    if (t.kind != kind || !(t.step == step))
        return ::testing::AssertionFailure() << "threw " << error_kind_name(t.kind) << " at " << step_id(t.step)
                                             << "; expected " << error_kind_name(kind) << " at " << step_id(step);
    return ::testing::AssertionSuccess();
}

} // namespace pmconf::model::tests
