#include "model/infra/trace.h"

namespace pmconf::model {

void Trace::merge_counts_from(Trace const& other)
{
    for (std::size_t i = 0; i < m_counts.size(); ++i)
        m_counts[i] += other.m_counts[i];
}

void Trace::append(spec::StepId step) { m_sequence.push_back(step); }

void Trace::clear()
{
    m_counts.fill(0);
    m_sequence.clear();
}

} // namespace pmconf::model
