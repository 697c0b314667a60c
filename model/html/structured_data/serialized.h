// The realm-independent Records that StructuredSerializeInternal produces: one variant
// alternative per [[Type]], with the spec's field names. Records reference each other by index
// into a SerializedGraph, so cycles and sharing are plain data.
// https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal
#pragma once

#include "model/ecma262/heap.h"
#include "model/infra/arena.h"
#include "model/infra/chunked_vector.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace pmconf::model::html {

using ecma262::DataBlock;
using ecma262::PropertyKey;
using ecma262::Value;

struct RecordId {
    std::uint32_t index = 0;
    friend constexpr bool operator==(RecordId, RecordId) = default;
};

struct PrimitiveRecord { Value value; };

// A serialized value as the Record that contains it refers to it ([[Properties]] values, map and
// set entries): a Record in the graph, or a primitive Record held inline.
// OPTIMIZATION: a primitive's Record has no identity (memory only remembers objects, steps 2 and
// 25), so nothing else can refer to it, and the graph need not store it apart.
class SerializedRef {
public:
    constexpr SerializedRef() = default;
    static SerializedRef record(RecordId id) { return SerializedRef(Value::object(ecma262::ObjectId { id.index })); }
    static SerializedRef primitive(PrimitiveRecord r) { return SerializedRef(r.value); }
    bool is_primitive() const { return !m_value.is_object(); }
    PrimitiveRecord primitive_record() const { return PrimitiveRecord { m_value }; }
    RecordId record_id() const { return RecordId { m_value.as_object().index }; }

private:
    explicit SerializedRef(Value v) : m_value(v) { }
    Value m_value; // a primitive, or (of type object) the index of a Record: a primitive is never an object
};

struct BooleanRecord { bool boolean_data; };
struct NumberRecord { double number_data; };
struct BigIntRecord { Value bigint_data; };
struct StringRecord { Value string_data; };
struct DateRecord { double date_value; };
struct RegExpRecord { std::u16string original_source; std::string original_flags; }; // [[RegExpMatcher]] follows from these
struct SharedArrayBufferRecord {
    std::shared_ptr<DataBlock> array_buffer_data;
    std::size_t array_buffer_byte_length;
    ecma262::AgentClusterId agent_cluster;
};
struct GrowableSharedArrayBufferRecord {
    std::shared_ptr<DataBlock> array_buffer_data;
    std::size_t array_buffer_byte_length_data;
    std::size_t array_buffer_max_byte_length;
    ecma262::AgentClusterId agent_cluster;
};
struct ArrayBufferRecord {
    std::shared_ptr<DataBlock> array_buffer_data;
    std::size_t array_buffer_byte_length;
};
struct ResizableArrayBufferRecord {
    std::shared_ptr<DataBlock> array_buffer_data;
    std::size_t array_buffer_byte_length;
    std::size_t array_buffer_max_byte_length;
};
struct ArrayBufferViewRecord {
    std::string constructor; // "DataView" or a [[TypedArrayName]]
    RecordId array_buffer_serialized;
    std::optional<std::size_t> byte_length;  // nullopt: ~auto~
    std::size_t byte_offset;
    std::optional<std::size_t> array_length; // typed arrays only; nullopt: ~auto~ (or a DataView)
};
struct MapRecord { std::vector<std::pair<SerializedRef, SerializedRef>> map_data; };
struct SetRecord { std::vector<SerializedRef> set_data; };
struct ErrorRecord {
    std::u16string name;
    std::optional<std::u16string> message; // nullopt: undefined
    std::u16string stack;
};
struct PropertyRecord {
    PropertyKey key;
    SerializedRef value;
};
// OPTIMIZATION: [[Properties]] lives in its graph's arena (SerializedGraph::arena).
struct ArrayRecord {
    std::uint32_t length;
    ArenaVector<PropertyRecord> properties;
};
struct ObjectRecord { ArenaVector<PropertyRecord> properties; };
// { [[Type]]: interface identifier } plus what the interface's serialization steps store.
struct PlatformObjectRecord {
    ecma262::PlatformInterface type;
    std::u16string name, message;         // DOMException
    std::uint32_t width = 0, height = 0;  // ImageBitmap
};
// A transfer data holder: StructuredSerializeWithTransfer step 2.4 creates it with an
// uninitialized [[Type]]; step 5 fills it in.
struct TransferDataHolder {
    enum class Type : std::uint8_t { uninitialized, array_buffer, resizable_array_buffer, platform } type = Type::uninitialized;
    std::shared_ptr<DataBlock> array_buffer_data;
    std::size_t array_buffer_byte_length = 0;
    std::size_t array_buffer_max_byte_length = 0;
    ecma262::PlatformInterface interface = ecma262::PlatformInterface::message_port;
    std::uint32_t port_id = 0;                 // MessagePort transfer steps
    std::uint32_t width = 0, height = 0;       // ImageBitmap transfer steps
};

// OPTIMIZATION: the rarer, bigger Records live behind a pointer (ecma262::Boxed, as the heap's rarer
// slots do), so that a Record is 48 bytes, not 112: cheaper to build, move and keep. record_if,
// record_get and record_holds see through the box.
using Record = std::variant<PrimitiveRecord, BooleanRecord, NumberRecord, BigIntRecord, StringRecord, DateRecord,
    ecma262::Boxed<RegExpRecord>, SharedArrayBufferRecord, GrowableSharedArrayBufferRecord, ArrayBufferRecord,
    ResizableArrayBufferRecord, ecma262::Boxed<ArrayBufferViewRecord>, MapRecord, SetRecord,
    ecma262::Boxed<ErrorRecord>, ArrayRecord, ObjectRecord, ecma262::Boxed<PlatformObjectRecord>,
    ecma262::Boxed<TransferDataHolder>>;
static_assert(sizeof(Record) <= 48);

namespace detail {
template<class T>
inline constexpr bool boxed_record = std::is_same_v<T, RegExpRecord> || std::is_same_v<T, ArrayBufferViewRecord>
    || std::is_same_v<T, ErrorRecord> || std::is_same_v<T, PlatformObjectRecord>
    || std::is_same_v<T, TransferDataHolder>;
template<class T>
using RecordAlternative = std::conditional_t<boxed_record<T>, ecma262::Boxed<T>, T>;
}

// The Record's T, or null when it holds another [[Type]] (std::get_if, seeing through the box).
template<class T>
T* record_if(Record* r)
{
    auto* p = std::get_if<detail::RecordAlternative<T>>(r);
    if constexpr (detail::boxed_record<T>)
        return p ? &p->get() : nullptr;
    else
        return p;
}
template<class T>
T const* record_if(Record const* r)
{
    auto const* p = std::get_if<detail::RecordAlternative<T>>(r);
    if constexpr (detail::boxed_record<T>)
        return p ? &p->get() : nullptr;
    else
        return p;
}
// The Record's T (std::get: std::bad_variant_access when it holds another [[Type]]).
template<class T>
T& record_get(Record& r)
{
    if constexpr (detail::boxed_record<T>)
        return std::get<ecma262::Boxed<T>>(r).get();
    else
        return std::get<T>(r);
}
template<class T>
T const& record_get(Record const& r)
{
    if constexpr (detail::boxed_record<T>)
        return std::get<ecma262::Boxed<T>>(r).get();
    else
        return std::get<T>(r);
}
template<class T>
bool record_holds(Record const& r)
{
    return std::holds_alternative<detail::RecordAlternative<T>>(r);
}

class SerializedGraph {
public:
    // OPTIMIZATION: built in place (from a Record or from one of its alternatives), not moved twice.
    template<class R>
    RecordId add(R&& r)
    {
        m_records.emplace_back(std::forward<R>(r));
        return RecordId { static_cast<std::uint32_t>(m_records.size() - 1) };
    }
    Record& operator[](RecordId id) { return m_records[id.index]; }
    Record const& operator[](RecordId id) const { return m_records[id.index]; }
    std::size_t size() const { return m_records.size(); }
    // Where the Records' [[Properties]] are allocated: freed all at once with the graph.
    ArenaAllocator<PropertyRecord> arena() { return ArenaAllocator<PropertyRecord>(m_arena.get()); }

private:
    std::unique_ptr<Arena> m_arena = std::make_unique<Arena>();
    // OPTIMIZATION: chunked, so that adding a Record never moves the others (a Record's address
    // is stable while its graph lives).
    ChunkedVector<Record, 256> m_records;
};

// The result of StructuredSerialize / StructuredSerializeForStorage.
struct Serialized {
    SerializedGraph graph;
    RecordId root;
};

// { [[Serialized]], [[TransferDataHolders]] }
struct SerializeWithTransferResult {
    SerializedGraph graph;
    RecordId serialized;
    std::vector<RecordId> transfer_data_holders;
};

// { [[Deserialized]], [[TransferredValues]] }
struct DeserializeWithTransferResult {
    Value deserialized;
    std::vector<Value> transferred_values;
};

} // namespace pmconf::model::html
