// The changes pmconf_compare_corpus (compare_corpus.cpp) makes to a reference Observation to get
// the observed side of a pair: one kind of difference each (or none: a renumbering, an allowed
// interleaving, what the spec leaves to the implementation). Changes to value graphs are in
// compare_corpus_graph.cpp, to operation sequences' Observations in compare_corpus_operations.cpp.
#pragma once

#include "conformance/observation.h"

#include <cstddef>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace pmconf::conformance::tests::corpus {

using Rng = std::mt19937_64;

inline std::size_t below(Rng& rng, std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng() % n); }
inline bool coin(Rng& rng) { return (rng() & 1) != 0; }
template<class T>
T const& pick(Rng& rng, std::vector<T> const& v) { return v[below(rng, v.size())]; }

struct Change {
    std::string name;
    // Changes `observed` (a copy of the reference), or returns false when it does not apply to this
    // reference.
    std::function<bool(Observation& observed, Observation const& reference, Rng&)> apply;
    // A change that applies to few references (to nodes of some kinds only, ...) is made this many
    // times whenever it applies; the others (0) are drawn at random, a few per reference.
    int times = 0;
};

std::vector<Change> graph_changes();
std::vector<Change> operation_changes();

// The same graph in another numbering: nodes permuted, maybe an unreachable node added, each
// node's properties in another creation order that canonicalization undoes (array indices in any
// order, interleaved with the string and the symbol keys, which keep their own orders).
Graph renumbered(Graph, Rng&);

} // namespace pmconf::conformance::tests::corpus
