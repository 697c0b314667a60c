#pragma once

#include "conformance/graph.h"

namespace pmconf::conformance {

// Renumbers the nodes reachable from the root in breadth-first order of first visit and drops
// unreachable ones; properties are put in OrdinaryOwnPropertyKeys order (array indices
// ascending, then string keys, then symbol keys, each in creation order). Two graphs are
// isomorphic exactly when their canonical forms are equal.
Graph canonicalize(Graph const&);

// The children of a node in canonical order (values, symbol keys, entries, the viewed buffer).
template<class F>
void for_each_child(Node const& node, F&& f);

bool is_array_index(std::u16string const& key);
std::uint32_t array_index_value(std::u16string const& key);
// Properties in OrdinaryOwnPropertyKeys order.
std::vector<Property> ordered_properties(std::vector<Property> const&);

template<class F>
void for_each_child(Node const& node, F&& f)
{
    auto value = [&](GValue const& v) {
        if (auto const* r = std::get_if<NodeRef>(&v))
            f(r->node);
    };
    for (auto const& p : node.properties) {
        if (p.symbol)
            f(*p.symbol);
        value(p.value);
        if (p.getter) {
            value(p.getter->result);
            for (auto const& e : p.getter->effects) {
                f(e.target);
                value(e.value);
            }
        }
    }
    value(node.primitive);
    for (auto const& [k, v] : node.map_entries) {
        value(k);
        value(v);
    }
    for (auto const& v : node.set_entries)
        value(v);
    if (node.kind == NodeKind::typed_array || node.kind == NodeKind::data_view)
        f(node.buffer);
}

} // namespace pmconf::conformance
