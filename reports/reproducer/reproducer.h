// Reproducers a person reads: one deviation as a standalone JavaScript file, written as plain code
// (the value built literally, the call made as a script makes it, the operations as calls with
// their observers written out), with the implementation loaded as the registry says. It prints
// what the spec requires next to what happened for the part of the Observation the deviation is
// about, and `PMCONF-OBSERVATION <protocol v1 Observation JSON>` made by its own small
// observation code (not the adapter's), for `pmconf verify-repro`; it exits 1 while the deviation
// is there, 0 once the implementation conforms, 2 if it cannot run.
//
// The value, the call and the observation are written from the Scenario alone, independently of
// the adapter (tools/adapters/lib/core.mjs): an adapter bug does not reproduce itself.
#pragma once

#include "conformance/compare.h"
#include "conformance/observation.h"
#include "conformance/scenario.h"

#include <string>
#include <vector>

namespace pmconf::reports {

struct ReproducerCase {
    std::string iut; // "node": the registry's name
    std::string iut_version; // "node v20.20.2", as the IUT announced it
    std::string impl
        = "native"; // what runs structuredClone: "native", "ungap", "core-js" (the registry's impl)
    std::vector<std::string> run_argv; // the registry's repro argv prefix: ["node"]
    std::string file; // the reproducer's path, as the header's run command shows it
    std::string property; // "error-objects"
    std::string property_description;
    std::string title; // what is wrong, in one sentence; empty: the difference's summary
    std::string signature;
    std::string found_by; // the command that replays the shrunk case
    int shrinks = 0;
    conformance::Scenario scenario;
    conformance::Observation expected; // the reference model's
    conformance::Observation observed; // the implementation's, in the run
    conformance::Difference difference;
};

// The reproducer's text.
std::string reproducer_text(ReproducerCase const&);

} // namespace pmconf::reports
