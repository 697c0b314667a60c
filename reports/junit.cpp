#include "reports/junit.h"

#include "reports/atomic_file.h"
#include "reports/xml_text.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <exception>
#include <limits>
#include <optional>
#include <pugixml.hpp>
#include <string_view>

// The layout is the one both schemas accept (shared notes, "JUnit layout valid for both
// schemas"):
//
//   <testsuites>                       no attributes (JUnit.xsd)
//     <testsuite id package name timestamp hostname tests failures errors skipped time>
//       <properties>                   always present (JUnit.xsd)
//       <testcase name classname time> with at most one of failure/error/skipped
//       <system-out>, <system-err>     always present, in this order (JUnit.xsd)
//
// Every string goes through xml_safe_text (or its token/attribute forms) before pugixml sees
// it: pugixml writes control characters as invalid character references, passes U+FFFE, lone
// surrogates and bad UTF-8 through, and truncates at NUL. Text is PCDATA, never CDATA.

namespace pmconf::reports {

namespace {

    constexpr std::string_view kEmptyName = "[EMPTY-NAME]";
    constexpr std::string_view kNoDetails = "[NO-DETAILS]";
    constexpr std::size_t kTextNodeFloor = 1024;
    constexpr double kMaxSeconds = 1e9;

    // xs:decimal for JUnit.xsd and at most 3 decimals for junit-10.xsd's SUREFIRE_TIME: "%.3f",
    // but independent of the C locale and never with an exponent.
    std::string format_seconds(double seconds)
    {
        if (!(seconds > 0)) // negative or NaN
            seconds = 0;
        if (seconds > kMaxSeconds)
            seconds = kMaxSeconds;
        char buffer[64];
        auto const result
            = std::to_chars(buffer, buffer + sizeof buffer, seconds, std::chars_format::fixed, 3);
        return std::string(buffer, result.ptr);
    }

    // JUnit.xsd's ISO8601_DATETIME_PATTERN: YYYY-MM-DDTHH:MM:SS, no fraction, no zone; UTC (Jenkins
    // reads a zone-less stamp as UTC). A system_clock time point spans years 1677..2262 only, so
    // the year always has four digits.
    std::string format_timestamp(std::chrono::system_clock::time_point when)
    {
        using namespace std::chrono;
        auto const second = floor<seconds>(when);
        auto const day = floor<days>(second);
        year_month_day const date { day };
        hh_mm_ss const time { second - day };
        char buffer[96];
        std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d", int(date.year()),
            unsigned(date.month()), unsigned(date.day()), int(time.hours().count()),
            int(time.minutes().count()), int(time.seconds().count()));
        return buffer;
    }

    std::string token_or(std::string_view raw, std::size_t max_bytes, std::string_view fallback)
    {
        std::string token = xml_safe_token(raw, max_bytes);
        return token.empty() ? std::string(fallback) : token;
    }

    std::string_view first_line(std::string_view text)
    {
        std::size_t start = text.find_first_not_of(" \t\r\n");
        if (start == std::string_view::npos)
            return {};
        text.remove_prefix(start);
        return text.substr(0, text.find_first_of("\r\n"));
    }

    // The body of a case's failure/error/skipped element, nullopt when it has none. A failure or
    // error always has text: GitLab reads one without text as a hash, not a message.
    std::optional<std::string_view> case_body(TestCaseResult const& test)
    {
        switch (test.outcome) {
        case Outcome::passed:
            return std::nullopt;
        case Outcome::skipped:
            if (test.text.empty())
                return std::nullopt;
            return test.text;
        case Outcome::failed:
        case Outcome::error:
            if (!test.text.empty())
                return test.text;
            if (!test.message.empty())
                return test.message;
            return kNoDetails;
        }
        return std::nullopt;
    }

    // The `message` attribute: the caller's summary, else the first line of the text.
    std::string_view case_message(TestCaseResult const& test)
    {
        return test.message.empty() ? first_line(test.text) : std::string_view(test.message);
    }

    // `type` is required on failure and error. A bare word is namespaced: GitLab's XML→Hash
    // conversion treats type="integer", "yaml", "symbol", ... as type casts, and the last two make
    // it reject the whole file.
    std::string failure_type(TestCaseResult const& test, std::size_t max_bytes)
    {
        std::string type = xml_safe_token(test.type, max_bytes);
        if (type.empty())
            return test.outcome == Outcome::failed ? "pmconf.Failure" : "pmconf.Error";
        if (type.find('.') == std::string::npos)
            type.insert(0, "pmconf.");
        return type;
    }

    std::size_t escaped_size(std::string_view text)
    {
        std::size_t size = text.size();
        for (char const c : text) {
            if (c == '&')
                size += 4; // &amp;
            else if (c == '<' || c == '>')
                size += 3; // &lt; &gt;
        }
        return size;
    }

    struct StringWriter final : pugi::xml_writer {
        std::string out;
        void write(void const* data, std::size_t size) override
        {
            out.append(static_cast<char const*>(data), size);
        }
    };

    struct Rendering {
        std::string document;
        // Per text node, in document order: sanitised size and size once escaped.
        std::vector<std::size_t> text_sizes;
        std::vector<std::size_t> escaped_sizes;
    };

    struct Truncation {
        std::size_t largest_cap;
        std::size_t document_bytes;
    };

    // Text nodes in document order: each case body, then each suite's system-out and system-err.
    std::size_t count_text_nodes(std::span<TestSuiteResult const> suites)
    {
        std::size_t count = 0;
        for (auto const& suite : suites) {
            for (auto const& test : suite.cases)
                count += case_body(test).has_value() ? 1 : 0;
            count += 2;
        }
        return count;
    }

    class Renderer {
    public:
        Renderer(JunitLimits const& limits, std::vector<std::size_t> const& caps)
            : m_limits(limits)
            , m_caps(caps)
        {
        }

        Rendering render(std::span<TestSuiteResult const> suites, std::optional<Truncation> truncation)
        {
            pugi::xml_document document;
            auto declaration = document.append_child(pugi::node_declaration);
            declaration.append_attribute("version").set_value("1.0");
            declaration.append_attribute("encoding").set_value("UTF-8");
            auto root = document.append_child("testsuites");
            int id = 0;
            for (auto const& suite : suites)
                add_suite(root.append_child("testsuite"), suite, id++, truncation);

            StringWriter writer;
            document.save(writer, "  ", pugi::format_indent, pugi::encoding_utf8);
            m_rendering.document = std::move(writer.out);
            return std::move(m_rendering);
        }

    private:
        void add_suite(pugi::xml_node element, TestSuiteResult const& suite, int id,
            std::optional<Truncation> truncation)
        {
            std::size_t failures = 0, errors = 0, skipped = 0;
            for (auto const& test : suite.cases) {
                failures += test.outcome == Outcome::failed ? 1 : 0;
                errors += test.outcome == Outcome::error ? 1 : 0;
                skipped += test.outcome == Outcome::skipped ? 1 : 0;
            }
            std::string const package = xml_safe_token(suite.package, m_limits.name_bytes);
            std::string const name = token_or(suite.name, m_limits.name_bytes, kEmptyName);

            set(element, "id", std::to_string(id));
            set(element, "package", package);
            set(element, "name", name);
            set(element, "timestamp", format_timestamp(suite.started));
            set(element, "hostname", token_or(suite.hostname, m_limits.name_bytes, "localhost"));
            set(element, "tests", std::to_string(suite.cases.size()));
            set(element, "failures", std::to_string(failures));
            set(element, "errors", std::to_string(errors));
            set(element, "skipped", std::to_string(skipped));
            set(element, "time", format_seconds(suite.seconds));

            auto properties = element.append_child("properties");
            for (auto const& [key, value] : suite.properties) {
                auto property = properties.append_child("property");
                set(property, "name", token_or(key, m_limits.name_bytes, kEmptyName));
                set(property, "value", xml_safe_attribute(value, m_limits.attribute_bytes));
            }
            if (truncation) {
                auto property = properties.append_child("property");
                set(property, "name", "pmconf.report.truncated");
                set(property, "value",
                    "text nodes were cut further, the longest first, to at most "
                        + std::to_string(truncation->largest_cap) + " bytes each, to keep this file under "
                        + std::to_string(truncation->document_bytes) + " bytes");
            }

            std::string const default_classname = package.empty() ? name : package + "." + name;
            for (auto const& test : suite.cases)
                add_case(element.append_child("testcase"), test, default_classname);

            add_text(element.append_child("system-out"), suite.system_out);
            add_text(element.append_child("system-err"), suite.system_err);
        }

        void add_case(
            pugi::xml_node element, TestCaseResult const& test, std::string const& default_classname)
        {
            set(element, "name", token_or(test.name, m_limits.name_bytes, kEmptyName));
            set(element, "classname", token_or(test.classname, m_limits.name_bytes, default_classname));
            set(element, "time", format_seconds(test.seconds));

            char const* child_name = nullptr;
            switch (test.outcome) {
            case Outcome::passed:
                return;
            case Outcome::failed:
                child_name = "failure";
                break;
            case Outcome::error:
                child_name = "error";
                break;
            case Outcome::skipped:
                child_name = "skipped";
                break;
            }
            auto child = element.append_child(child_name);
            set(child, "message", xml_safe_attribute(case_message(test), m_limits.attribute_bytes));
            if (test.outcome != Outcome::skipped) // JUnit.xsd allows no type on skipped
                set(child, "type", failure_type(test, m_limits.attribute_bytes));
            if (auto const body = case_body(test))
                add_text(child, *body);
        }

        void add_text(pugi::xml_node element, std::string_view raw)
        {
            std::string const text = xml_safe_text(raw, m_caps[m_next_text_node++]);
            m_rendering.text_sizes.push_back(text.size());
            m_rendering.escaped_sizes.push_back(escaped_size(text));
            if (!text.empty())
                element.append_child(pugi::node_pcdata).set_value(text.c_str());
        }

        // Only ever called with sanitised text, so pugixml's escaping is enough.
        static void set(pugi::xml_node element, char const* attribute, std::string const& value)
        {
            element.append_attribute(attribute).set_value(value.c_str());
        }

        JunitLimits const& m_limits;
        std::vector<std::size_t> const& m_caps;
        std::size_t m_next_text_node = 0;
        Rendering m_rendering;
    };

    // The largest cap c such that the sizes, each cut to c, sum to at most budget.
    std::size_t fair_share(std::vector<std::size_t> sizes, std::size_t budget)
    {
        std::sort(sizes.begin(), sizes.end());
        std::size_t remaining = sizes.size();
        for (std::size_t const size : sizes) {
            if (size > budget / remaining)
                return budget / remaining;
            budget -= size;
            --remaining;
        }
        return std::numeric_limits<std::size_t>::max();
    }

} // namespace

std::string render_junit(std::span<TestSuiteResult const> suites, JunitLimits const& limits)
{
    std::vector<std::size_t> caps(count_text_nodes(suites), limits.text_node_bytes);
    Rendering rendering = Renderer(limits, caps).render(suites, std::nullopt);

    // Over the document budget: share what the rest of the document leaves among the text
    // nodes, longest first. Escaping makes the file size differ from the sanitised size, so
    // re-measure and repeat a few times.
    for (int attempt = 0; attempt < 4 && rendering.document.size() > limits.document_bytes; ++attempt) {
        std::size_t escaped_total = 0;
        for (std::size_t const size : rendering.escaped_sizes)
            escaped_total += size;
        std::size_t overhead = rendering.document.size() - escaped_total;
        if (attempt == 0)
            overhead += suites.size() * 256; // the pmconf.report.truncated property
        std::size_t const budget = limits.document_bytes > overhead ? limits.document_bytes - overhead : 0;
        std::size_t const share = fair_share(rendering.escaped_sizes, budget);

        bool changed = false;
        std::size_t largest_cap = 0;
        for (std::size_t i = 0; i < caps.size(); ++i) {
            if (rendering.escaped_sizes[i] > share) {
                // The cap counts sanitised bytes; scale the share by this node's escaping.
                auto const scaled = static_cast<std::size_t>(
                    static_cast<long double>(share) * rendering.text_sizes[i] / rendering.escaped_sizes[i]);
                std::size_t const cap = std::max(scaled, kTextNodeFloor);
                if (cap < caps[i]) {
                    caps[i] = cap;
                    changed = true;
                }
            }
            if (caps[i] < limits.text_node_bytes)
                largest_cap = std::max(largest_cap, caps[i]);
        }
        if (!changed)
            break;
        rendering = Renderer(limits, caps).render(suites, Truncation { largest_cap, limits.document_bytes });
    }
    return std::move(rendering.document);
}

std::optional<std::string> write_junit_file(
    std::filesystem::path const& path, std::span<TestSuiteResult const> suites, JunitLimits const& limits)
{
    try {
        return write_file_atomically(path, render_junit(suites, limits));
    } catch (std::exception const& exception) {
        return "cannot write \"" + path.string() + "\": rendering the report failed: " + exception.what();
    }
}

} // namespace pmconf::reports
