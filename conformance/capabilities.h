// What an implementation under test can run, as the capability strings of docs/protocol.md, and
// what each Scenario needs. A Scenario that needs a capability the IUT lacks is not sent; a
// property whose cases all need one is skipped, never failed.
#pragma once

#include "conformance/generators/recipe.h"
#include "conformance/scenario.h"

#include <set>
#include <string>
#include <string_view>

namespace pmconf::conformance {

using Capabilities = std::set<std::string, std::less<>>;

// The capabilities of the reference model: everything, including the model-only pass modes.
Capabilities const& model_capabilities();

// Capability strings a Scenario needs, in a stable order.
Capabilities required_capabilities(Scenario const&);

// The first capability the Scenario needs that `have` lacks, or empty.
std::string missing_capability(Scenario const&, Capabilities const& have);

// The profile narrowed to what an IUT can run: node kinds and pass modes it lacks are dropped,
// and realm variations (a model-only setting) are turned off unless it has "realm-settings".
// Returns false, with the reason, when nothing of the property is left to run.
bool restrict_profile(generators::Profile&, Capabilities const& have, std::string& reason);

} // namespace pmconf::conformance
