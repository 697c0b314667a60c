// The realm-independent Records that StructuredSerializeInternal produces: one variant
// alternative per [[Type]], with the spec's field names. Records reference each other by index
// into a SerializedGraph, so cycles and sharing are plain data.
// https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal
#pragma once

#include "model/ecma262/heap.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
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
struct MapRecord { std::vector<std::pair<RecordId, RecordId>> map_data; };
struct SetRecord { std::vector<RecordId> set_data; };
struct ErrorRecord {
    std::u16string name;
    std::optional<std::u16string> message; // nullopt: undefined
    std::u16string stack;
};
struct PropertyRecord {
    PropertyKey key;
    RecordId value;
};
struct ArrayRecord {
    std::uint32_t length;
    std::vector<PropertyRecord> properties;
};
struct ObjectRecord { std::vector<PropertyRecord> properties; };
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

using Record = std::variant<PrimitiveRecord, BooleanRecord, NumberRecord, BigIntRecord, StringRecord, DateRecord,
    RegExpRecord, SharedArrayBufferRecord, GrowableSharedArrayBufferRecord, ArrayBufferRecord, ResizableArrayBufferRecord,
    ArrayBufferViewRecord, MapRecord, SetRecord, ErrorRecord, ArrayRecord, ObjectRecord, PlatformObjectRecord,
    TransferDataHolder>;

struct SerializedGraph {
    // OPTIMIZATION: a deque, so that adding a record never moves the others.
    std::deque<Record> records;
    RecordId add(Record r)
    {
        records.push_back(std::move(r));
        return RecordId { static_cast<std::uint32_t>(records.size() - 1) };
    }
    Record& operator[](RecordId id) { return records[id.index]; }
    Record const& operator[](RecordId id) const { return records[id.index]; }
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
