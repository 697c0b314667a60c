#include "spec/tests/run_tool.h"

#include <gtest/gtest.h>

namespace pmconf::spec::test {
namespace {

    ToolRun check(std::string const& source)
    {
        return run_tool(
            PMCONF_CHECK_MARKERS, { "--catalogue", fixture("demo-catalogue.json"), fixture(source) });
    }

    // The checker fails on the fixture with `<fixture>:<line>: <expected>` and the problem count.
    void expect_problem(std::string const& source, int line, std::string const& expected, int problems = 1)
    {
        ToolRun run = check(source);
        EXPECT_EQ(run.exit_code, 1) << run.output;
        std::string const wanted = fixture(source) + ":" + std::to_string(line) + ": " + expected;
        EXPECT_NE(run.output.find(wanted), std::string::npos)
            << "expected: " << wanted << "\nactual output:\n"
            << run.output;
        std::string const count = "pmconf_check_markers: " + std::to_string(problems) + " problem";
        EXPECT_NE(run.output.find(count), std::string::npos) << "expected: " << count << "\nactual output:\n"
                                                             << run.output;
    }

    TEST(CheckMarkers, AcceptsAWellMarkedFile)
    {
        ToolRun run = check("markers-good.cpp");
        EXPECT_EQ(run.exit_code, 0) << run.output;
        EXPECT_EQ(run.output,
            "pmconf_check_markers: all 13 modelled steps marked (13 markers in 1 files; 14 steps "
            "catalogued)\n");
    }

    TEST(CheckMarkers, ReportsTheFirstMarkerOutOfDocumentOrder)
    {
        expect_problem("markers-out-of-order.cpp", 22,
            "PM_STEP(S::s2_1) is out of document order: step 2.1 comes before the step marked at line 18 "
            "(expected markers in spec order within one anchor's region)");
    }

    TEST(CheckMarkers, ReportsAModelledStepWithoutMarker)
    {
        ToolRun run = check("markers-missing.cpp");
        EXPECT_EQ(run.exit_code, 1) << run.output;
        EXPECT_NE(run.output.find(fixture("demo-catalogue.json")
                      + ":13: demo:alpha:2.2 is modelled but no marker marks it "
                        "(expected PM_STEP(S::s2_2); below "
                        "https://example.test/demo.html#alpha)"),
            std::string::npos)
            << run.output;
        EXPECT_NE(run.output.find("pmconf_check_markers: 1 problem\n"), std::string::npos) << run.output;
    }

    TEST(CheckMarkers, ReportsAWrongNumberInTheStepComment)
    {
        expect_problem("markers-wrong-number.cpp", 26,
            "PM_STEP(S::s2_2) is below the comment for step 2.3 at line 23 (expected `// 2.2. `)");
    }

    TEST(CheckMarkers, ReportsAMarkerUnderTheWrongAnchor)
    {
        expect_problem("markers-wrong-anchor.cpp", 49,
            "PM_STEP(S::s3_2) is under the anchor of Alpha, which has no such step (expected it under "
            "https://example.test/demo.html#beta)");
    }

    TEST(CheckMarkers, ReportsAMarkerForANotModelledStep)
    {
        expect_problem("markers-not-modelled.cpp", 75,
            "PM_STEP(S::s3_1) marks demo:beta:3.1, which the catalogue lists as not-modelled:console-output "
            "(expected no marker, or status modelled)");
    }

    TEST(CheckMarkers, ReportsARangeCommentWhoseMarkersAreNotConsecutive)
    {
        expect_problem("markers-bad-range.cpp", 45,
            "the comment `// 4-5.` covers 5 but its marker does not follow (expected the range's markers on "
            "consecutive lines below it)",
            2);
    }

    TEST(CheckMarkers, ReportsAMarkerWithoutItsStepComment)
    {
        expect_problem("markers-no-comment.cpp", 67,
            "PM_STEP(S::s2) is not right below its step comment (expected `// 2. ` on the line above)");
    }

    TEST(CheckMarkers, ReportsAMarkerUnderAnAnchorThatIsNotCatalogued)
    {
        expect_problem("markers-outside-region.cpp", 56,
            "PM_STEP(S::s1) is not in a catalogued algorithm's region (expected it below a comment line "
            "holding a catalogued anchor; https://tc39.es/ecma262/#sec-tonumber at line 52 is not one)");
    }

    TEST(CheckMarkers, ReportsANamespaceAliasForAnotherAlgorithm)
    {
        expect_problem("markers-wrong-alias.cpp", 64,
            "PM_STEP(S::s1) names a step of Alpha (namespace alpha) under the anchor of Beta (expected an "
            "alias "
            "of ...::steps::beta)");
    }

    TEST(CheckMarkers, RejectsAnInvalidCatalogue)
    {
        ToolRun run = run_tool(
            PMCONF_CHECK_MARKERS, { "--catalogue", fixture("bad-gap.json"), fixture("markers-good.cpp") });
        EXPECT_EQ(run.exit_code, 2) << run.output;
        EXPECT_NE(run.output.find(fixture("bad-gap.json") + ": algorithm alpha step 3: step 2 is missing"),
            std::string::npos)
            << run.output;
    }

} // namespace
} // namespace pmconf::spec::test
