// The call a Scenario makes, as JavaScript: `structuredClone(value, { transfer })`, or a post on a
// new MessageChannel whose port2's message (or messageerror) event gives the result; then the
// Observation the reproducer reads (js_observe.h) handed to `report`.
#pragma once

#include "conformance/scenario.h"
#include "reports/reproducer/js_value.h"

#include <string>

namespace pmconf::reports::reproducer {

// *clone* is the expression of the implementation under test's structuredClone.
std::string clone_call_code(conformance::Scenario const&, ValueCode const&, std::string const& clone);

// Put Object.prototype back as it was (for a value that changes it), before reading the result.
std::string restore_object_prototype_code();

} // namespace pmconf::reports::reproducer
