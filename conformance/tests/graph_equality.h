// Exact equality of encoded value graphs, field by field, with SameValue for every number (the
// defaulted operator== of Graph says NaN != NaN and -0 == +0, which is wrong for this purpose).
// Unlike compare_observations() it accepts nothing as implementation-defined: it is the yardstick
// the tests hold both the model and the comparator to.
#pragma once

#include "conformance/graph.h"

#include <optional>
#include <string>

namespace pmconf::conformance::tests {

// The first difference between two graphs ("#2.properties[1].value: 1 vs -0"), or nullopt.
std::optional<std::string> graph_difference(Graph const& expected, Graph const& actual);

inline bool same_graph(Graph const& a, Graph const& b) { return !graph_difference(a, b); }

} // namespace pmconf::conformance::tests
