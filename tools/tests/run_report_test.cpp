// Reports group findings by root cause: one testcase per cause, its other findings listed as
// variants, and expectations that name any variant's signature keep the cause expected.
#include "tools/run_report.h"

#include <gtest/gtest.h>

namespace pmconf::tools {
namespace {

using conformance::Deviation;
using conformance::Difference;

conformance::ConformanceProperty const* property(std::string const& name) { return conformance::find_property(name); }

Deviation wrong_class_at(std::string const& step, std::string const& reproduce)
{
    Deviation d;
    d.difference = Difference { "error-name", "DataCloneError->TypeError", "DataCloneError", "TypeError", step };
    d.signature = d.difference.signature();
    d.scenario.mode = conformance::PassMode::structured_clone;
    d.root_cause = conformance::root_cause_of(d.difference, d.scenario);
    d.title = "TypeError instead of DataCloneError at " + step;
    d.reproduce = reproduce;
    return d;
}

IutRun one_cause_in_two_properties()
{
    IutRun run;
    run.iut = "demo";
    auto first = wrong_class_at("html:structuredserializewithtransfer:2.1", "pmconf1:1:2:3:");
    auto variant = wrong_class_at("html:structuredserializewithtransfer:2.3", "pmconf1:1:5:3:0");
    first.variants.push_back({ variant.signature, variant.title, variant.reproduce, true });
    PropertyRun a { property("buffers-and-views"), { }, { } };
    a.outcome.status = conformance::PropertyOutcome::Status::failed;
    a.outcome.deviations.push_back(first);
    PropertyRun b { property("transfer-lists"), { }, { } };
    b.outcome.status = conformance::PropertyOutcome::Status::failed;
    b.outcome.deviations.push_back(wrong_class_at("html:structuredserializewithtransfer:2.2", "pmconf1:1:9:3:"));
    run.properties.push_back(a);
    mark_repeated_findings(run.properties, b.outcome);
    run.properties.push_back(b);
    return run;
}

TEST(RunReport, AFindingOfACauseReportedEarlierIsThatCauseNotAnotherDeviation)
{
    auto const run = one_cause_in_two_properties();
    ASSERT_NE(run.properties[0].property, nullptr);
    ASSERT_NE(run.properties[1].property, nullptr);
    EXPECT_EQ(run.properties[1].outcome.deviations[0].same_as, "buffers-and-views");
    EXPECT_EQ(tally(run).unexpected_deviations, 1);
    conformance::RunParams params;
    auto const suites = junit_suites(run, params, "pmconf run");
    int failures = 0;
    std::string text, system_out;
    for (auto const& s : suites) {
        system_out += s.system_out;
        for (auto const& c : s.cases)
            if (c.outcome == reports::Outcome::failed) {
                ++failures;
                text += c.text;
            }
    }
    EXPECT_EQ(failures, 1);
    // The variant, with its own signature and a command that replays its own counterexample.
    EXPECT_NE(text.find("shows in 1 more finding"), std::string::npos) << text;
    EXPECT_NE(text.find("error-name:DataCloneError->TypeError@html:structuredserializewithtransfer:2.3"), std::string::npos);
    EXPECT_NE(text.find("--reproduce pmconf1:1:5:3:0"), std::string::npos);
    EXPECT_NE(system_out.find("the same root cause; reported under buffers-and-views"), std::string::npos) << system_out;
    auto const matrix = matrix_markdown({ run }, params, "pmconf run");
    EXPECT_NE(matrix.find("the same cause in 1 more finding: html:structuredserializewithtransfer:2.3"), std::string::npos);
}

TEST(RunReport, AKnownVariantKeepsItsCauseExpected)
{
    auto run = one_cause_in_two_properties();
    // The expectations were written when the 2.3 variant was the representative.
    run.expectations.known["buffers-and-views"].insert("error-name:DataCloneError->TypeError@html:structuredserializewithtransfer:2.3");
    auto const t = tally(run);
    EXPECT_EQ(t.unexpected_deviations, 0);
    EXPECT_EQ(t.expected_deviations, 1);
    EXPECT_TRUE(unexpected_passes(run).empty());
    run.expectations.known["buffers-and-views"].insert("error-name:DataCloneError->TypeError@html:structuredserializeinternal:5");
    EXPECT_EQ(unexpected_passes(run).size(), 1u);
}

} // namespace
} // namespace pmconf::tools
