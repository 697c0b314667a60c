// Deterministic object graphs for the throughput benchmark, built directly in a model Heap.
//
// node_clone_bench.mjs builds the same graphs in JavaScript, draw for draw: any change to the
// algorithm below must be made in both files (run_bench.sh compares the statistics both print with --shape-stats).
//
// The generator is xorshift32 (Marsaglia 2003, shifts 13, 17, 5): 32-bit state, nonzero seed,
// next() { x ^= x << 13; x ^= x >> 17; x ^= x << 5; return x; } on uint32. It is exact in
// JavaScript with `>>> 0`, unlike a 64-bit generator, which would need BigInt there. "d(k)" below
// is next() % k, always drawn in the order written.
//
// The wide shape, N nodes (N >= 1), is built in four passes.
//   KEYS    = ["id", "name", "kind", "next", "prev", "left", "right", "value"]
//   STRINGS = ["a", "bc", "def", "ghij", "klmno", "p", "qr", "stu"]
//   1. The tree, breadth first. Creating a node draws its kind: d(4) == 0 makes an array,
//      anything else a plain object. Node 0 (the root) is created first; created = 1. Then, for
//      i = 0, 1, ... while i < created, node i gets its slots:
//        count = 2 + d(3)                        (2 to 4 slots)
//        an object draws first = d(8); its slot j has the key KEYS[(first + j) % 8];
//        an array's slot j is index j (the array has length count, no holes).
//        For each slot j = 0 .. count-1:
//          last = (j == count-1 && i == created-1 && created < N)   (no node left to fill in)
//          r = d(100)
//          if last:             a new node (created++)
//          else if r < 40:      a reference: s = d(100);
//                                 s < 5:               shared (its target is chosen in pass 3)
//                                 else if created < N: a new node (created++)
//                                 else:                the graph is full: the number d(1000000) / 4
//          else if r < 70:      the number d(1000000) / 4   (three in four are not integers)
//          else:                the string STRINGS[d(8)]
//      A new node's kind is drawn the moment it is created, between the draws above. `last`
//      keeps the growth alive until exactly N nodes exist; as slots are references 40% of the
//      time (1.14 new nodes per node) it rarely fires. The tree is O(log N) deep.
//   2. Preorder: a depth-first walk of the tree from node 0, following the new-node slots in
//      slot order, numbers the nodes pre(0) = 0, 1, ..., N-1.
//   3. Shared targets, for the shared slots in pass 1's order (node by node, slot by slot): the
//      slot of node i refers to the node whose preorder number is d(pre(i) + 1), i.e. node i
//      itself, one of its ancestors (a cycle) or a node left behind earlier in the walk. A
//      depth-first serializer (V8's, the model's) has then always met the target already, so the
//      recursion depth is the tree's: shared references share, they do not deepen the walk.
//      (Targets drawn among all created nodes instead would let the walk run through the shared
//      references, and V8 overflows its stack on such a graph of 1e5 nodes.)
//   4. The objects: node i is the i-th object allocated (in pass 1's order), its properties
//      defined in slot order.
//   About 5% of all references are shared.
//
// The deep shape, N nodes: N plain objects made first (node i is the i-th), then node i gets,
// in this order, "value": i, "next": node i+1 (except the last), "back": node floor(i/2).
// Depth-first traversal from node 0 follows "next" N levels deep; every "back" points to a node
// already visited, far back along the chain. No random draws.
#pragma once

#include "model/ecma262/heap.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace pmconf::bench {

class Xorshift32 {
public:
    explicit Xorshift32(std::uint32_t seed) : m_state(seed != 0 ? seed : 1) { }
    std::uint32_t next()
    {
        m_state ^= m_state << 13;
        m_state ^= m_state >> 17;
        m_state ^= m_state << 5;
        return m_state;
    }
    std::uint32_t below(std::uint32_t bound) { return next() % bound; } // d(bound)
    std::uint32_t state() const { return m_state; }

private:
    std::uint32_t m_state;
};

enum class Shape : std::uint8_t { wide, deep };
char const* shape_name(Shape);

inline constexpr std::uint32_t default_seed = 0x9E3779B9u;

// What was built; the JavaScript side prints the same fields, so the two can be compared.
struct ShapeStats {
    std::size_t nodes = 0;
    std::size_t arrays = 0;
    std::size_t objects = 0;
    std::size_t slots = 0;             // properties and array elements
    std::size_t references = 0;        // slots whose value is a node
    std::size_t shared_references = 0; // of which point to a node that already existed
    std::size_t numbers = 0;
    std::size_t strings = 0;
    std::size_t max_depth = 0;         // the deepest nesting a depth-first walk in slot order reaches
    std::uint32_t final_state = 0;     // the generator's state after the last draw
};
std::string to_json(Shape, ShapeStats const&);

struct BuiltGraph {
    model::ecma262::Value root;
    ShapeStats stats;
};

BuiltGraph build_wide_graph(model::ecma262::Heap&, model::ecma262::RealmId, std::size_t nodes,
    std::uint32_t seed = default_seed);
BuiltGraph build_deep_graph(model::ecma262::Heap&, model::ecma262::RealmId, std::size_t nodes);
BuiltGraph build_graph(Shape, model::ecma262::Heap&, model::ecma262::RealmId, std::size_t nodes);

} // namespace pmconf::bench
