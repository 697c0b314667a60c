// Writes the sample reports that the ctest schema tests check with xmllint:
//   ordinary.junit.xml          passed/failed/error/skipped cases, properties (also the golden file)
//   hostile.junit.xml           the hostile payload in every string of the report
//   large.junit.xml             text nodes and a document far above the caps
//   control-unsanitised.xml     the hostile payload written by pugixml alone, without
//                               reports/xml_text: the negative control, which must fail
//
// Usage: pmconf_reports_junit_sample_writer <output-directory> <variant>...

#include "reports/atomic_file.h"
#include "reports/junit.h"
#include "reports/tests/sample_reports.h"

#include <cstdio>
#include <filesystem>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <utility>

namespace {

using namespace pmconf::reports;

// What a writer that trusts pugixml would produce.
std::string unsanitised_control()
{
    // Without its NUL: pugixml would silently drop everything after it, the rest of the payload
    // included.
    std::string payload = testing::hostile_payload();
    std::erase(payload, '\0');
    pugi::xml_document document;
    auto suite = document.append_child("testsuites").append_child("testsuite");
    for (auto const& [name, value] :
        { std::pair { "id", "0" }, { "package", "pmconf.control" }, { "name", "unsanitised" },
            { "timestamp", "2026-11-24T05:00:00" }, { "hostname", "ci-host" }, { "tests", "1" },
            { "failures", "1" }, { "errors", "0" }, { "skipped", "0" }, { "time", "0.000" } })
        suite.append_attribute(name).set_value(value);
    suite.append_child("properties");
    auto test = suite.append_child("testcase");
    test.append_attribute("name").set_value("payload");
    test.append_attribute("classname").set_value("pmconf.control");
    test.append_attribute("time").set_value("0.000");
    auto failure = test.append_child("failure");
    failure.append_attribute("message").set_value(payload.c_str());
    failure.append_attribute("type").set_value("pmconf.Deviation");
    failure.text().set(payload.c_str());
    suite.append_child("system-out");
    suite.append_child("system-err");

    struct : pugi::xml_writer {
        std::string out;
        void write(void const* data, std::size_t size) override
        {
            out.append(static_cast<char const*>(data), size);
        }
    } writer;
    document.save(writer);
    return writer.out;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::fprintf(stderr,
            "usage: %s <output-directory> <variant>...\n"
            "variants: ordinary hostile large control-unsanitised\n",
            argc > 0 ? argv[0] : "junit_sample_writer");
        return 2;
    }
    std::filesystem::path const directory = argv[1];
    std::error_code error;
    std::filesystem::create_directories(directory, error);
    if (error) {
        std::fprintf(stderr, "cannot create \"%s\": %s\n", directory.c_str(), error.message().c_str());
        return 1;
    }

    int status = 0;
    for (int i = 2; i < argc; ++i) {
        std::string const variant = argv[i];
        std::optional<std::string> failure;
        if (variant == "ordinary")
            failure = write_junit_file(directory / "ordinary.junit.xml", testing::ordinary_suites());
        else if (variant == "hostile")
            failure = write_junit_file(directory / "hostile.junit.xml", testing::hostile_suites());
        else if (variant == "large")
            failure = write_junit_file(directory / "large.junit.xml", testing::large_suites());
        else if (variant == "control-unsanitised")
            failure = write_file_atomically(directory / "control-unsanitised.xml", unsanitised_control());
        else
            failure = "unknown variant: " + variant;
        if (failure) {
            std::fprintf(stderr, "%s\n", failure->c_str());
            status = 1;
        }
    }
    return status;
}
