#include "conformance/canonical.h"

#include <algorithm>
#include <deque>

namespace pmconf::conformance {

bool is_array_index(std::u16string const& key)
{
    if (key.empty() || key.size() > 10 || (key.size() > 1 && key[0] == u'0'))
        return false;
    std::uint64_t v = 0;
    for (auto c : key) {
        if (c < u'0' || c > u'9')
            return false;
        v = v * 10 + (c - u'0');
    }
    return v <= 4294967294ull;
}

std::uint32_t array_index_value(std::u16string const& key)
{
    std::uint64_t v = 0;
    for (auto c : key)
        v = v * 10 + (c - u'0');
    return static_cast<std::uint32_t>(v);
}

std::vector<Property> ordered_properties(std::vector<Property> const& properties)
{
    std::vector<Property> out;
    out.reserve(properties.size());
    for (auto const& p : properties)
        if (!p.symbol && is_array_index(p.key))
            out.push_back(p);
    std::stable_sort(out.begin(), out.end(),
        [](Property const& a, Property const& b) { return array_index_value(a.key) < array_index_value(b.key); });
    for (auto const& p : properties)
        if (!p.symbol && !is_array_index(p.key))
            out.push_back(p);
    for (auto const& p : properties)
        if (p.symbol)
            out.push_back(p);
    return out;
}

Graph canonicalize(Graph const& graph)
{
    constexpr NodeIndex unvisited = 0xFFFFFFFFu;
    std::vector<NodeIndex> new_index(graph.nodes.size(), unvisited);
    std::vector<NodeIndex> order;
    std::deque<NodeIndex> queue;
    auto visit = [&](NodeIndex old) {
        if (old < graph.nodes.size() && new_index[old] == unvisited) {
            new_index[old] = static_cast<NodeIndex>(order.size());
            order.push_back(old);
            queue.push_back(old);
        }
    };
    if (auto const* r = std::get_if<NodeRef>(&graph.root))
        visit(r->node);
    std::vector<std::vector<Property>> ordered(graph.nodes.size());
    while (!queue.empty()) {
        auto const old = queue.front();
        queue.pop_front();
        Node node = graph.nodes[old];
        node.properties = ordered_properties(node.properties);
        for_each_child(node, visit);
        ordered[old] = std::move(node.properties);
    }
    // A reference out of range (a malformed graph) stays as it is, so that it still compares unequal.
    auto remap = [&](NodeIndex old) { return old < new_index.size() ? new_index[old] : old; };
    auto remap_value = [&](GValue v) {
        if (auto* r = std::get_if<NodeRef>(&v))
            r->node = remap(r->node);
        return v;
    };
    Graph out;
    out.nodes.reserve(order.size());
    for (auto const old : order) {
        Node node = graph.nodes[old];
        node.properties = std::move(ordered[old]);
        for (auto& p : node.properties) {
            if (p.symbol)
                p.symbol = remap(*p.symbol);
            p.value = remap_value(p.value);
            if (p.getter) {
                p.getter->result = remap_value(p.getter->result);
                for (auto& e : p.getter->effects) {
                    e.target = remap(e.target);
                    e.value = remap_value(e.value);
                }
            }
        }
        node.primitive = remap_value(node.primitive);
        for (auto& [k, v] : node.map_entries) {
            k = remap_value(k);
            v = remap_value(v);
        }
        for (auto& v : node.set_entries)
            v = remap_value(v);
        if (node.kind == NodeKind::typed_array || node.kind == NodeKind::data_view)
            node.buffer = remap(node.buffer);
        out.nodes.push_back(std::move(node));
    }
    out.root = remap_value(graph.root);
    return out;
}

} // namespace pmconf::conformance
