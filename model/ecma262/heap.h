// The value heap: realms, and one arena of objects shared by all realms of a model run.
// Objects are plain data with stable ids; every slot the structured data algorithms read is a
// field with the spec's name. Author code is limited to getters whose behaviour is data
// (GetterScript), so the model never runs JavaScript.
#pragma once

#include "model/ecma262/value.h"
#include "model/infra/arena.h"
#include "model/infra/chunked_vector.h"
#include "model/infra/completion.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <variant>
#include <vector>

namespace pmconf::model::ecma262 {

using RealmId = std::uint32_t;
using AgentClusterId = std::uint32_t;

// Platform interfaces the model knows. Exposure is per realm.
enum class PlatformInterface : std::uint8_t {
    message_port,     // [Transferable]
    image_bitmap,     // [Serializable, Transferable]
    dom_exception,    // [Serializable]
    non_serializable, // any other platform object (e.g. an EventTarget)
};
inline constexpr std::uint32_t interface_bit(PlatformInterface i) { return 1u << static_cast<unsigned>(i); }
inline constexpr std::uint32_t all_interfaces = 0xFu;
char const* interface_identifier(PlatformInterface); // "MessagePort", ...
bool is_serializable(PlatformInterface);
bool is_transferable(PlatformInterface);

struct Realm {
    std::string name;
    AgentClusterId agent_cluster = 0;
    bool cross_origin_isolated = true;       // the settings object's cross-origin isolated capability
    std::uint32_t exposed_interfaces = all_interfaces;
    // IMPLEMENTATION-DEFINED: the largest data block this realm can allocate (CreateByteDataBlock
    // and new ArrayBuffer objects throw past it).
    std::size_t max_allocation = std::size_t(1) << 30;
};

struct PropertyKey {
    enum class Type : std::uint8_t { index, string, symbol };
    Type type = Type::string;
    std::uint32_t value = 0; // the array index, or the string / symbol table index
    friend constexpr bool operator==(PropertyKey, PropertyKey) = default;
    static constexpr PropertyKey index(std::uint32_t i) { return { Type::index, i }; }
    static constexpr PropertyKey string(std::uint32_t s) { return { Type::string, s }; }
    static constexpr PropertyKey symbol(std::uint32_t s) { return { Type::symbol, s }; }
};

inline constexpr std::uint32_t no_getter = 0xFFFFFFFFu;

struct Property {
    PropertyKey key;
    Value value;                    // [[Value]] of a data property
    std::uint32_t getter = no_getter; // accessor property: index into Heap::getters (no setter is modelled)
    bool enumerable = true;
    bool writable = true;
    bool configurable = true;
    bool deleted = false;           // tombstone; keeps slot indices stable during serialization
    bool is_accessor() const { return getter != no_getter; }
};

// What an author-defined getter does when called: some effects, then return or throw a value.
struct GetterEffect {
    enum class Kind : std::uint8_t {
        delete_property,   // delete target[key]
        define_property,   // target[key] = value (a new enumerable data property, or overwrite)
        detach,            // detach target: an ArrayBuffer (DetachArrayBuffer) or a MessagePort (as if transferred elsewhere)
        delete_collection_entry, // Map.prototype.delete / Set.prototype.delete of the entry at `entry`
    };
    Kind kind;
    ObjectId target;
    PropertyKey key;
    Value value;
    std::size_t entry = 0;
};

struct GetterScript {
    std::uint32_t label = 0; // how the observation names this getter
    std::vector<GetterEffect> effects;
    bool throws = false;
    Value result; // returned or thrown
};

enum class ObjectKind : std::uint8_t {
    ordinary,
    object_prototype, // %Object.prototype%: an immutable prototype exotic object
    array,
    boolean_object,
    number_object,
    bigint_object,
    string_object,
    date,
    regexp,
    array_buffer,     // ArrayBuffer or SharedArrayBuffer
    typed_array,
    data_view,
    map,
    set,
    error,
    function,         // callable
    weak_map,
    weak_set,
    weak_ref,
    promise,
    proxy,
    platform,
};

enum class TypedArrayName : std::uint8_t {
    Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
    Float16Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};
inline constexpr int typed_array_name_count = 12;
char const* typed_array_name(TypedArrayName);
std::size_t typed_array_element_size(TypedArrayName);
std::optional<TypedArrayName> typed_array_from_name(std::string_view);

enum class ErrorPrototype : std::uint8_t { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
char const* error_prototype_name(ErrorPrototype);

using DataBlock = std::vector<std::uint8_t>;

struct PrimitiveWrapperSlots { Value primitive; }; // [[BooleanData]], [[NumberData]], [[BigIntData]], [[StringData]]
struct ArraySlots { std::uint32_t length = 0; };
struct DateSlots { double date_value = 0; };
struct RegExpSlots { std::u16string original_source; std::string original_flags; };
struct ArrayBufferSlots {
    std::shared_ptr<DataBlock> array_buffer_data; // null: detached
    std::size_t array_buffer_byte_length = 0;
    std::optional<std::size_t> array_buffer_max_byte_length; // resizable / growable
    bool shared = false;                                       // SharedArrayBuffer
    bool has_detach_key = false; // [[ArrayBufferDetachKey]] is not undefined (e.g. WebAssembly.Memory's buffer)
};
struct ViewSlots {
    ObjectId viewed_array_buffer;
    std::optional<TypedArrayName> typed_array_name; // absent: a DataView
    std::size_t byte_offset = 0;
    std::optional<std::size_t> byte_length;  // absent: ~auto~ (length-tracking)
    std::optional<std::size_t> array_length; // typed arrays; absent: ~auto~
};
struct MapSlots { std::vector<std::optional<std::pair<Value, Value>>> map_data; }; // nullopt: ~empty~
struct SetSlots { std::vector<std::optional<Value>> set_data; };
struct ErrorSlots {
    ErrorPrototype prototype = ErrorPrototype::Error;
    std::u16string stack;
};
struct ProxySlots { bool callable = false; };
struct PlatformSlots {
    PlatformInterface interface = PlatformInterface::non_serializable;
    bool detached = false;          // [[Detached]], for transferable interfaces
    std::uint32_t port_id = 0;      // MessagePort: which port (for observations)
    std::u16string name, message;   // DOMException
    std::uint32_t width = 0, height = 0; // ImageBitmap
    bool origin_clean = true;            // ImageBitmap
};

inline PlatformSlots make_platform_slots(PlatformInterface interface)
{
    PlatformSlots slots;
    slots.interface = interface;
    return slots;
}

// OPTIMIZATION: the slots of the rarer, bigger kinds live behind a pointer, so that every object
// (plain objects and arrays above all) stays small; slots_of<T> sees through the box.
template<class T>
class Boxed {
public:
    Boxed(T value) : m_value(std::make_unique<T>(std::move(value))) { }
    Boxed(Boxed const& other) : m_value(other.m_value ? std::make_unique<T>(*other.m_value) : nullptr) { }
    Boxed& operator=(Boxed const& other)
    {
        m_value = other.m_value ? std::make_unique<T>(*other.m_value) : nullptr;
        return *this;
    }
    Boxed(Boxed&&) noexcept = default;
    Boxed& operator=(Boxed&&) noexcept = default;
    T& get() { return *m_value; }
    T const& get() const { return *m_value; }

private:
    std::unique_ptr<T> m_value;
};

using Slots = std::variant<std::monostate, PrimitiveWrapperSlots, ArraySlots, DateSlots, Boxed<RegExpSlots>,
    Boxed<ArrayBufferSlots>, Boxed<ViewSlots>, MapSlots, SetSlots, Boxed<ErrorSlots>, ProxySlots, Boxed<PlatformSlots>>;

namespace detail {
template<class T>
inline constexpr bool boxed_slots = std::is_same_v<T, RegExpSlots> || std::is_same_v<T, ArrayBufferSlots>
    || std::is_same_v<T, ViewSlots> || std::is_same_v<T, ErrorSlots> || std::is_same_v<T, PlatformSlots>;
template<class T>
using SlotsAlternative = std::conditional_t<boxed_slots<T>, Boxed<T>, T>;
}

struct Object {
    ObjectKind kind = ObjectKind::ordinary;
    RealmId realm = 0;
    bool has_index_keys = false; // OPTIMIZATION: skip sorting keys when there are none
    ArenaVector<Property> properties; // OPTIMIZATION: in its heap's PropertyArena
    Slots slots;
    // OPTIMIZATION: the entry of StructuredSerializeInternal's memory for this object (see
    // html::SerializeMemory), valid only while memory_epoch is the heap's active memory epoch:
    // the memory costs O(graph), whatever the size of the heap.
    std::uint32_t memory_epoch = 0;
    std::uint32_t memory_record = 0;
};

// EnumerableOwnProperties(O, key) returns keys; the model keeps the slot each key was found in,
// so that the later HasOwnProperty check is O(1) when nothing was deleted.
struct KeyAtSlot {
    PropertyKey key;
    std::uint32_t slot;
};

// OPTIMIZATION: the storage of the objects' property lists: allocating is a pointer bump, and
// everything is freed at once with the heap (a list that grows leaves its old storage behind).
// A copy of a heap gets an arena of its own; assignments keep each heap's arena alive for as long
// as objects allocated in it may live.
class PropertyArena {
public:
    PropertyArena() : m_arena(std::make_unique<Arena>()) { }
    PropertyArena(PropertyArena const&) : PropertyArena() { }
    PropertyArena(PropertyArena&& other) noexcept : PropertyArena() { std::swap(m_arena, other.m_arena); }
    PropertyArena& operator=(PropertyArena const&) { return *this; }
    PropertyArena& operator=(PropertyArena&& other) noexcept
    {
        std::swap(m_arena, other.m_arena);
        return *this;
    }
    ArenaAllocator<Property> allocator() const { return ArenaAllocator<Property>(m_arena.get()); }

private:
    std::unique_ptr<Arena> m_arena;
};

class Heap {
public:
    RealmId add_realm(Realm);
    Realm const& realm(RealmId id) const { return m_realms[id]; }
    Realm& realm(RealmId id) { return m_realms[id]; }

    // OPTIMIZATION: inline, with the slots built in place (from Slots or from one of its alternatives).
    template<class S = std::monostate>
    ObjectId allocate(ObjectKind kind, RealmId realm, S&& slots = {})
    {
        m_objects.emplace_back(kind, realm, false, ArenaVector<Property>(m_property_arena.allocator()),
            std::forward<S>(slots));
        return ObjectId { static_cast<std::uint32_t>(m_objects.size() - 1) };
    }
    Object& object(ObjectId id) { return m_objects[id.index]; }
    Object const& object(ObjectId id) const { return m_objects[id.index]; }
    std::size_t object_count() const { return m_objects.size(); }
    void reserve_objects(std::size_t n) { m_objects.reserve(n); }
    // OPTIMIZATION: room in the chunk table for `more` objects (see m_objects).
    void reserve_more_objects(std::size_t more) { m_objects.reserve(m_objects.size() + more); }

    Value intern_string(std::u16string);
    Value new_bigint(std::string canonical_decimal);
    Value new_symbol(std::u16string description);
    std::u16string const& string(Value v) const { return m_strings[v.table_index()]; }
    std::string const& bigint(Value v) const { return m_bigints[v.table_index()]; }
    std::u16string const& symbol_description(Value v) const { return m_symbols[v.table_index()]; }
    std::u16string key_string(PropertyKey) const; // the property key as a JS string

    std::uint32_t add_getter(GetterScript);
    GetterScript const& getter(std::uint32_t i) const { return m_getters[i]; }
    std::vector<std::uint32_t> const& getter_calls() const { return m_getter_calls; } // labels, in call order

    // Property operations (ordinary objects; arrays add their "length"). Defining an existing
    // key replaces its value and attributes in place.
    void define_data_property(ObjectId, PropertyKey, Value, bool enumerable = true, bool writable = true, bool configurable = true);
    void define_accessor_property(ObjectId, PropertyKey, std::uint32_t getter, bool enumerable = true);
    bool delete_property(ObjectId, PropertyKey);
    Property const* find_own_property(ObjectId, PropertyKey) const;

    // https://tc39.es/ecma262/#sec-enumerableownproperties with kind key: string keys only, in
    // OrdinaryOwnPropertyKeys order (array indices ascending, then strings in creation order).
    // OPTIMIZATION: into the caller's vector (replacing its content), so that its storage is reused.
    void enumerable_own_string_keys(ObjectId, std::vector<KeyAtSlot>& keys) const;
    // https://tc39.es/ecma262/#sec-hasownproperty
    bool has_own_property(ObjectId id, KeyAtSlot k) const
    {
        // OPTIMIZATION: inline when the key is still in the slot it was listed from.
        return !object(id).properties[k.slot].deleted || has_own_property_moved(id, k);
    }
    // https://tc39.es/ecma262/#sec-get-o-p ([[Get]] on an ordinary object; getters run their script)
    Completion<Value> get(ObjectId id, KeyAtSlot k, spec::StepId calling_step)
    {
        // OPTIMIZATION: inline for a data property still in the slot its key was listed from.
        auto const& p = object(id).properties[k.slot];
        if (!p.deleted && !p.is_accessor())
            return p.value;
        return get_other(id, k, calling_step);
    }
    // https://tc39.es/ecma262/#sec-createdataproperty on a new ordinary object or array
    // OPTIMIZATION: inline (below).
    void create_data_property(ObjectId, PropertyKey, Value);
    // Run a getter script; the call is logged.
    Completion<Value> call_getter(std::uint32_t getter, spec::StepId calling_step);

    // https://tc39.es/ecma262/#sec-isdetachedbuffer
    bool is_detached_buffer(ObjectId) const;
    // https://tc39.es/ecma262/#sec-detacharraybuffer (key undefined); throws TypeError on a key mismatch
    Completion<void> detach_array_buffer(ObjectId, spec::StepId calling_step);
    // https://tc39.es/ecma262/#sec-isarraybufferviewoutofbounds
    bool is_array_buffer_view_out_of_bounds(ObjectId) const;
    // https://tc39.es/ecma262/#sec-tostring for primitive values
    Completion<Value> to_string(Value, spec::StepId calling_step);

    std::uint32_t next_port_id() { return m_next_port_id++; }

    // The serialize memory stored on the objects (Object::memory_epoch): one memory at a time.
    // begin returns a fresh epoch, which no object holds yet.
    std::uint32_t begin_memory_epoch();
    void end_memory_epoch() { m_active_memory_epoch = 0; }

private:
    bool has_own_property_moved(ObjectId, KeyAtSlot) const;
    Completion<Value> get_other(ObjectId, KeyAtSlot, spec::StepId calling_step);

    PropertyArena m_property_arena; // first: it outlives the objects
    std::vector<Realm> m_realms;
    // OPTIMIZATION: in chunks, so that objects never move: allocating never copies the heap (a
    // structured clone into a heap whose arena is full used to move every object).
    ChunkedVector<Object, 1024> m_objects;
    std::vector<std::u16string> m_strings;
    std::unordered_map<std::u16string, std::uint32_t> m_string_index;
    std::vector<std::string> m_bigints;
    std::vector<std::u16string> m_symbols;
    std::vector<GetterScript> m_getters;
    std::vector<std::uint32_t> m_getter_calls;
    std::uint32_t m_next_port_id = 1;
    std::uint32_t m_last_memory_epoch = 0;
    std::uint32_t m_active_memory_epoch = 0; // 0: none
};

// Helpers for the slots of a kind; a wrong kind is a model defect.
template<class T>
T& slots_of(Object& o)
{
    auto* p = std::get_if<detail::SlotsAlternative<T>>(&o.slots);
    if (!p)
        model_defect("object has no such slots", __FILE__, __LINE__);
    if constexpr (detail::boxed_slots<T>)
        return p->get();
    else
        return *p;
}
template<class T>
T const& slots_of(Object const& o)
{
    auto const* p = std::get_if<detail::SlotsAlternative<T>>(&o.slots);
    if (!p)
        model_defect("object has no such slots", __FILE__, __LINE__);
    if constexpr (detail::boxed_slots<T>)
        return p->get();
    else
        return *p;
}

// After an own property with *key* was added: an array index key marks the object, and an array
// grows to hold it (as the [[DefineOwnProperty]] of ECMAScript's array exotic objects does).
[[gnu::always_inline]] inline void note_added_key(Object& o, PropertyKey key)
{
    if (key.type == PropertyKey::Type::index) {
        o.has_index_keys = true;
        if (o.kind == ObjectKind::array) {
            auto& a = slots_of<ArraySlots>(o);
            if (key.value >= a.length)
                a.length = key.value + 1;
        }
    }
}

[[gnu::always_inline]] inline void Heap::create_data_property(ObjectId id, PropertyKey key, Value value)
{
    // On the new objects StructuredDeserialize creates, keys are distinct: append.
    auto& o = object(id);
    // OPTIMIZATION: appended, then filled in field by field: value (16 bytes) is then read in the
    // halves it was written in (a Value read whole right after being written in halves stalls the
    // CPU's store-to-load forwarding), and its address escapes nowhere, so it stays in registers.
    auto& property = o.properties.emplace_back();
    property.key = key;
    property.value = value;
    note_added_key(o, key);
}

// https://tc39.es/ecma262/#sec-canonicalnumericindexstring restricted to array indices:
// the index a string names, if it is the canonical form of an integer in [0, 2^32 - 2].
std::optional<std::uint32_t> array_index_of(std::u16string_view);
std::u16string ascii_to_u16(std::string_view);
// https://tc39.es/ecma262/#sec-numeric-types-number-tostring
std::u16string number_to_string(double);

} // namespace pmconf::model::ecma262
