// Runs a Scenario on the reference model: builds the value graph in a model heap, passes it as
// the Scenario says, and reads back an Observation.
#pragma once

#include "conformance/observation.h"
#include "conformance/scenario.h"
#include "model/infra/faults.h"
#include "model/infra/trace.h"

namespace pmconf::conformance {

// Runs with the given seeded fault (Fault::none: the spec). When trace is given, the steps run
// are added to it.
Observation run_on_model(Scenario const&, model::Fault = model::Fault::none, model::Trace* trace = nullptr);

} // namespace pmconf::conformance
