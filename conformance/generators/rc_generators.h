// RapidCheck generators for recipes (and so for Scenarios).
#pragma once

#include "conformance/generators/recipe.h"

#include <rapidcheck.h>

#include <ostream>

namespace pmconf::conformance::generators {

rc::Gen<ScenarioRecipe> scenario_recipe(Profile const&);

void showValue(ScenarioRecipe const&, std::ostream&);

} // namespace pmconf::conformance::generators
