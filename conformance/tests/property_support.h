// Drawing Scenarios inside RC_GTEST_PROP bodies, from the profile of a conformance property.
#pragma once

#include "conformance/generators/rc_generators.h"
#include "conformance/generators/recipe.h"
#include "conformance/properties.h"
#include "conformance/scenario.h"

#include <rapidcheck.h>

#include <cstddef>
#include <string_view>

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

// A Scenario from the profile of any of the conformance properties.
inline Scenario draw_scenario_of_any_profile()
{
    auto const properties = conformance_properties();
    auto const index = *rc::gen::inRange<std::size_t>(0, properties.size());
    RC_LOG() << "profile of " << properties[index].name << "\n";
    return draw_scenario(properties[index].profile);
}

} // namespace pmconf::conformance::tests
