#include "spec/catalogue.h"

#include "spec/catalogue_tables.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace pmconf::spec {

using detail::tables;

std::span<StepInfo const> all_steps()
{
    return tables.steps;
}

StepInfo const& step_info(StepId step)
{
    if (step.index >= tables.steps.size()) {
        std::fprintf(stderr, "pmconf::spec::step_info: StepId{%u} is not a catalogued step (there are %zu)\n",
            static_cast<unsigned>(step.index), tables.steps.size());
        std::abort();
    }
    return tables.steps[step.index];
}

std::optional<StepId> find_step(std::string_view id)
{
    auto const by_id = tables.steps_by_id;
    auto it = std::lower_bound(by_id.begin(), by_id.end(), id,
        [](StepId step, std::string_view wanted) { return tables.steps[step.index].id < wanted; });
    if (it == by_id.end() || tables.steps[it->index].id != id)
        return std::nullopt;
    return *it;
}

std::span<SpecSnapshot const> snapshots()
{
    return tables.snapshots;
}

std::span<AlgorithmInfo const> algorithms()
{
    return tables.algorithms;
}

} // namespace pmconf::spec
