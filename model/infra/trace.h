// The trace of executed spec steps. PM_STEP costs one array increment (coverage) and, when the
// caller asked for the ordered trace, one push_back.
#pragma once

#include "spec/steps.gen.h"

#include <array>
#include <cstdint>
#include <vector>

namespace pmconf::model {

class Trace {
public:
    explicit Trace(bool record_sequence = false) : m_record_sequence(record_sequence) { }

    void hit(spec::StepId step)
    {
        ++m_counts[step.index];
        if (m_record_sequence)
            append(step);
    }

    std::uint64_t count(spec::StepId step) const { return m_counts[step.index]; }
    std::array<std::uint64_t, spec::step_count> const& counts() const { return m_counts; }
    std::vector<spec::StepId> const& sequence() const { return m_sequence; }
    bool reached(spec::StepId step) const { return m_counts[step.index] != 0; }
    void merge_counts_from(Trace const& other);
    void clear();

private:
    // OPTIMIZATION: out of line, so that PM_STEP stays a load, a test and an increment.
    [[gnu::noinline]] void append(spec::StepId step);

    std::array<std::uint64_t, spec::step_count> m_counts {};
    std::vector<spec::StepId> m_sequence;
    bool m_record_sequence;
};

namespace detail {
inline thread_local Trace* current_trace = nullptr;
}

[[gnu::always_inline]] inline void record_step(spec::StepId step)
{
    if (auto* trace = detail::current_trace)
        trace->hit(step);
}

// Installs a trace for the model calls made on this thread while the scope lives.
class TraceScope {
public:
    explicit TraceScope(Trace& trace) : m_previous(detail::current_trace) { detail::current_trace = &trace; }
    ~TraceScope() { detail::current_trace = m_previous; }
    TraceScope(TraceScope const&) = delete;
    TraceScope& operator=(TraceScope const&) = delete;

private:
    Trace* m_previous;
};

} // namespace pmconf::model

#define PM_STEP(step) ::pmconf::model::record_step(step)
