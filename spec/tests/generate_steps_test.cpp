#include "spec/tests/run_tool.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace pmconf::spec::test {
namespace {

    ToolRun generate(std::vector<std::string> catalogues)
    {
        std::vector<std::string> args = { "--out-header", output_path("steps.gen.h"), "--out-source",
            output_path("steps.gen.cpp"), "--out-summary", output_path("SUMMARY.md") };
        for (auto const& name : catalogues)
            args.push_back(fixture(name));
        return run_tool(PMCONF_SPECGEN, args);
    }

    // The generator fails on the fixture with the message `<fixture path>: <expected>`.
    void expect_rejected(std::string const& name, std::string const& expected)
    {
        ToolRun run = generate({ name });
        EXPECT_EQ(run.exit_code, 1) << run.output;
        EXPECT_NE(run.output.find(fixture(name) + ": " + expected), std::string::npos)
            << "expected: " << fixture(name) << ": " << expected << "\nactual output:\n"
            << run.output;
    }

    std::string read(std::string const& path)
    {
        std::ifstream in(path);
        std::stringstream buffer;
        buffer << in.rdbuf();
        return buffer.str();
    }

    TEST(GenerateSteps, NumbersStepsDenselyAcrossFilesInCatalogueOrder)
    {
        std::string const header = output_path("steps.gen.h");
        std::string const source = output_path("steps.gen.cpp");
        std::string const summary = output_path("SUMMARY.md");
        ToolRun run = run_tool(PMCONF_SPECGEN,
            { "--out-header", header, "--out-source", source, "--out-summary", summary,
                fixture("demo-catalogue.json"), fixture("demo-second.json") });
        ASSERT_EQ(run.exit_code, 0) << run.output;

        std::string const h = read(header);
        EXPECT_NE(h.find("inline constexpr std::size_t step_count = 15;"), std::string::npos) << h;
        EXPECT_NE(
            h.find("namespace pmconf::spec::steps::alpha {\ninline constexpr ::pmconf::spec::StepId s1{0};"),
            std::string::npos)
            << h;
        EXPECT_NE(h.find("inline constexpr ::pmconf::spec::StepId s3_catch{5};"), std::string::npos) << h;
        EXPECT_NE(
            h.find("namespace pmconf::spec::steps::beta {\ninline constexpr ::pmconf::spec::StepId s1{8};"),
            std::string::npos)
            << h;
        EXPECT_NE(
            h.find("namespace pmconf::spec::steps::gamma {\ninline constexpr ::pmconf::spec::StepId s1{14};"),
            std::string::npos)
            << h;

        std::string const c = read(source);
        EXPECT_NE(c.find("{StepId{6}, \"demo:alpha:4\", \"demo\", \"alpha\", \"Alpha\", \"alpha\", \"4\", "
                         "\"https://example.test/demo.html#alpha\", \"let\", \"\", \"modelled\", \"\", \"\", "
                         "\"result is half of total\", false},"),
            std::string::npos)
            << c;

        std::string const s = read(summary);
        EXPECT_NE(s.find("| **total** | | | **15** | **14** | **1** |"), std::string::npos) << s;
        EXPECT_NE(s.find("| console-output | 1 | `demo:beta:3.1` |"), std::string::npos) << s;
    }

    TEST(GenerateSteps, AcceptsKeysFromACapitalisedFragmentSharedByTwoAlgorithms)
    {
        std::string const header = output_path("steps.gen.h");
        std::string const source = output_path("steps.gen.cpp");
        ToolRun run = run_tool(PMCONF_SPECGEN,
            { "--out-header", header, "--out-source", source, fixture("demo-shared-anchor.json") });
        ASSERT_EQ(run.exit_code, 0) << run.output;

        std::string const h = read(header);
        EXPECT_NE(h.find("namespace pmconf::spec::steps::transfer_demo_port {\ninline constexpr "
                         "::pmconf::spec::StepId s1{0};"),
            std::string::npos)
            << h;
        EXPECT_NE(h.find("namespace pmconf::spec::steps::transfer_demo_port_receiving {\ninline constexpr "
                         "::pmconf::spec::StepId s1{2};"),
            std::string::npos)
            << h;

        std::string const c = read(source);
        EXPECT_NE(c.find("{StepId{0}, \"demo:transferdemoport:1\", \"demo\", \"transferdemoport\", "),
            std::string::npos)
            << c;
        EXPECT_NE(c.find("{StepId{3}, \"demo:transferdemoport--receiving:2\", \"demo\", "
                         "\"transferdemoport--receiving\", \"DemoPort transfer-receiving steps\", "
                         "\"transfer_demo_port_receiving\", \"2\", "
                         "\"https://example.test/demo.html#transferDemoPort\", "),
            std::string::npos)
            << c;
    }

    TEST(GenerateSteps, AcceptsInvalidStateErrorAndSyntaxErrorAfterDataCloneError)
    {
        std::string const summary = output_path("SUMMARY.md");
        ToolRun run = run_tool(PMCONF_SPECGEN,
            { "--out-summary", summary, fixture("demo-catalogue.json"), fixture("demo-shared-anchor.json") });
        ASSERT_EQ(run.exit_code, 0) << run.output;

        // The summary lists the errors in the order of the closed set: DOMException names, then
        // ECMAScript simple errors.
        std::string const s = read(summary);
        EXPECT_NE(s.find("| InvalidStateError | 1 |\n| SyntaxError | 1 |\n| RangeError | 1 |\n"
                         "| TypeError | 1 |\n"),
            std::string::npos)
            << s;
    }

    TEST(GenerateSteps, RejectsInvalidJsonWithTheBytePosition)
    {
        expect_rejected("bad-json.json",
            "invalid JSON at byte 403: parse error at line 7, column 8: syntax error while parsing array");
    }

    TEST(GenerateSteps, RejectsAMissingField)
    {
        expect_rejected("bad-missing-field.json",
            "algorithm alpha step 2: missing field \"summary\" (expected fields path, kind, summary)");
    }

    TEST(GenerateSteps, RejectsAnUnknownField)
    {
        expect_rejected("bad-unknown-field.json",
            "algorithm alpha step 1: unknown field \"throw\" (expected only path, "
            "kind, summary, throws, propagates, status, issue, question)");
    }

    TEST(GenerateSteps, RejectsAMemberGivenTwice)
    {
        expect_rejected("bad-duplicate-member.json",
            "duplicate member \"kind\" in one JSON object (expected each field once)");
    }

    TEST(GenerateSteps, RejectsADuplicatePath)
    {
        expect_rejected("bad-duplicate-path.json",
            "algorithm alpha step 1: duplicate path (expected each path once; first at step #1)");
    }

    TEST(GenerateSteps, RejectsADuplicateAlgorithmKey)
    {
        expect_rejected("bad-duplicate-key.json",
            "algorithm alpha: duplicate key \"alpha\" (expected each algorithm key once)");
    }

    TEST(GenerateSteps, RejectsAStepWhoseParentIsMissing)
    {
        expect_rejected("bad-missing-parent.json",
            "algorithm alpha step 2.1.1: parent step 2.1 is missing (expected 2.1 before 2.1.1)");
    }

    TEST(GenerateSteps, RejectsStepsOutOfDocumentOrder)
    {
        expect_rejected("bad-out-of-order.json",
            "algorithm alpha step 2.1: not in document order (expected it before 3)");
    }

    TEST(GenerateSteps, RejectsAGapInTheNumbering)
    {
        expect_rejected("bad-gap.json", "algorithm alpha step 3: step 2 is missing (expected 2 before 3)");
    }

    TEST(GenerateSteps, RejectsAnUnknownKind)
    {
        expect_rejected("bad-unknown-kind.json",
            "algorithm alpha step 1: unknown kind \"iff\" (expected one of let, set, if,");
    }

    TEST(GenerateSteps, RejectsAnEmptySummary)
    {
        expect_rejected("bad-empty-summary.json",
            "algorithm alpha step 1: field \"summary\" is empty (expected a non-empty string)");
    }

    TEST(GenerateSteps, RejectsAnOverlongSummary)
    {
        expect_rejected("bad-long-summary.json",
            "algorithm alpha step 1: summary is 111 characters long (expected at most 100)");
    }

    TEST(GenerateSteps, RejectsANamespaceThatIsNotACxxIdentifier)
    {
        expect_rejected("bad-namespace.json",
            "algorithm alpha: namespace \"2fast\" is not a C++ identifier (expected "
            "[a-z][a-z0-9_]*, no \"__\", not a keyword)");
    }

    TEST(GenerateSteps, RejectsThrowsOnAStepThatCannotThrow)
    {
        expect_rejected("bad-throws-on-let.json",
            "algorithm alpha step 1: a step of kind \"let\" cannot throw by itself");
    }

    // A catch that handles the failure (the messaging algorithms fire messageerror) throws nothing.
    TEST(GenerateSteps, AcceptsACatchStepThatThrowsNothing)
    {
        std::string const source = output_path("steps.gen.cpp");
        ToolRun run = run_tool(PMCONF_SPECGEN, { "--out-source", source, fixture("demo-catch-handles.json") });
        ASSERT_EQ(run.exit_code, 0) << run.output;
        EXPECT_NE(read(source).find("demo:alpha:1/catch"), std::string::npos);
    }

    TEST(GenerateSteps, CarriesAStepsOpenQuestionIntoTheTableAndTheSummary)
    {
        std::string const source = output_path("steps.gen.cpp");
        std::string const summary = output_path("SUMMARY.md");
        ToolRun run = run_tool(PMCONF_SPECGEN, { "--out-source", source, "--out-summary", summary, fixture("demo-question.json") });
        ASSERT_EQ(run.exit_code, 0) << run.output;
        EXPECT_NE(read(source).find("\"https://example.test/issues/2\", \"Is the total kept when the store fails?\", \"total starts at zero\""),
            std::string::npos)
            << read(source);
        EXPECT_NE(read(summary).find("| `demo:alpha:1` | https://example.test/issues/2 | Is the total kept when the store fails? |"),
            std::string::npos)
            << read(summary);
        EXPECT_NE(read(summary).find("| `demo:alpha:2` | none filed | Is anything returned? |"), std::string::npos) << read(summary);
    }

    TEST(GenerateSteps, RejectsAQuestionOnTwoLines)
    {
        expect_rejected("bad-question-control.json", "algorithm alpha step 1: question has a control character (expected one line of text)");
    }

    TEST(GenerateSteps, RejectsAThrowStepWithoutItsError)
    {
        expect_rejected("bad-throw-without-throws.json",
            "algorithm alpha step 2: missing field \"throws\" (expected the error a throw step throws)");
    }

    TEST(GenerateSteps, RejectsAnUnknownError)
    {
        expect_rejected("bad-unknown-error.json",
            "algorithm alpha step 1: unknown error \"NotSupportedError\" (expected one of DataCloneError, "
            "InvalidStateError, SyntaxError, RangeError, TypeError)");
    }

    TEST(GenerateSteps, RejectsAKeyThatIsNotTheAnchorFragmentLowercased)
    {
        expect_rejected("bad-key-not-fragment.json",
            "algorithm transferport: anchor https://example.test/demo.html#transferDemoPort does not match "
            "the key (expected the key \"transferdemoport\" or \"transferdemoport--<qualifier>\")");
    }

    TEST(GenerateSteps, RejectsAMalformedKeyQualifier)
    {
        expect_rejected("bad-key-qualifier.json",
            "algorithm transferdemoport--receiving-: key \"transferdemoport--receiving-\" has the qualifier "
            "\"receiving-\" (expected \"transferdemoport--<qualifier>\", qualifier in "
            "[a-z0-9]+(-[a-z0-9]+)*)");
    }

    TEST(GenerateSteps, RejectsTwoSnapshotsOfOneSpec)
    {
        ToolRun run = generate({ "demo-catalogue.json", "bad-conflicting-snapshot.json" });
        EXPECT_EQ(run.exit_code, 1) << run.output;
        EXPECT_NE(
            run.output.find(fixture("bad-conflicting-snapshot.json")
                + ": spec: snapshot of \"demo\" differs from the one in " + fixture("demo-catalogue.json")),
            std::string::npos)
            << run.output;
    }

    TEST(GenerateSteps, RejectsAnAlgorithmKeyUsedInTwoFiles)
    {
        ToolRun run = generate({ "demo-catalogue.json", "bad-key-in-two-files.json" });
        EXPECT_EQ(run.exit_code, 1) << run.output;
        EXPECT_NE(run.output.find(fixture("bad-key-in-two-files.json")
                      + ": algorithm alpha: duplicate key \"alpha\" for spec "
                        "demo (expected each algorithm key once; also in "
                      + fixture("demo-catalogue.json") + ")"),
            std::string::npos)
            << run.output;
    }

    TEST(GenerateSteps, RejectsAnAnchorUsedByTwoSpecs)
    {
        ToolRun run = generate({ "demo-shared-anchor.json", "bad-anchor-in-two-specs.json" });
        EXPECT_EQ(run.exit_code, 1) << run.output;
        EXPECT_NE(
            run.output.find(fixture("bad-anchor-in-two-specs.json")
                + ": algorithm transferdemoport: anchor https://example.test/demo.html#transferDemoPort "
                  "is already used for spec demo in "
                + fixture("demo-shared-anchor.json")
                + " (expected the algorithms of one anchor in one spec)"),
            std::string::npos)
            << run.output;
    }

    TEST(GenerateSteps, RejectsTheSameFileGivenTwice)
    {
        ToolRun run = generate({ "demo-catalogue.json", "demo-catalogue.json" });
        EXPECT_EQ(run.exit_code, 1) << run.output;
        EXPECT_NE(run.output.find(
                      fixture("demo-catalogue.json") + ": given twice (expected each catalogue file once)"),
            std::string::npos)
            << run.output;
    }

    TEST(GenerateSteps, ReportsAStaleSummaryWithTheFirstDifferingLine)
    {
        std::string const summary = output_path("SUMMARY.md");
        ASSERT_EQ(
            run_tool(PMCONF_SPECGEN, { "--out-summary", summary, fixture("demo-catalogue.json") }).exit_code,
            0);
        EXPECT_EQ(run_tool(PMCONF_SPECGEN, { "--check-summary", summary, fixture("demo-catalogue.json") })
                      .exit_code,
            0);

        ToolRun stale = run_tool(PMCONF_SPECGEN,
            { "--check-summary", summary, fixture("demo-catalogue.json"), fixture("demo-second.json") });
        EXPECT_EQ(stale.exit_code, 1) << stale.output;
        EXPECT_NE(stale.output.find(summary + ":"), std::string::npos) << stale.output;
        EXPECT_NE(stale.output.find("the committed summary is out of date"), std::string::npos)
            << stale.output;
        EXPECT_NE(stale.output.find("pmconf_spec_update_summary"), std::string::npos) << stale.output;
    }

} // namespace
} // namespace pmconf::spec::test
