// ECMAScript language values (https://tc39.es/ecma262/#sec-ecmascript-language-types).
// A Value is 16 bytes of plain data; strings, BigInts and symbols live in the Heap's tables and
// objects in its arena, so values are cheap to copy, compare and hash.
#pragma once

#include <cstdint>

namespace pmconf::model::ecma262 {

struct ObjectId {
    std::uint32_t index = 0;
    friend constexpr bool operator==(ObjectId, ObjectId) = default;
};

enum class ValueType : std::uint8_t { undefined, null, boolean, number, bigint, string, symbol, object };

class Value {
public:
    constexpr Value() = default;
    static constexpr Value undefined() { return Value(); }
    static constexpr Value null() { return Value(ValueType::null, 0); }
    static constexpr Value boolean(bool b) { return Value(ValueType::boolean, b ? 1u : 0u); }
    static constexpr Value number(double d)
    {
        Value v(ValueType::number, 0);
        v.m_number = d;
        return v;
    }
    static constexpr Value bigint(std::uint32_t table_index) { return Value(ValueType::bigint, table_index); }
    static constexpr Value string(std::uint32_t table_index) { return Value(ValueType::string, table_index); }
    static constexpr Value symbol(std::uint32_t table_index) { return Value(ValueType::symbol, table_index); }
    static constexpr Value object(ObjectId id) { return Value(ValueType::object, id.index); }

    constexpr ValueType type() const { return static_cast<ValueType>(m_type_and_index & 0xFF); }
    constexpr bool is_object() const { return type() == ValueType::object; }
    constexpr bool as_boolean() const { return index() != 0; }
    constexpr double as_number() const { return m_number; }
    constexpr std::uint32_t table_index() const { return index(); } // bigint, string, symbol
    constexpr ObjectId as_object() const { return ObjectId { index() }; }

private:
    constexpr Value(ValueType type, std::uint32_t index)
        : m_type_and_index(static_cast<std::uint64_t>(type) | static_cast<std::uint64_t>(index) << 32)
    {
    }
    constexpr std::uint32_t index() const { return static_cast<std::uint32_t>(m_type_and_index >> 32); }
    // OPTIMIZATION: the type (low byte) and the index (high half) in one word, always written
    // whole: a Value written field by field and then copied as a whole stalls the CPU's
    // store-to-load forwarding.
    std::uint64_t m_type_and_index = 0;
    double m_number = 0;
};

} // namespace pmconf::model::ecma262
