// The encoded value graph: the one form in which values cross between the generators, the
// model, implementations under test and the reports. Plain data; objects are numbered nodes,
// references are node indices, so sharing and cycles are explicit. Numbers keep -0 and NaN,
// strings are UTF-16 code units (lone surrogates allowed), BigInts are canonical decimals.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace pmconf::conformance {

using NodeIndex = std::uint32_t;

struct Undefined { friend bool operator==(Undefined, Undefined) = default; };
struct Null { friend bool operator==(Null, Null) = default; };
struct BigInt {
    std::string decimal;
    friend bool operator==(BigInt const&, BigInt const&) = default;
};
struct NodeRef {
    NodeIndex node;
    friend bool operator==(NodeRef, NodeRef) = default;
};

// A JS value: a primitive, or a reference to a node (an object or a symbol).
using GValue = std::variant<Undefined, Null, bool, double, BigInt, std::u16string, NodeRef>;

bool same_value(GValue const&, GValue const&); // SameValue: NaN equals NaN, -0 differs from +0

enum class NodeKind : std::uint8_t {
    object,
    array,
    boolean_object,
    number_object,
    bigint_object,
    string_object,
    date,
    regexp,
    array_buffer,
    shared_array_buffer,
    typed_array,
    data_view,
    map,
    set,
    error,
    object_prototype,
    message_port,
    image_bitmap,
    dom_exception,
    symbol,
    function,
    weak_map,
    weak_set,
    weak_ref,
    promise,
    proxy,
    callable_proxy,
    platform_object, // a non-serializable platform object
};
inline constexpr int node_kind_count = 28;
char const* node_kind_name(NodeKind);
std::optional<NodeKind> node_kind_from_name(std::string_view);

struct GetterEffect {
    enum class Kind : std::uint8_t { delete_property, define_property, detach, delete_collection_entry };
    Kind kind = Kind::delete_property;
    NodeIndex target = 0;
    std::u16string key;
    GValue value;
    std::uint32_t entry = 0;
    friend bool operator==(GetterEffect const&, GetterEffect const&) = default;
};

struct Getter {
    std::uint32_t label = 0;
    std::vector<GetterEffect> effects;
    bool throws = false;
    GValue result;
    friend bool operator==(Getter const&, Getter const&) = default;
};

struct Property {
    std::u16string key;                 // a string key (array indices in canonical decimal form)
    std::optional<NodeIndex> symbol;    // a symbol key instead: the symbol node
    GValue value;                       // a data property's value
    std::optional<Getter> getter;       // an accessor property
    bool enumerable = true;
    friend bool operator==(Property const&, Property const&) = default;
};

struct Node {
    NodeKind kind = NodeKind::object;
    std::vector<Property> properties;   // own properties, in creation order
    GValue primitive;                   // wrapper objects: the wrapped primitive
    double date_value = 0;
    std::u16string source;              // regexp source; symbol description
    std::string flags;                  // regexp flags
    double last_index = 0;              // regexp lastIndex
    std::vector<std::uint8_t> bytes;    // buffers (empty when detached)
    std::uint64_t byte_length = 0;      // buffers: [[ArrayBufferByteLength]]
    std::optional<std::uint64_t> max_byte_length; // resizable / growable
    bool detached = false;              // buffers, ports, bitmaps
    bool detach_key = false;            // buffer with a non-undefined [[ArrayBufferDetachKey]]
    NodeIndex buffer = 0;               // views: the viewed buffer
    std::string view_type;              // views: "DataView" or a typed array name
    std::uint64_t byte_offset = 0;      // views
    std::optional<std::uint64_t> length; // views: array length (typed arrays) or byte length (DataView); nullopt = length-tracking
    std::uint32_t array_length = 0;     // arrays
    std::vector<std::pair<GValue, GValue>> map_entries;
    std::vector<GValue> set_entries;
    std::string error_prototype = "Error"; // errors: which %NativeError.prototype%
    std::u16string stack;               // errors: [[Stack]] (implementation-defined)
    std::uint32_t port_id = 0;          // ports: identity preserved by a transfer
    std::u16string name, message;       // DOMException
    std::uint32_t width = 0, height = 0; // ImageBitmap
    bool origin_clean = true;           // ImageBitmap
    friend bool operator==(Node const&, Node const&) = default;
};

struct Graph {
    std::vector<Node> nodes;
    GValue root;
    friend bool operator==(Graph const&, Graph const&) = default;
};

// A JavaScript-like rendering for reports and counterexamples: `#0 = {a: #1, b: -0}` ...
std::string to_display(Graph const&);
std::string to_display(GValue const&);
std::string utf16_to_display(std::u16string const&); // escapes lone surrogates and controls as \uXXXX

} // namespace pmconf::conformance
