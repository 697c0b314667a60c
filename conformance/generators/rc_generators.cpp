#include "conformance/generators/rc_generators.h"

#include <algorithm>
#include <memory>

namespace pmconf::conformance::generators {

namespace {

// Recipes are drawn straight from RapidCheck's Random (one 64-bit draw per choice) and shrink
// through an explicit shrink function, instead of nesting a generator per field: building the
// Shrinkable tree of nested generators was most of the harness's time per case (measured: ~60% of
// pmconf's CPU against a fake IUT that answers at once). The distribution is the one the nested
// generators had, and the shrinks are what RapidCheck's container and integer shrinking give:
// drop nodes (a suffix, then each one), drop transfer entries and edges, then move each number
// towards 0.

// The case's rc::Random gives the seed; the hundreds of choices of a case come from SplitMix64
// (Steele, Lea and Flood 2014) seeded with it. RapidCheck's Random hashes every 64-bit draw: that
// was a third of the time to draw a case, and seeding std::mt19937_64 costs more than a small case
// (tools/bench/iut/harness_bench.cpp).
class Draw {
public:
    explicit Draw(rc::Random random) : m_state(random.next()) { }
    // Uniform in [0, n).
    std::uint32_t below(std::uint32_t n) { return n ? static_cast<std::uint32_t>(next() % n) : 0; }

private:
    std::uint64_t next()
    {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    std::uint64_t m_state;
};

std::uint8_t edge_flags(std::uint32_t raw, std::uint8_t mask)
{
    // Each flag from its own bits of one uniform draw, so that a symbol key is drawn 1 in 8, not
    // enumerable 1 in 4, an accessor 1 in 4, and the getter throws / has an effect 1 in 2 each.
    std::uint8_t flags = 0;
    if (raw & 1)
        flags |= 1;
    if (((raw >> 1) & 7) == 7)
        flags |= 2;
    if (((raw >> 4) & 3) == 3)
        flags |= 4;
    if (((raw >> 6) & 3) == 3)
        flags |= 8;
    if ((raw >> 8) & 1)
        flags |= 16;
    if ((raw >> 9) & 1)
        flags |= 32;
    return static_cast<std::uint8_t>(flags & mask);
}

std::uint8_t flag_mask(Profile const& profile)
{
    std::uint8_t mask = 0;
    if (profile.primitives)
        mask |= 1;
    if (profile.symbol_keys)
        mask |= 2;
    if (profile.non_enumerable)
        mask |= 4;
    if (profile.getters)
        mask |= 8 | 16;
    if (profile.getter_effects)
        mask |= 32;
    return mask;
}

ScenarioRecipe draw_recipe(Profile const& profile, rc::Random const& random, int size)
{
    Draw draw(random);
    ScenarioRecipe r;
    auto const limit = static_cast<std::uint32_t>(std::max(1, std::min(profile.max_nodes, 1 + size / 8)));
    auto const kinds = static_cast<std::uint32_t>(profile.kinds.size());
    auto const mask = flag_mask(profile);
    auto const max_edges = static_cast<std::uint32_t>(size * 3 / 10); // the edge list is drawn at 0.3 of the size
    r.nodes.resize(1 + draw.below(limit));
    for (auto& n : r.nodes) {
        n.kind = static_cast<std::uint8_t>(draw.below(kinds));
        n.a = draw.below(64);
        n.b = draw.below(64);
        n.c = draw.below(64);
        n.edges.resize(draw.below(max_edges + 1));
        for (auto& e : n.edges) {
            e.key = static_cast<std::uint8_t>(draw.below(16));
            e.target = draw.below(64);
            e.flags = edge_flags(draw.below(1024), mask);
            e.primitive = static_cast<std::uint8_t>(draw.below(64));
        }
    }
    if (profile.transfer || profile.broken) {
        r.transfer.resize(draw.below(static_cast<std::uint32_t>(size / 20) + 1));
        for (auto& t : r.transfer)
            t = draw.below(64);
    }
    r.mode = static_cast<std::uint8_t>(draw.below(static_cast<std::uint32_t>(profile.modes.size())));
    r.realm = profile.realm_variations ? static_cast<std::uint8_t>(draw.below(14)) : 0;
    return r;
}

// One way to make a recipe smaller.
struct ShrinkStep {
    enum class Op : std::uint8_t { keep_nodes, drop_node, drop_transfer, set_transfer, drop_edges, drop_edge, set_node, set_edge, set_mode, set_realm };
    Op op;
    std::uint32_t i = 0, j = 0;     // node / transfer entry, edge
    std::uint8_t field = 0;         // which number of the node or edge
    std::uint32_t value = 0;        // the new number
};

// Smaller numbers to try instead of x, as RapidCheck's integer shrinking does: 0, x/2, x-1.
template<class F>
void towards_zero(std::uint32_t x, F&& add)
{
    if (x == 0)
        return;
    add(0u);
    if (x / 2 != 0)
        add(x / 2);
    if (x - 1 != x / 2 && x - 1 != 0)
        add(x - 1);
}

std::vector<ShrinkStep> shrink_steps(ScenarioRecipe const& r)
{
    using Op = ShrinkStep::Op;
    std::vector<ShrinkStep> steps;
    auto const n = static_cast<std::uint32_t>(r.nodes.size());
    if (n > 1) {
        steps.push_back({ Op::keep_nodes, 1 });
        if (n / 2 > 1)
            steps.push_back({ Op::keep_nodes, n / 2 });
        for (std::uint32_t i = 0; i < n; ++i)
            steps.push_back({ Op::drop_node, i });
    }
    for (std::uint32_t i = 0; i < r.transfer.size(); ++i)
        steps.push_back({ Op::drop_transfer, i });
    for (std::uint32_t i = 0; i < r.transfer.size(); ++i)
        towards_zero(r.transfer[i], [&](std::uint32_t v) { steps.push_back({ Op::set_transfer, i, 0, 0, v }); });
    for (std::uint32_t i = 0; i < n; ++i) {
        auto const& node = r.nodes[i];
        if (node.edges.size() > 1)
            steps.push_back({ Op::drop_edges, i });
        for (std::uint32_t j = 0; j < node.edges.size(); ++j)
            steps.push_back({ Op::drop_edge, i, j });
    }
    for (std::uint32_t i = 0; i < n; ++i) {
        auto const& node = r.nodes[i];
        std::uint32_t const fields[] = { node.kind, node.a, node.b, node.c };
        for (std::uint8_t f = 0; f < 4; ++f)
            towards_zero(fields[f], [&](std::uint32_t v) { steps.push_back({ Op::set_node, i, 0, f, v }); });
        for (std::uint32_t j = 0; j < node.edges.size(); ++j) {
            auto const& e = node.edges[j];
            towards_zero(e.key, [&](std::uint32_t v) { steps.push_back({ Op::set_edge, i, j, 0, v }); });
            towards_zero(e.target, [&](std::uint32_t v) { steps.push_back({ Op::set_edge, i, j, 1, v }); });
            for (std::uint32_t bit = 1; bit < 64; bit <<= 1) // clear one flag at a time, the rarest first
                if (e.flags & bit)
                    steps.push_back({ Op::set_edge, i, j, 2, e.flags & ~bit & 0xFFu });
            towards_zero(e.primitive, [&](std::uint32_t v) { steps.push_back({ Op::set_edge, i, j, 3, v }); });
        }
    }
    towards_zero(r.mode, [&](std::uint32_t v) { steps.push_back({ Op::set_mode, 0, 0, 0, v }); });
    towards_zero(r.realm, [&](std::uint32_t v) { steps.push_back({ Op::set_realm, 0, 0, 0, v }); });
    return steps;
}

ScenarioRecipe apply_step(ScenarioRecipe r, ShrinkStep const& s)
{
    using Op = ShrinkStep::Op;
    switch (s.op) {
    case Op::keep_nodes: r.nodes.resize(s.i); break;
    case Op::drop_node: r.nodes.erase(r.nodes.begin() + s.i); break;
    case Op::drop_transfer: r.transfer.erase(r.transfer.begin() + s.i); break;
    case Op::set_transfer: r.transfer[s.i] = s.value; break;
    case Op::drop_edges: r.nodes[s.i].edges.clear(); break;
    case Op::drop_edge: r.nodes[s.i].edges.erase(r.nodes[s.i].edges.begin() + s.j); break;
    case Op::set_node: {
        auto& n = r.nodes[s.i];
        switch (s.field) {
        case 0: n.kind = static_cast<std::uint8_t>(s.value); break;
        case 1: n.a = s.value; break;
        case 2: n.b = s.value; break;
        default: n.c = s.value; break;
        }
        break;
    }
    case Op::set_edge: {
        auto& e = r.nodes[s.i].edges[s.j];
        switch (s.field) {
        case 0: e.key = static_cast<std::uint8_t>(s.value); break;
        case 1: e.target = s.value; break;
        case 2: e.flags = static_cast<std::uint8_t>(s.value); break;
        default: e.primitive = static_cast<std::uint8_t>(s.value); break;
        }
        break;
    }
    case Op::set_mode: r.mode = static_cast<std::uint8_t>(s.value); break;
    case Op::set_realm: r.realm = static_cast<std::uint8_t>(s.value); break;
    }
    return r;
}

// The shrinks of a recipe, made one at a time as RapidCheck asks for them.
class RecipeShrinks {
public:
    explicit RecipeShrinks(ScenarioRecipe recipe)
        : m_recipe(std::make_shared<ScenarioRecipe const>(std::move(recipe)))
        , m_steps(std::make_shared<std::vector<ShrinkStep> const>(shrink_steps(*m_recipe)))
    {
    }
    rc::Maybe<ScenarioRecipe> operator()()
    {
        if (m_next >= m_steps->size())
            return rc::Nothing;
        return apply_step(*m_recipe, (*m_steps)[m_next++]);
    }

private:
    std::shared_ptr<ScenarioRecipe const> m_recipe;
    std::shared_ptr<std::vector<ShrinkStep> const> m_steps;
    std::size_t m_next = 0;
};

rc::Seq<ScenarioRecipe> shrinks_of(ScenarioRecipe const& recipe) { return rc::makeSeq<RecipeShrinks>(recipe); }

} // namespace

rc::Gen<ScenarioRecipe> scenario_recipe(Profile const& profile)
{
    if (profile.operations)
        return rc::gen::map(messaging::operation_sequences(*profile.operations), [](std::vector<model::web_messaging::Operation> ops) {
            ScenarioRecipe recipe;
            recipe.operations = std::move(ops);
            return recipe;
        });
    return rc::Gen<ScenarioRecipe>([profile](rc::Random const& random, int size) {
        return rc::shrinkable::shrinkRecur(draw_recipe(profile, random, size), &shrinks_of);
    });
}

void showValue(ScenarioRecipe const& recipe, std::ostream& out)
{
    if (!recipe.operations.empty()) {
        out << "recipe of " << recipe.operations.size() << " operations";
        return;
    }
    out << "recipe of " << recipe.nodes.size() << " nodes, " << recipe.transfer.size() << " transfer entries";
}

} // namespace pmconf::conformance::generators
