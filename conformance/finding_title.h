// What a finding is, in words: a line an engine developer reads before anything else ("TypeError
// instead of DataCloneError: only buffers and transferable platform objects can be transferred"),
// made from the difference, its counterexample and the catalogue's summary of the step it cites.
#pragma once

#include "conformance/compare.h"
#include "conformance/scenario.h"

#include <string>

namespace pmconf::conformance {

std::string finding_title(Difference const&, Scenario const&);

} // namespace pmconf::conformance
