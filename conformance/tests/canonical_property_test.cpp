// canonicalize(): the numbering in which results are compared.

#include "conformance/canonical.h"
#include "conformance/model_runner.h"
#include "conformance/tests/graph_equality.h"
#include "conformance/tests/property_support.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <numeric>

namespace pmconf::conformance::tests {
namespace {

// The same graph with node i renumbered new_index[i] (every reference rewritten).
Graph renumbered(Graph const& g, std::vector<NodeIndex> const& new_index)
{
    auto ref = [&](GValue v) {
        if (auto* r = std::get_if<NodeRef>(&v))
            r->node = new_index[r->node];
        return v;
    };
    Graph out;
    out.nodes.resize(g.nodes.size());
    for (NodeIndex i = 0; i < g.nodes.size(); ++i) {
        Node n = g.nodes[i];
        for (auto& p : n.properties) {
            if (p.symbol)
                p.symbol = new_index[*p.symbol];
            p.value = ref(p.value);
            if (p.getter) {
                p.getter->result = ref(p.getter->result);
                for (auto& e : p.getter->effects) {
                    e.target = new_index[e.target];
                    e.value = ref(e.value);
                }
            }
        }
        n.primitive = ref(n.primitive);
        for (auto& [k, v] : n.map_entries) {
            k = ref(k);
            v = ref(v);
        }
        for (auto& v : n.set_entries)
            v = ref(v);
        if (n.kind == NodeKind::typed_array || n.kind == NodeKind::data_view)
            n.buffer = new_index[n.buffer];
        out.nodes[new_index[i]] = std::move(n);
    }
    out.root = ref(g.root);
    return out;
}

// A permutation of 0..n-1, drawn so that it shrinks towards the identity.
std::vector<NodeIndex> draw_permutation(std::size_t n)
{
    auto const keys = *rc::gen::container<std::vector<std::uint32_t>>(n, rc::gen::inRange<std::uint32_t>(0, 1000));
    std::vector<NodeIndex> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](NodeIndex a, NodeIndex b) { return keys[a] < keys[b]; });
    std::vector<NodeIndex> new_index(n);
    for (NodeIndex position = 0; position < n; ++position)
        new_index[order[position]] = position;
    return new_index;
}

// The comparator's premise ("results are compared in a canonical numbering, so equality means
// isomorphism"): canonicalize is a fixed point on its own output ...
RC_GTEST_PROP(Canonicalize, IsIdempotent, ())
{
    auto const scenario = draw_scenario_of_any_profile();
    auto const once = canonicalize(scenario.graph);
    if (auto const d = graph_difference(once, canonicalize(once)))
        RC_FAIL(*d);
    // Results the model reports are already canonical.
    auto const observed = run_on_model(scenario);
    if (auto const d = graph_difference(observed.result, canonicalize(observed.result)))
        RC_FAIL("model result not canonical: " + *d);
}

// ... and forgets the node numbering it was given.
RC_GTEST_PROP(Canonicalize, IsInvariantUnderRenumberingTheNodes, ())
{
    auto const scenario = draw_scenario_of_any_profile();
    auto const new_index = draw_permutation(scenario.graph.nodes.size());
    auto const shuffled = renumbered(scenario.graph, new_index);
    RC_LOG() << "renumbered: " << to_display(shuffled) << "\n";
    if (auto const d = graph_difference(canonicalize(scenario.graph), canonicalize(shuffled)))
        RC_FAIL(*d);
}

// Node 0 of a canonical graph is the root, and only reachable nodes are kept.
RC_GTEST_PROP(Canonicalize, NumbersTheRootFirstAndDropsUnreachableNodes, ())
{
    auto const scenario = draw_scenario_of_any_profile();
    auto g = scenario.graph;
    Node orphan;
    orphan.kind = NodeKind::date;
    g.nodes.push_back(orphan); // nothing refers to it
    auto const c = canonicalize(g);
    RC_ASSERT(c.nodes.size() < g.nodes.size());
    if (auto const* r = std::get_if<NodeRef>(&c.root))
        RC_ASSERT(r->node == 0u);
    else
        RC_ASSERT(c.nodes.empty());
}

} // namespace
} // namespace pmconf::conformance::tests
