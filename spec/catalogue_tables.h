// Internal to pmconf_spec: the tables that the generated steps.gen.cpp defines and
// catalogue.cpp serves through the API of catalogue.h.
#pragma once

#include "spec/catalogue.h"

namespace pmconf::spec::detail {

struct Tables {
    std::span<SpecSnapshot const> snapshots;
    std::span<AlgorithmInfo const> algorithms;
    std::span<StepInfo const> steps;
    std::span<StepId const> steps_by_id; // sorted by StepInfo::id, for find_step()
};

extern Tables const tables;

} // namespace pmconf::spec::detail
