#include "reports/junit.h"

#include "reports/tests/sample_reports.h"
#include "reports/tests/temp_dir.h"
#include "reports/tests/xml_char_check.h"
#include "reports/xml_text.h"

#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <pugixml.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#ifndef PMCONF_REPORTS_GOLDEN_DIR
#error "PMCONF_REPORTS_GOLDEN_DIR must name reports/tests/golden"
#endif

namespace pmconf::reports {
namespace {

    using namespace std::chrono_literals;

    std::string read_file(std::filesystem::path const& path)
    {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream content;
        content << in.rdbuf();
        return content.str();
    }

    // XML parsers turn CR LF and lone CR in text into LF.
    std::string xml_line_ends(std::string text)
    {
        std::string out;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '\r') {
                out += '\n';
                if (i + 1 < text.size() && text[i + 1] == '\n')
                    ++i;
            } else {
                out += text[i];
            }
        }
        return out;
    }

    struct Parsed {
        pugi::xml_document document;
        pugi::xml_parse_result result;
    };

    std::unique_ptr<Parsed> parse(std::string const& xml)
    {
        auto parsed = std::make_unique<Parsed>();
        parsed->result = parsed->document.load_buffer(xml.data(), xml.size());
        return parsed;
    }

    std::vector<std::string> child_names(pugi::xml_node node)
    {
        std::vector<std::string> names;
        for (auto child : node.children())
            names.push_back(child.name());
        return names;
    }

    std::vector<std::string> attribute_names(pugi::xml_node node)
    {
        std::vector<std::string> names;
        for (auto attribute : node.attributes())
            names.push_back(attribute.name());
        return names;
    }

    TestSuiteResult suite_with(std::vector<TestCaseResult> cases)
    {
        TestSuiteResult suite;
        suite.package = "pmconf.test";
        suite.name = "suite";
        suite.hostname = "host";
        suite.started = testing::sample_start();
        suite.cases = std::move(cases);
        return suite;
    }

    pugi::xml_node first_suite(Parsed const& parsed)
    {
        return parsed.document.child("testsuites").child("testsuite");
    }

    TEST(RenderJunit, MatchesTheGoldenFileForTheOrdinarySample)
    {
        std::filesystem::path const golden
            = std::filesystem::path(PMCONF_REPORTS_GOLDEN_DIR) / "ordinary.junit.xml";
        std::string const rendered = render_junit(testing::ordinary_suites());
        if (char const* update = std::getenv("PMCONF_UPDATE_GOLDEN"); update && std::string(update) == "1") {
            std::ofstream(golden, std::ios::binary) << rendered;
            GTEST_SKIP() << "rewrote " << golden;
        }
        std::string const expected = read_file(golden);
        ASSERT_FALSE(expected.empty()) << "missing golden file " << golden;
        EXPECT_EQ(rendered, expected)
            << "to approve the new output: PMCONF_UPDATE_GOLDEN=1 and rerun this test";
    }

    TEST(RenderJunit, UsesTheLayoutBothSchemasAccept)
    {
        std::string const xml = render_junit(testing::ordinary_suites());
        EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0), 0u);
        EXPECT_EQ(xml.find("CDATA"), std::string::npos);
        auto const parsed = parse(xml);
        ASSERT_TRUE(parsed->result) << parsed->result.description();
        auto const root = parsed->document.child("testsuites");
        EXPECT_TRUE(attribute_names(root).empty());
        int id = 0;
        for (auto suite : root.children()) {
            EXPECT_STREQ(suite.name(), "testsuite");
            EXPECT_EQ(attribute_names(suite),
                (std::vector<std::string> { "id", "package", "name", "timestamp", "hostname", "tests",
                    "failures", "errors", "skipped", "time" }));
            EXPECT_EQ(suite.attribute("id").as_int(), id++);
            auto const names = child_names(suite);
            ASSERT_GE(names.size(), 3u);
            EXPECT_EQ(names.front(), "properties");
            EXPECT_EQ(names[names.size() - 2], "system-out");
            EXPECT_EQ(names.back(), "system-err");
            for (std::size_t i = 1; i + 2 < names.size(); ++i)
                EXPECT_EQ(names[i], "testcase");
            for (auto test : suite.children("testcase")) {
                EXPECT_EQ(attribute_names(test), (std::vector<std::string> { "name", "classname", "time" }));
                EXPECT_LE(child_names(test).size(), 1u);
            }
        }
    }

    TEST(RenderJunit, ComputesCountsFromTheCases)
    {
        std::vector<TestCaseResult> cases;
        for (Outcome outcome : { Outcome::failed, Outcome::failed, Outcome::error, Outcome::skipped,
                 Outcome::skipped, Outcome::skipped, Outcome::passed })
            cases.push_back({ .name = "t" + std::to_string(cases.size()), .outcome = outcome });
        TestSuiteResult const suites[] = { suite_with(cases) };
        auto const parsed = parse(render_junit(suites));
        auto const suite = first_suite(*parsed);
        EXPECT_STREQ(suite.attribute("tests").value(), "7");
        EXPECT_STREQ(suite.attribute("failures").value(), "2");
        EXPECT_STREQ(suite.attribute("errors").value(), "1");
        EXPECT_STREQ(suite.attribute("skipped").value(), "3");
    }

    TEST(RenderJunit, WritesTimestampsInUtcWithoutZoneOrFraction)
    {
        std::pair<std::chrono::system_clock::time_point, char const*> const cases[] = {
            { std::chrono::system_clock::time_point {}, "1970-01-01T00:00:00" },
            { std::chrono::system_clock::time_point {} + 1999ms, "1970-01-01T00:00:01" },
            { testing::sample_start() + 500ms, "2026-11-24T05:00:00" },
            { std::chrono::sys_days { std::chrono::year { 2024 } / 2 / 29 } + 23h + 59min + 59s,
                "2024-02-29T23:59:59" },
            { std::chrono::system_clock::time_point {} - 1s, "1969-12-31T23:59:59" },
        };
        for (auto const& [when, expected] : cases) {
            TestSuiteResult suite = suite_with({});
            suite.started = when;
            TestSuiteResult const suites[] = { suite };
            auto const parsed = parse(render_junit(suites));
            EXPECT_STREQ(first_suite(*parsed).attribute("timestamp").value(), expected);
        }
    }

    TEST(RenderJunit, WritesTimesWithThreeDecimalsAndNoExponent)
    {
        std::pair<double, char const*> const cases[] = {
            { 0, "0.000" },
            { 0.5, "0.500" },
            { 1e-5, "0.000" },
            { 0.0016, "0.002" },
            { 1234.5678, "1234.568" },
            { -1, "0.000" },
            { std::numeric_limits<double>::quiet_NaN(), "0.000" },
            { std::numeric_limits<double>::infinity(), "1000000000.000" },
            { 1e300, "1000000000.000" },
        };
        for (auto const& [seconds, expected] : cases) {
            TestSuiteResult suite = suite_with({ { .name = "t", .seconds = seconds } });
            suite.seconds = seconds;
            TestSuiteResult const suites[] = { suite };
            auto const parsed = parse(render_junit(suites));
            EXPECT_STREQ(first_suite(*parsed).attribute("time").value(), expected) << seconds;
            EXPECT_STREQ(first_suite(*parsed).child("testcase").attribute("time").value(), expected)
                << seconds;
        }
    }

    TEST(RenderJunit, FallsBackToLocalhostAndPlaceholdersForEmptyNames)
    {
        TestSuiteResult suite = suite_with({ { .name = " \n " } });
        suite.package = "";
        suite.name = "\t";
        suite.hostname = "";
        suite.properties = { { "", "value" } };
        TestSuiteResult const suites[] = { suite };
        auto const parsed = parse(render_junit(suites));
        auto const rendered = first_suite(*parsed);
        EXPECT_STREQ(rendered.attribute("package").value(), "");
        EXPECT_STREQ(rendered.attribute("name").value(), "[EMPTY-NAME]");
        EXPECT_STREQ(rendered.attribute("hostname").value(), "localhost");
        EXPECT_STREQ(
            rendered.child("properties").child("property").attribute("name").value(), "[EMPTY-NAME]");
        EXPECT_STREQ(rendered.child("testcase").attribute("name").value(), "[EMPTY-NAME]");
        EXPECT_STREQ(rendered.child("testcase").attribute("classname").value(), "[EMPTY-NAME]");
    }

    TEST(RenderJunit, CollapsesWhitespaceInNames)
    {
        TestSuiteResult suite = suite_with({ { .name = "  two\t\twords\r\n", .classname = " a .b " } });
        suite.name = " spaced \n name ";
        TestSuiteResult const suites[] = { suite };
        auto const parsed = parse(render_junit(suites));
        EXPECT_STREQ(first_suite(*parsed).attribute("name").value(), "spaced name");
        EXPECT_STREQ(first_suite(*parsed).child("testcase").attribute("name").value(), "two words");
        EXPECT_STREQ(first_suite(*parsed).child("testcase").attribute("classname").value(), "a .b");
    }

    TEST(RenderJunit, DefaultsTheClassnameToPackageAndSuiteName)
    {
        TestSuiteResult const suites[] = { suite_with({ { .name = "t" } }) };
        auto const parsed = parse(render_junit(suites));
        EXPECT_STREQ(
            first_suite(*parsed).child("testcase").attribute("classname").value(), "pmconf.test.suite");
    }

    TEST(RenderJunit, WritesOneChildPerOutcome)
    {
        TestSuiteResult const suites[] = { suite_with({
            { .name = "p", .outcome = Outcome::passed, .message = "ignored", .text = "ignored" },
            { .name = "f",
                .outcome = Outcome::failed,
                .message = "m",
                .type = "pmconf.Deviation",
                .text = "body" },
            { .name = "e",
                .outcome = Outcome::error,
                .message = "m",
                .type = "pmconf.IutCrashed",
                .text = "body" },
            { .name = "s", .outcome = Outcome::skipped, .message = "why" },
        }) };
        auto const parsed = parse(render_junit(suites));
        auto test = first_suite(*parsed).child("testcase");
        EXPECT_TRUE(child_names(test).empty());
        test = test.next_sibling("testcase");
        EXPECT_EQ(child_names(test), std::vector<std::string> { "failure" });
        EXPECT_STREQ(test.child("failure").attribute("message").value(), "m");
        EXPECT_STREQ(test.child("failure").attribute("type").value(), "pmconf.Deviation");
        EXPECT_STREQ(test.child("failure").text().get(), "body");
        test = test.next_sibling("testcase");
        EXPECT_EQ(child_names(test), std::vector<std::string> { "error" });
        EXPECT_STREQ(test.child("error").attribute("type").value(), "pmconf.IutCrashed");
        test = test.next_sibling("testcase");
        EXPECT_EQ(child_names(test), std::vector<std::string> { "skipped" });
        EXPECT_EQ(attribute_names(test.child("skipped")), std::vector<std::string> { "message" });
        EXPECT_STREQ(test.child("skipped").attribute("message").value(), "why");
        EXPECT_TRUE(test.child("skipped").first_child().empty());
    }

    TEST(RenderJunit, AlwaysGivesFailuresATypeAndText)
    {
        TestSuiteResult const suites[] = { suite_with({
            { .name = "message only", .outcome = Outcome::failed, .message = "the summary" },
            { .name = "nothing", .outcome = Outcome::error },
            { .name = "text only", .outcome = Outcome::failed, .text = "\n  first line\nsecond line" },
            { .name = "bare type", .outcome = Outcome::failed, .type = "yaml", .text = "x" },
        }) };
        auto const parsed = parse(render_junit(suites));
        auto test = first_suite(*parsed).child("testcase");
        EXPECT_STREQ(test.child("failure").text().get(), "the summary");
        EXPECT_STREQ(test.child("failure").attribute("type").value(), "pmconf.Failure");
        test = test.next_sibling("testcase");
        EXPECT_STREQ(test.child("error").text().get(), "[NO-DETAILS]");
        EXPECT_STREQ(test.child("error").attribute("type").value(), "pmconf.Error");
        test = test.next_sibling("testcase");
        EXPECT_STREQ(test.child("failure").attribute("message").value(), "first line");
        test = test.next_sibling("testcase");
        EXPECT_STREQ(test.child("failure").attribute("type").value(), "pmconf.yaml");
    }

    TEST(RenderJunit, KeepsTheTextOfASkippedCase)
    {
        TestSuiteResult const suites[] = { suite_with({
            { .name = "s", .outcome = Outcome::skipped, .text = "capability missing\nsecond line" },
        }) };
        auto const parsed = parse(render_junit(suites));
        auto const skipped = first_suite(*parsed).child("testcase").child("skipped");
        EXPECT_STREQ(skipped.attribute("message").value(), "capability missing");
        EXPECT_STREQ(skipped.text().get(), "capability missing\nsecond line");
    }

    TEST(RenderJunit, RendersAnEmptyListOfSuites)
    {
        std::string const xml = render_junit({});
        auto const parsed = parse(xml);
        ASSERT_TRUE(parsed->result);
        EXPECT_TRUE(parsed->document.child("testsuites"));
        EXPECT_TRUE(parsed->document.child("testsuites").first_child().empty());
    }

    TEST(RenderJunit, HostileReportIsValidXmlCharDataWithOnlyAllowedCharacterReferences)
    {
        std::string const xml = render_junit(testing::hostile_suites());
        EXPECT_EQ(testing::xml_char_data_problem(xml), "");
        std::regex const reference("&#x?([0-9A-Fa-f]+);");
        for (auto it = std::sregex_iterator(xml.begin(), xml.end(), reference); it != std::sregex_iterator();
             ++it) {
            std::string const ref = it->str();
            EXPECT_TRUE(ref == "&#09;" || ref == "&#10;" || ref == "&#13;" || ref == "&#9;") << ref;
        }
        EXPECT_EQ(xml.find("<![CDATA["), std::string::npos);
    }

    TEST(RenderJunit, HostileReportParsedBackStillShowsEveryMarker)
    {
        std::string const xml = render_junit(testing::hostile_suites());
        auto const parsed = parse(xml);
        ASSERT_TRUE(parsed->result) << parsed->result.description();
        auto const suite = first_suite(*parsed);

        std::string const sanitised = testing::hostile_payload_sanitised();
        // Names are tokens, cut to the name cap.
        std::string const token = xml_safe_token(testing::hostile_payload(), JunitLimits {}.name_bytes);
        ASSERT_LT(sanitised.size(), JunitLimits {}.attribute_bytes)
            << "the payload must fit an attribute whole";
        // Text nodes keep everything, up to XML's line-end normalisation.
        EXPECT_EQ(suite.child("system-out").text().get(), xml_line_ends(sanitised));
        EXPECT_EQ(suite.child("system-err").text().get(), xml_line_ends(sanitised));
        // Attributes keep everything: pugixml writes TAB, LF and CR as character references.
        EXPECT_EQ(suite.child("properties").child("property").attribute("value").value(), sanitised);
        EXPECT_EQ(suite.attribute("name").value(), token);
        EXPECT_EQ(suite.attribute("package").value(), token);
        EXPECT_EQ(suite.attribute("hostname").value(), token);
        EXPECT_EQ(suite.child("properties").child("property").attribute("name").value(), token);

        int bodies = 0;
        for (auto test : suite.children("testcase")) {
            EXPECT_EQ(test.attribute("name").value(), token);
            EXPECT_EQ(test.attribute("classname").value(), token);
            for (auto child : test.children()) {
                ++bodies;
                EXPECT_EQ(child.text().get(), xml_line_ends(sanitised)) << child.name();
                EXPECT_EQ(child.attribute("message").value(), sanitised) << child.name();
            }
        }
        EXPECT_EQ(bodies, 3);

        // Spelled out, so that a change to the payload cannot quietly drop a marker.
        std::string const message
            = suite.child("testcase").next_sibling("testcase").child("failure").attribute("message").value();
        std::string const system_out = suite.child("system-out").text().get();
        for (char const* marker :
            { "[NON-XML-CHAR-0x00]", "[NON-XML-CHAR-0x01]", "[NON-XML-CHAR-0x08]", "[NON-XML-CHAR-0x0B]",
                "[NON-XML-CHAR-0x0C]", "[NON-XML-CHAR-0x1B]", "[NON-XML-CHAR-0x1F]", "[NON-XML-CHAR-0xFFFE]",
                "[NON-XML-CHAR-0xFFFF]", "[LONE-SURROGATE-0xD800]", "[LONE-SURROGATE-0xDFFF]",
                "[NON-UTF-8-BYTE-0xFF]", "[NON-UTF-8-BYTE-0xC0][NON-UTF-8-BYTE-0xAF]",
                "[NON-UTF-8-BYTE-0xF4][NON-UTF-8-BYTE-0x90][NON-UTF-8-BYTE-0x80][NON-UTF-8-BYTE-0x80]", "]]>",
                "<tag a=\"v\" b='w'> &amp; &", "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80" }) {
            EXPECT_NE(system_out.find(marker), std::string::npos) << marker;
            EXPECT_NE(message.find(marker), std::string::npos) << marker;
        }
        EXPECT_NE(token.find("[NON-XML-CHAR-0x01]"), std::string::npos);
        EXPECT_NE(token.find("[NON-UTF-8-BYTE-0xF4]"), std::string::npos);
    }

    TEST(RenderJunit, CapsEachTextNode)
    {
        std::string const body = "HEAD\n" + std::string(3'000'000, 'x') + "\nTAIL";
        TestSuiteResult suite
            = suite_with({ { .name = "t", .outcome = Outcome::failed, .message = body, .text = body } });
        suite.system_out = body;
        TestSuiteResult const suites[] = { suite };
        auto const parsed = parse(render_junit(suites));
        auto const suite_node = first_suite(*parsed);
        for (std::string const text : { suite_node.child("system-out").text().get(),
                 suite_node.child("testcase").child("failure").text().get() }) {
            EXPECT_LE(text.size(), std::size_t { 1 } << 20);
            EXPECT_GT(text.size(), 1'000'000u);
            EXPECT_EQ(text.rfind("HEAD", 0), 0u);
            EXPECT_EQ(text.substr(text.size() - 4), "TAIL");
            EXPECT_NE(text.find(" bytes omitted ...]"), std::string::npos);
        }
        EXPECT_LE(
            std::string(suite_node.child("testcase").child("failure").attribute("message").value()).size(),
            4096u);
    }

    TEST(RenderJunit, CutsTextNodesFurtherToKeepTheDocumentUnderItsBudget)
    {
        JunitLimits limits;
        limits.text_node_bytes = 64 * 1024;
        limits.document_bytes = 256 * 1024;
        std::vector<TestCaseResult> cases;
        for (int i = 0; i < 20; ++i) {
            // Half of them escape to five times their size.
            std::string const filler(100'000, i % 2 == 0 ? 'x' : '&');
            cases.push_back({ .name = "case " + std::to_string(i),
                .outcome = Outcome::failed,
                .type = "pmconf.Deviation",
                .text = "HEAD\n" + filler + "\nTAIL" });
        }
        TestSuiteResult suite = suite_with(cases);
        suite.system_out = "short output";
        TestSuiteResult const suites[] = { suite };
        std::string const xml = render_junit(suites, limits);
        EXPECT_LE(xml.size(), limits.document_bytes);
        EXPECT_GT(xml.size(), limits.document_bytes / 2);

        auto const parsed = parse(xml);
        ASSERT_TRUE(parsed->result);
        auto const suite_node = first_suite(*parsed);
        EXPECT_STREQ(suite_node.child("system-out").text().get(), "short output");
        auto const note = suite_node.child("properties")
                              .find_child_by_attribute("property", "name", "pmconf.report.truncated");
        EXPECT_TRUE(note) << "the report must say that it was cut";
        for (auto test : suite_node.children("testcase")) {
            std::string const text = test.child("failure").text().get();
            EXPECT_EQ(text.rfind("HEAD", 0), 0u);
            EXPECT_EQ(text.substr(text.size() - 4), "TAIL");
        }
    }

    TEST(RenderJunit, LeavesADocumentUnderItsBudgetAlone)
    {
        auto const parsed = parse(render_junit(testing::ordinary_suites()));
        for (auto suite : parsed->document.child("testsuites").children())
            EXPECT_FALSE(suite.child("properties")
                             .find_child_by_attribute("property", "name", "pmconf.report.truncated"));
    }

    TEST(WriteJunitFile, WritesTheRenderedDocument)
    {
        testing::TempDir dir;
        auto const path = dir.path() / "report.xml";
        EXPECT_EQ(write_junit_file(path, testing::hostile_suites()), std::nullopt);
        EXPECT_EQ(read_file(path), render_junit(testing::hostile_suites()));
    }

    TEST(WriteJunitFile, NamesThePathWhenItCannotWrite)
    {
        testing::TempDir dir;
        auto const path = dir.path() / "missing-directory" / "report.xml";
        auto const error = write_junit_file(path, testing::ordinary_suites());
        ASSERT_TRUE(error.has_value());
        EXPECT_NE(error->find(path.string()), std::string::npos) << *error;
    }

} // namespace
} // namespace pmconf::reports
