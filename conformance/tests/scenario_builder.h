// Writing Scenarios by hand, for the example tests: one call per JavaScript construct.
#pragma once

#include "conformance/graph.h"
#include "conformance/scenario.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pmconf::conformance::tests {

class GraphBuilder {
public:
    Graph graph;

    NodeRef add(Node n)
    {
        graph.nodes.push_back(std::move(n));
        return NodeRef { static_cast<NodeIndex>(graph.nodes.size() - 1) };
    }
    Node& node(NodeRef r) { return graph.nodes[r.node]; }

    NodeRef of_kind(NodeKind kind)
    {
        Node n;
        n.kind = kind;
        return add(std::move(n));
    }
    NodeRef object(std::vector<std::pair<std::u16string, GValue>> properties = {})
    {
        auto const o = of_kind(NodeKind::object);
        for (auto& [k, v] : properties)
            put(o, k, v);
        return o;
    }
    // [a, b, ...]: elements "0", "1", ... and the length.
    NodeRef array(std::vector<GValue> elements)
    {
        auto const a = of_kind(NodeKind::array);
        node(a).array_length = static_cast<std::uint32_t>(elements.size());
        for (std::size_t i = 0; i < elements.size(); ++i)
            put(a, to_u16(std::to_string(i)), elements[i]);
        return a;
    }
    NodeRef sparse_array(std::uint32_t length)
    {
        auto const a = of_kind(NodeKind::array);
        node(a).array_length = length;
        return a;
    }
    NodeRef wrapper(NodeKind kind, GValue primitive)
    {
        auto const w = of_kind(kind);
        node(w).primitive = std::move(primitive);
        return w;
    }
    NodeRef date(double t)
    {
        auto const d = of_kind(NodeKind::date);
        node(d).date_value = t;
        return d;
    }
    NodeRef regexp(std::u16string source, std::string flags, double last_index = 0)
    {
        auto const r = of_kind(NodeKind::regexp);
        node(r).source = std::move(source);
        node(r).flags = std::move(flags);
        node(r).last_index = last_index;
        return r;
    }
    // new Constructor(message): an own, non-enumerable "message".
    NodeRef error(std::string prototype, std::optional<std::u16string> message = std::nullopt)
    {
        auto const e = of_kind(NodeKind::error);
        node(e).error_prototype = std::move(prototype);
        node(e).stack = u"at <test>";
        if (message)
            put(e, u"message", *message, /*enumerable=*/false);
        return e;
    }
    NodeRef buffer(std::vector<std::uint8_t> bytes, std::optional<std::uint64_t> max_byte_length = std::nullopt,
        NodeKind kind = NodeKind::array_buffer)
    {
        auto const b = of_kind(kind);
        node(b).byte_length = bytes.size();
        node(b).bytes = std::move(bytes);
        node(b).max_byte_length = max_byte_length;
        return b;
    }
    NodeRef detached_buffer()
    {
        auto const b = of_kind(NodeKind::array_buffer);
        node(b).detached = true;
        return b;
    }
    // A typed array or DataView; nullopt length: length-tracking.
    NodeRef view(NodeRef viewed, std::string type, std::uint64_t byte_offset, std::optional<std::uint64_t> length)
    {
        auto const v = of_kind(type == "DataView" ? NodeKind::data_view : NodeKind::typed_array);
        node(v).buffer = viewed.node;
        node(v).view_type = std::move(type);
        node(v).byte_offset = byte_offset;
        node(v).length = length;
        return v;
    }
    NodeRef port(std::uint32_t id, bool detached = false)
    {
        auto const p = of_kind(NodeKind::message_port);
        node(p).port_id = id;
        node(p).detached = detached;
        return p;
    }

    void put(NodeRef o, std::u16string key, GValue value, bool enumerable = true)
    {
        Property p;
        p.key = std::move(key);
        p.value = std::move(value);
        p.enumerable = enumerable;
        node(o).properties.push_back(std::move(p));
    }
    void getter(NodeRef o, std::u16string key, Getter g)
    {
        Property p;
        p.key = std::move(key);
        p.getter = std::move(g);
        node(o).properties.push_back(std::move(p));
    }

    // structuredClone(root, {transfer}).
    Scenario clone(GValue root, std::vector<GValue> transfer = {}) const
    {
        Scenario s;
        s.graph = graph;
        s.graph.root = std::move(root);
        s.transfer = std::move(transfer);
        s.mode = PassMode::structured_clone;
        return s;
    }

    static std::u16string to_u16(std::string const& s) { return std::u16string(s.begin(), s.end()); }
};

} // namespace pmconf::conformance::tests
