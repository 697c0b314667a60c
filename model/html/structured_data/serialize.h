#pragma once

#include "model/html/structured_data/serialized.h"

#include <vector>

namespace pmconf::model::html {

// The *memory* map of StructuredSerializeInternal: value (an object) → Record.
class SerializeMemory {
public:
    std::optional<RecordId> get(ecma262::ObjectId id) const
    {
        if (id.index < m_records.size() && m_records[id.index] != absent)
            return RecordId { m_records[id.index] };
        return std::nullopt;
    }
    void set(ecma262::ObjectId id, RecordId record)
    {
        if (id.index >= m_records.size())
            m_records.resize(id.index + 1, absent);
        m_records[id.index] = record.index;
    }
    void reserve(std::size_t objects) { m_records.reserve(objects); }

private:
    static constexpr std::uint32_t absent = 0xFFFFFFFFu;
    std::vector<std::uint32_t> m_records;
};

// https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal
// *current_realm* stands for the current settings object and the surrounding agent.
Completion<RecordId> structured_serialize_internal(ecma262::Heap&, ecma262::RealmId current_realm, Value value,
    bool for_storage, SerializeMemory& memory, SerializedGraph& out);

// https://html.spec.whatwg.org/multipage/structured-data.html#structuredserialize
Completion<Serialized> structured_serialize(ecma262::Heap&, ecma262::RealmId current_realm, Value value);

// https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeforstorage
Completion<Serialized> structured_serialize_for_storage(ecma262::Heap&, ecma262::RealmId current_realm, Value value);

} // namespace pmconf::model::html
