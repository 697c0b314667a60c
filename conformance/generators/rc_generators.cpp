#include "conformance/generators/rc_generators.h"

namespace pmconf::conformance::generators {

namespace {

// A choice drawn uniformly from [min, max) whatever the generation size (rc::gen::inRange scales
// its range with the size, and edges are generated at a reduced size); it still shrinks to min.
template<class T>
rc::Gen<T> choice(T min, T max)
{
    return rc::gen::resize(100, rc::gen::inRange<T>(min, max));
}

rc::Gen<EdgeRecipe> edge_recipe(Profile const& profile)
{
    std::uint8_t flag_mask = 0;
    if (profile.primitives)
        flag_mask |= 1;
    if (profile.symbol_keys)
        flag_mask |= 2;
    if (profile.non_enumerable)
        flag_mask |= 4;
    if (profile.getters)
        flag_mask |= 8 | 16;
    if (profile.getter_effects)
        flag_mask |= 32;
    // Each flag from its own bits of one uniform draw (size-independent), so that shrinking the
    // draw towards 0 clears the rarer flags: a symbol key 1 in 8, not enumerable 1 in 4, an
    // accessor 1 in 4, and the getter throws / has an effect 1 in 2 each.
    auto flags_from = [flag_mask](std::uint32_t raw) {
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
        return static_cast<std::uint8_t>(flags & flag_mask);
    };
    return rc::gen::apply(
        [flags_from](std::uint8_t key, std::uint32_t target, std::uint32_t raw_flags, std::uint8_t primitive) {
            return EdgeRecipe { key, target, flags_from(raw_flags), primitive };
        },
        choice<std::uint8_t>(0, 16), choice<std::uint32_t>(0, 64), choice<std::uint32_t>(0, 1024),
        choice<std::uint8_t>(0, 64));
}

rc::Gen<NodeRecipe> node_recipe(Profile const& profile)
{
    auto const kinds = static_cast<std::uint8_t>(profile.kinds.size());
    return rc::gen::apply(
        [](std::uint8_t kind, std::uint32_t a, std::uint32_t b, std::uint32_t c, std::vector<EdgeRecipe> edges) {
            return NodeRecipe { kind, a, b, c, std::move(edges) };
        },
        choice<std::uint8_t>(0, kinds), choice<std::uint32_t>(0, 64),
        choice<std::uint32_t>(0, 64), choice<std::uint32_t>(0, 64),
        rc::gen::scale(0.3, rc::gen::container<std::vector<EdgeRecipe>>(edge_recipe(profile))));
}

} // namespace

rc::Gen<ScenarioRecipe> scenario_recipe(Profile const& profile)
{
    auto const max_nodes = profile.max_nodes;
    auto const modes = static_cast<std::uint8_t>(profile.modes.size());
    auto nodes = rc::gen::withSize([profile, max_nodes](int size) {
        int const limit = std::max(1, std::min(max_nodes, 1 + size / 8));
        return rc::gen::mapcat(rc::gen::inRange(1, limit + 1), [profile](int n) {
            return rc::gen::container<std::vector<NodeRecipe>>(static_cast<std::size_t>(n), node_recipe(profile));
        });
    });
    auto transfer = profile.transfer || profile.broken
        ? rc::gen::scale(0.05, rc::gen::container<std::vector<std::uint32_t>>(choice<std::uint32_t>(0, 64)))
        : rc::gen::just(std::vector<std::uint32_t> {});
    auto realm = profile.realm_variations ? choice<std::uint8_t>(0, 14) : rc::gen::just<std::uint8_t>(0);
    return rc::gen::apply(
        [](std::vector<NodeRecipe> n, std::vector<std::uint32_t> t, std::uint8_t mode, std::uint8_t r) {
            return ScenarioRecipe { std::move(n), std::move(t), mode, r };
        },
        std::move(nodes), std::move(transfer), choice<std::uint8_t>(0, modes), std::move(realm));
}

void showValue(ScenarioRecipe const& recipe, std::ostream& out)
{
    out << "recipe of " << recipe.nodes.size() << " nodes, " << recipe.transfer.size() << " transfer entries";
}

} // namespace pmconf::conformance::generators
