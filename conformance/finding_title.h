// What a finding is, in words: a line an engine developer reads before anything else ("TypeError
// instead of DataCloneError: only buffers and transferable platform objects can be transferred"),
// made from the difference, its counterexample and the catalogue's summary of the step it cites.
#pragma once

#include "conformance/compare.h"
#include "conformance/scenario.h"

#include <string>

namespace pmconf::conformance {

std::string finding_title(Difference const&, Scenario const&);

// The API whose outcome differs: "structuredClone()", "MessagePort.postMessage()", ...
std::string call_name(Difference const&, Scenario const&);

// The error name in an outcome ("threw TypeError (operation 3)", "a thrown DataCloneError"):
// "TypeError"; empty for a return, a skip, a crash or a hang.
std::string thrown_name(std::string const& outcome);

// A crash or a hang in an outcome, in words ("crashes (the process was killed by signal 6
// (SIGABRT))", "hangs"); empty for anything else.
std::string process_failure(std::string const& outcome);

} // namespace pmconf::conformance
