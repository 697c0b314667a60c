#include "model/ecma262/heap.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace pmconf::model::ecma262 {

char const* interface_identifier(PlatformInterface i)
{
    switch (i) {
    case PlatformInterface::message_port: return "MessagePort";
    case PlatformInterface::image_bitmap: return "ImageBitmap";
    case PlatformInterface::dom_exception: return "DOMException";
    case PlatformInterface::non_serializable: return "EventTarget";
    }
    return "?";
}

bool is_serializable(PlatformInterface i)
{
    return i == PlatformInterface::image_bitmap || i == PlatformInterface::dom_exception;
}

bool is_transferable(PlatformInterface i)
{
    return i == PlatformInterface::image_bitmap || i == PlatformInterface::message_port;
}

std::u16string ascii_to_u16(std::string_view s) { return std::u16string(s.begin(), s.end()); }

char const* typed_array_name(TypedArrayName n)
{
    static constexpr char const* names[] = { "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array",
        "Uint16Array", "Int32Array", "Uint32Array", "Float16Array", "Float32Array", "Float64Array", "BigInt64Array",
        "BigUint64Array" };
    return names[static_cast<int>(n)];
}

std::size_t typed_array_element_size(TypedArrayName n)
{
    switch (n) {
    case TypedArrayName::Int8Array:
    case TypedArrayName::Uint8Array:
    case TypedArrayName::Uint8ClampedArray: return 1;
    case TypedArrayName::Int16Array:
    case TypedArrayName::Uint16Array:
    case TypedArrayName::Float16Array: return 2;
    case TypedArrayName::Int32Array:
    case TypedArrayName::Uint32Array:
    case TypedArrayName::Float32Array: return 4;
    case TypedArrayName::Float64Array:
    case TypedArrayName::BigInt64Array:
    case TypedArrayName::BigUint64Array: return 8;
    }
    return 1;
}

std::optional<TypedArrayName> typed_array_from_name(std::string_view name)
{
    for (int i = 0; i < typed_array_name_count; ++i)
        if (name == typed_array_name(static_cast<TypedArrayName>(i)))
            return static_cast<TypedArrayName>(i);
    return std::nullopt;
}

char const* error_prototype_name(ErrorPrototype p)
{
    static constexpr char const* names[] = { "Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError",
        "TypeError", "URIError" };
    return names[static_cast<int>(p)];
}

RealmId Heap::add_realm(Realm realm)
{
    m_realms.push_back(std::move(realm));
    return static_cast<RealmId>(m_realms.size() - 1);
}

std::uint32_t Heap::begin_memory_epoch()
{
    if (m_active_memory_epoch != 0)
        model_defect("two serialize memories at once on one heap", __FILE__, __LINE__);
    if (++m_last_memory_epoch == 0) {
        // After 2^32 - 1 memories the epochs start again: forget every stale entry first.
        for (std::size_t i = 0; i < m_objects.size(); ++i)
            m_objects[i].memory_epoch = 0;
        m_last_memory_epoch = 1;
    }
    m_active_memory_epoch = m_last_memory_epoch;
    return m_active_memory_epoch;
}

Value Heap::intern_string(std::u16string s)
{
    // OPTIMIZATION: interned strings make property key comparison an integer comparison.
    auto [it, inserted] = m_string_index.try_emplace(s, static_cast<std::uint32_t>(m_strings.size()));
    if (inserted)
        m_strings.push_back(std::move(s));
    return Value::string(it->second);
}

Value Heap::new_bigint(std::string canonical_decimal)
{
    m_bigints.push_back(std::move(canonical_decimal));
    return Value::bigint(static_cast<std::uint32_t>(m_bigints.size() - 1));
}

Value Heap::new_symbol(std::u16string description)
{
    m_symbols.push_back(std::move(description));
    return Value::symbol(static_cast<std::uint32_t>(m_symbols.size() - 1));
}

std::u16string Heap::key_string(PropertyKey key) const
{
    switch (key.type) {
    case PropertyKey::Type::index: {
        auto s = std::to_string(key.value);
        return std::u16string(s.begin(), s.end());
    }
    case PropertyKey::Type::string: return m_strings[key.value];
    case PropertyKey::Type::symbol: return u"Symbol(" + m_symbols[key.value] + u")";
    }
    return {};
}

std::uint32_t Heap::add_getter(GetterScript script)
{
    m_getters.push_back(std::move(script));
    return static_cast<std::uint32_t>(m_getters.size() - 1);
}

Property const* Heap::find_own_property(ObjectId id, PropertyKey key) const
{
    for (auto const& p : object(id).properties)
        if (!p.deleted && p.key == key)
            return &p;
    return nullptr;
}

void Heap::define_data_property(ObjectId id, PropertyKey key, Value value, bool enumerable, bool writable, bool configurable)
{
    auto& o = object(id);
    // Like [[DefineOwnProperty]] with a full data descriptor: an existing property keeps its
    // place in creation order and takes the new value and attributes.
    for (auto& p : o.properties) {
        if (!p.deleted && p.key == key) {
            p = Property { key, value, no_getter, enumerable, writable, configurable, false };
            return;
        }
    }
    o.properties.push_back(Property { key, value, no_getter, enumerable, writable, configurable, false });
    note_added_key(o, key);
}

void Heap::define_accessor_property(ObjectId id, PropertyKey key, std::uint32_t getter, bool enumerable)
{
    auto& o = object(id);
    delete_property(id, key);
    o.properties.push_back(Property { key, Value(), getter, enumerable, false, true, false });
    note_added_key(o, key);
}

bool Heap::delete_property(ObjectId id, PropertyKey key)
{
    for (auto& p : object(id).properties) {
        if (!p.deleted && p.key == key) {
            p.deleted = true;
            return true;
        }
    }
    return false;
}

void Heap::enumerable_own_string_keys(ObjectId id, std::vector<KeyAtSlot>& keys) const
{
    auto const& o = object(id);
    // OPTIMIZATION: room for every property first (no reallocation while filling in; storage the
    // caller's vector already has is reused), and no value-initialization of that room.
    auto const size = static_cast<std::uint32_t>(o.properties.size());
    keys.clear();
    keys.reserve(size);
    // OPTIMIZATION: whether creation order is already the required order (ascending array
    // indices, then the strings), as it is for objects built in order; then nothing is sorted.
    bool in_order = true;
    bool string_seen = false;
    std::uint64_t next_index = 0;
    for (std::uint32_t slot = 0; slot < size; ++slot) {
        auto const& p = o.properties[slot];
        if (!p.deleted && p.enumerable && p.key.type != PropertyKey::Type::symbol) {
            keys.emplace_back(p.key, slot);
            if (p.key.type == PropertyKey::Type::string) {
                string_seen = true;
            } else {
                in_order = in_order && !string_seen && p.key.value >= next_index;
                next_index = std::uint64_t(p.key.value) + 1;
            }
        }
    }
    if (o.has_index_keys && !in_order) {
        // Array indices first, ascending; then string keys in creation order.
        auto is_index = [](KeyAtSlot const& k) { return k.key.type == PropertyKey::Type::index; };
        // OPTIMIZATION: stable_partition allocates a buffer; keys are usually partitioned already.
        auto strings_begin = std::is_partitioned(keys.begin(), keys.end(), is_index)
            ? std::partition_point(keys.begin(), keys.end(), is_index)
            : std::stable_partition(keys.begin(), keys.end(), is_index);
        auto by_index = [](KeyAtSlot const& a, KeyAtSlot const& b) { return a.key.value < b.key.value; };
        if (!std::is_sorted(keys.begin(), strings_begin, by_index))
            std::sort(keys.begin(), strings_begin, by_index);
    }
}

bool Heap::has_own_property_moved(ObjectId id, KeyAtSlot k) const
{
    // Deleted and perhaps defined again by a getter: look the key up.
    return find_own_property(id, k.key) != nullptr;
}

Completion<Value> Heap::get_other(ObjectId id, KeyAtSlot k, spec::StepId calling_step)
{
    Property const* p = &object(id).properties[k.slot];
    if (p->deleted)
        p = find_own_property(id, k.key);
    if (!p)
        return Value::undefined(); // no prototype chain data is modelled for ordinary objects
    if (!p->is_accessor())
        return p->value;
    return call_getter(p->getter, calling_step);
}

Completion<Value> Heap::call_getter(std::uint32_t index, spec::StepId calling_step)
{
    auto const script = m_getters[index]; // copy: effects may grow the getter table
    m_getter_calls.push_back(script.label);
    for (auto const& effect : script.effects) {
        switch (effect.kind) {
        case GetterEffect::Kind::delete_property:
            delete_property(effect.target, effect.key);
            break;
        case GetterEffect::Kind::define_property:
            // Reflect.defineProperty(target, key, {value, writable, enumerable, configurable: true}).
            define_data_property(effect.target, effect.key, effect.value);
            break;
        case GetterEffect::Kind::detach: {
            auto& target = object(effect.target);
            if (target.kind == ObjectKind::array_buffer) {
                auto& b = slots_of<ArrayBufferSlots>(target);
                // Author code detaches by transferring; a shared, keyed or detached buffer cannot be.
                if (!b.shared && !b.has_detach_key && b.array_buffer_data) {
                    b.array_buffer_data.reset();
                    b.array_buffer_byte_length = 0;
                }
            } else if (target.kind == ObjectKind::platform) {
                auto& s = slots_of<PlatformSlots>(target);
                if (s.interface == PlatformInterface::message_port || s.interface == PlatformInterface::image_bitmap)
                    s.detached = true;
            }
            break;
        }
        case GetterEffect::Kind::delete_collection_entry: {
            auto& target = object(effect.target);
            if (target.kind == ObjectKind::map) {
                auto& m = slots_of<MapSlots>(target);
                if (effect.entry < m.map_data.size())
                    m.map_data[effect.entry].reset();
            } else if (target.kind == ObjectKind::set) {
                auto& s = slots_of<SetSlots>(target);
                if (effect.entry < s.set_data.size())
                    s.set_data[effect.entry].reset();
            }
            break;
        }
        }
    }
    if (script.throws)
        return Throw { ErrorKind::user_value, calling_step, script.result };
    return script.result;
}

bool Heap::is_detached_buffer(ObjectId id) const
{
    // 1. If arrayBuffer.[[ArrayBufferData]] is null, return true. 2. Return false.
    return !slots_of<ArrayBufferSlots>(object(id)).array_buffer_data;
}

Completion<void> Heap::detach_array_buffer(ObjectId id, spec::StepId calling_step)
{
    auto& b = slots_of<ArrayBufferSlots>(object(id));
    // 1. Assert: IsSharedArrayBuffer(arrayBuffer) is false.
    PM_ASSERT(!b.shared);
    // 2-3. The key is undefined; a buffer with another [[ArrayBufferDetachKey]] cannot be detached.
    if (b.has_detach_key)
        return throw_error(ErrorKind::type_error, calling_step);
    // 4-5. Drop the data block; the byte length becomes 0.
    b.array_buffer_data.reset();
    b.array_buffer_byte_length = 0;
    return {};
}

bool Heap::is_array_buffer_view_out_of_bounds(ObjectId id) const
{
    auto const& view = slots_of<ViewSlots>(object(id));
    // Make{DataView,TypedArray}WithBufferWitnessRecord: a detached buffer is out of bounds.
    if (is_detached_buffer(view.viewed_array_buffer))
        return true;
    auto const buffer_byte_length = slots_of<ArrayBufferSlots>(object(view.viewed_array_buffer)).array_buffer_byte_length;
    auto const start = view.byte_offset;
    std::size_t end;
    if (!view.typed_array_name) {
        end = view.byte_length ? start + *view.byte_length : buffer_byte_length;
    } else {
        end = view.array_length ? start + *view.array_length * typed_array_element_size(*view.typed_array_name)
                                : buffer_byte_length;
    }
    return start > buffer_byte_length || end > buffer_byte_length;
}

std::optional<std::uint32_t> array_index_of(std::u16string_view s)
{
    if (s.empty() || s.size() > 10)
        return std::nullopt;
    if (s.size() > 1 && s[0] == u'0')
        return std::nullopt;
    std::uint64_t v = 0;
    for (auto c : s) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
        v = v * 10 + (c - u'0');
    }
    if (v > 4294967294ull)
        return std::nullopt;
    return static_cast<std::uint32_t>(v);
}

std::u16string number_to_string(double x)
{
    auto ascii = [](std::string const& s) { return std::u16string(s.begin(), s.end()); };
    if (std::isnan(x))
        return u"NaN";
    if (x == 0)
        return u"0";
    if (std::isinf(x))
        return x < 0 ? u"-Infinity" : u"Infinity";
    if (x < 0)
        return u"-" + number_to_string(-x);
    // Shortest round-trip digits s (k digits) with exponent n such that x = s × 10^(n−k).
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
    std::string sci(buf, r.ptr);
    auto e = sci.find('e');
    std::string mantissa = sci.substr(0, e);
    int exponent = std::stoi(sci.substr(e + 1));
    std::string digits;
    for (char c : mantissa)
        if (c != '.')
            digits += c;
    int k = static_cast<int>(digits.size());
    int n = exponent + 1;
    std::string out;
    if (k <= n && n <= 21) {
        out = digits + std::string(n - k, '0');
    } else if (0 < n && n <= 21) {
        out = digits.substr(0, n) + "." + digits.substr(n);
    } else if (-6 < n && n <= 0) {
        out = "0." + std::string(-n, '0') + digits;
    } else {
        std::string exp = (n - 1 >= 0 ? "+" : "-") + std::to_string(std::abs(n - 1));
        out = digits.substr(0, 1) + (k > 1 ? "." + digits.substr(1) : "") + "e" + exp;
    }
    return ascii(out);
}

Completion<Value> Heap::to_string(Value v, spec::StepId calling_step)
{
    auto ascii = [this](std::string const& s) { return intern_string(std::u16string(s.begin(), s.end())); };
    switch (v.type()) {
    case ValueType::undefined: return ascii("undefined");
    case ValueType::null: return ascii("null");
    case ValueType::boolean: return ascii(v.as_boolean() ? "true" : "false");
    case ValueType::number: return intern_string(number_to_string(v.as_number()));
    case ValueType::bigint: return ascii(bigint(v));
    case ValueType::string: return v;
    case ValueType::symbol: return throw_error(ErrorKind::type_error, calling_step);
    case ValueType::object: break;
    }
    model_defect("ToString of an object is not modelled (the generators never ask for it)", __FILE__, __LINE__);
}

} // namespace pmconf::model::ecma262
