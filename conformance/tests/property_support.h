// Drawing Scenarios inside RC_GTEST_PROP bodies, from the profile of a conformance property.
#pragma once

#include "conformance/generators/rc_generators.h"
#include "conformance/generators/recipe.h"
#include "conformance/properties.h"
#include "conformance/scenario.h"

#include <rapidcheck.h>

#include <cstddef>
#include <string_view>
#include <vector>

namespace pmconf::conformance::tests {

inline generators::Profile const& profile_of(std::string_view property)
{
    auto const* p = find_property(property);
    RC_ASSERT(p != nullptr);
    return p->profile;
}

// A Scenario drawn as the property's own generator draws it; shown when the case fails.
inline Scenario draw_scenario(generators::Profile const& profile)
{
    auto const recipe = *generators::scenario_recipe(profile);
    auto scenario = generators::build_scenario(recipe, profile);
    RC_LOG() << "scenario: " << to_display(scenario) << "\n";
    return scenario;
}

inline Scenario draw_scenario(std::string_view property) { return draw_scenario(profile_of(property)); }

// A Scenario (a value graph) from the profile of any of the structured clone properties; the
// messaging properties' operation sequences have tests of their own (messaging_test.cpp).
inline Scenario draw_scenario_of_any_profile()
{
    std::vector<ConformanceProperty const*> graphs;
    for (auto const& p : conformance_properties())
        if (!p.profile.operations)
            graphs.push_back(&p);
    auto const index = *rc::gen::inRange<std::size_t>(0, graphs.size());
    RC_LOG() << "profile of " << graphs[index]->name << "\n";
    return draw_scenario(graphs[index]->profile);
}

} // namespace pmconf::conformance::tests
