#pragma once

#include "model/html/structured_data/serialized.h"

#include <vector>

namespace pmconf::model::html {

// The *memory* map of StructuredDeserialize: Record → value.
class DeserializeMemory {
public:
    explicit DeserializeMemory(std::size_t records) : m_values(records), m_state(records, State::absent) { }
    enum class State : std::uint8_t { absent, in_progress, complete };
    std::optional<Value> get(RecordId id) const
    {
        if (m_state[id.index] == State::absent)
            return std::nullopt;
        return m_values[id.index];
    }
    State state(RecordId id) const { return m_state[id.index]; }
    void set(RecordId id, Value value, State state)
    {
        m_values[id.index] = value;
        m_state[id.index] = state;
    }
    void mark_complete(RecordId id) { m_state[id.index] = State::complete; }

private:
    std::vector<Value> m_values;
    std::vector<State> m_state;
};

// https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserialize
Completion<Value> structured_deserialize(ecma262::Heap&, SerializedGraph const&, RecordId serialized,
    ecma262::RealmId target_realm, DeserializeMemory& memory);

// StructuredDeserialize without a supplied memory.
Completion<Value> structured_deserialize(ecma262::Heap&, Serialized const&, ecma262::RealmId target_realm);

} // namespace pmconf::model::html
