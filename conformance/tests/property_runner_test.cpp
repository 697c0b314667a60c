// The property runner's search and shrinking, against scripted implementations: one deviation
// must not mask another, even one that only shows while another is being shrunk.

#include "conformance/model_runner.h"
#include "conformance/properties.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <string>
#include <vector>

namespace pmconf::conformance {
namespace {

// The model, except that a Scenario of three or more nodes throws "TooBig", and, only in the
// batches of at most 16 Scenarios that shrinking sends (the search sends 100), a Scenario of two
// nodes throws "Two": a deviation the search cannot see, that only shrinking the first one meets.
class TwoDeviationsIut final : public Iut {
public:
    std::string name() const override { return "two-deviations"; }
    std::string version() const override { return "test"; }
    Capabilities const& capabilities() const override { return model_capabilities(); }
    std::size_t in_flight() const override { return m_replies.size(); }

    void submit(std::vector<Scenario> const& batch) override
    {
        BatchReply reply;
        for (auto const& s : batch) {
            auto o = run_on_model(s);
            auto const nodes = s.graph.nodes.size();
            if (nodes >= 3 || (nodes == 2 && batch.size() <= 16)) {
                o = Observation { };
                o.threw = true;
                o.error_name = nodes >= 3 ? "TooBig" : "Two";
                o.transferables = run_on_model(s).transferables;
            }
            reply.observations.push_back(std::move(o));
        }
        m_replies.push_back(std::move(reply));
    }

    BatchReply receive() override
    {
        auto r = std::move(m_replies.front());
        m_replies.pop_front();
        return r;
    }

private:
    std::deque<BatchReply> m_replies;
};

RunParams params()
{
    RunParams p;
    p.seed = 20261125;
    p.max_success = 300;
    p.max_size = 100;
    p.batch_size = 100;
    return p;
}

bool has_error_name(PropertyOutcome const& outcome, std::string const& name)
{
    return std::any_of(outcome.deviations.begin(), outcome.deviations.end(),
        [&](Deviation const& d) { return d.observed.threw && d.observed.error_name == name; });
}

TEST(PropertyRunner, ADeviationMetWhileShrinkingAnotherIsReportedAndShrunk)
{
    auto const* property = find_property("round-trip-plain-data");
    ASSERT_NE(property, nullptr);
    TwoDeviationsIut iut;
    model::Trace coverage;
    auto const outcome = check_property(*property, iut, params(), coverage);
    ASSERT_EQ(outcome.status, PropertyOutcome::Status::failed);
    EXPECT_TRUE(has_error_name(outcome, "TooBig"));
    ASSERT_TRUE(has_error_name(outcome, "Two")) << "the deviation that only shrinking meets is not reported";
    for (auto const& d : outcome.deviations) {
        // Each shrunk to its own minimum: three nodes for TooBig, two for Two.
        EXPECT_EQ(d.scenario.graph.nodes.size(), d.observed.error_name == "TooBig" ? 3u : 2u) << d.signature;
        // And each replays from its reproduce string, shrink path included.
        auto replay = params();
        replay.reproduce = d.reproduce;
        TwoDeviationsIut again;
        model::Trace unused;
        auto const replayed = check_property(*property, again, replay, unused);
        ASSERT_EQ(replayed.deviations.size(), 1u) << d.reproduce;
        EXPECT_EQ(replayed.deviations.front().signature, d.signature) << d.reproduce;
        EXPECT_EQ(replayed.deviations.front().scenario.graph.nodes.size(), d.scenario.graph.nodes.size()) << d.reproduce;
    }
}

// With the search stopping at its first deviation (the fault matrix's mode), shrinking adds none.
TEST(PropertyRunner, StoppingAtTheFirstDeviationReportsOnlyIt)
{
    auto const* property = find_property("round-trip-plain-data");
    ASSERT_NE(property, nullptr);
    TwoDeviationsIut iut;
    model::Trace coverage;
    auto p = params();
    p.stop_at_first_deviation = true;
    auto const outcome = check_property(*property, iut, p, coverage);
    ASSERT_EQ(outcome.deviations.size(), 1u);
    EXPECT_TRUE(has_error_name(outcome, "TooBig"));
}

} // namespace
} // namespace pmconf::conformance
