#pragma once

#include "model/html/structured_data/serialized.h"

#include <vector>

namespace pmconf::model::html {

// The *memory* map of StructuredSerializeInternal: value (an object) → Record.
// OPTIMIZATION: the entries live on the objects themselves (Object::memory_epoch), stamped with
// this memory's epoch, so that get and set cost O(1) and the memory O(graph), not O(heap). One
// memory per heap at a time; a later memory does not see this one's entries.
class SerializeMemory {
public:
    explicit SerializeMemory(ecma262::Heap& heap) : m_heap(heap), m_epoch(heap.begin_memory_epoch()) { }
    ~SerializeMemory() { m_heap.end_memory_epoch(); }
    SerializeMemory(SerializeMemory const&) = delete;
    SerializeMemory& operator=(SerializeMemory const&) = delete;

    std::optional<RecordId> get(ecma262::ObjectId id) const
    {
        auto const& object = m_heap.object(id);
        if (object.memory_epoch == m_epoch)
            return RecordId { object.memory_record };
        return std::nullopt;
    }
    void set(ecma262::ObjectId id, RecordId record)
    {
        auto& object = m_heap.object(id);
        object.memory_epoch = m_epoch;
        object.memory_record = record.index;
    }

private:
    ecma262::Heap& m_heap;
    std::uint32_t m_epoch;
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
