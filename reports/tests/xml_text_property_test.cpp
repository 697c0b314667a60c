#include "reports/xml_text.h"

#include "reports/tests/xml_char_check.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace pmconf::reports {
namespace {

    std::string encode_utf8(std::uint32_t cp)
    {
        std::string out;
        if (cp < 0x80) {
            out += char(cp);
        } else if (cp < 0x800) {
            out += char(0xC0 | (cp >> 6));
            out += char(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += char(0xE0 | (cp >> 12));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        } else {
            out += char(0xF0 | (cp >> 18));
            out += char(0x80 | ((cp >> 12) & 0x3F));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        }
        return out;
    }

    // Code points XML 1.0 allows, from every UTF-8 length.
    rc::Gen<std::uint32_t> xml_code_point()
    {
        return rc::gen::weightedOneOf<std::uint32_t>({
            { 6, rc::gen::inRange<std::uint32_t>(0x20, 0x7F) },
            { 1, rc::gen::element<std::uint32_t>(0x9, 0xA, 0xD) },
            { 2, rc::gen::inRange<std::uint32_t>(0x80, 0x800) },
            { 2, rc::gen::inRange<std::uint32_t>(0x800, 0xD800) },
            { 1, rc::gen::inRange<std::uint32_t>(0xE000, 0xFFFE) },
            { 2, rc::gen::inRange<std::uint32_t>(0x10000, 0x110000) },
        });
    }

    // Arbitrary bytes, biased towards the inputs that break XML: any single byte (NUL included),
    // valid characters of every length, and whole sequences the sanitiser must mark. With
    // literal_marker, also the literal text of an omission marker.
    rc::Gen<std::string> hostile_bytes(bool literal_marker = true)
    {
        auto fragment = rc::gen::weightedOneOf<std::string>({
            { 4,
                rc::gen::map(rc::gen::arbitrary<std::uint8_t>(),
                    [](std::uint8_t b) { return std::string(1, char(b)); }) },
            { 4, rc::gen::map(xml_code_point(), encode_utf8) },
            { 2,
                rc::gen::element<std::string>(std::string(1, '\0'), "\x1B[0m", "\xEF\xBF\xBE", "\xEF\xBF\xBF",
                    "\xED\xA0\x80", "\xED\xBF\xBF", "\xC0\xAF", "\xE0\x80\xAF", "\xF4\x90\x80\x80",
                    "\xF0\x9F\x98", "\xE2\x82", "]]>", "<&\"'") },
            { literal_marker ? 1u : 0u, rc::gen::just<std::string>("[... 3 bytes omitted ...]") },
            { 1,
                rc::gen::map(
                    rc::gen::inRange<std::uint32_t>(0xD800, 0xE000), encode_utf8) }, // CESU/WTF-8 surrogates
        });
        return rc::gen::map(rc::gen::container<std::vector<std::string>>(fragment),
            [](std::vector<std::string> const& parts) {
                std::string joined;
                for (auto const& part : parts)
                    joined += part;
                return joined;
            });
    }

    RC_GTEST_PROP(XmlSafeTextProperty, OutputIsAlwaysValidXmlCharData, ())
    {
        std::string const raw = *hostile_bytes();
        std::string const out = xml_safe_text(raw);
        RC_ASSERT(testing::xml_char_data_problem(out) == "");
    }

    RC_GTEST_PROP(XmlSafeTextProperty, CleanTextIsLeftUnchanged, ())
    {
        auto const code_points = *rc::gen::container<std::vector<std::uint32_t>>(xml_code_point());
        std::string text;
        for (std::uint32_t const cp : code_points)
            text += encode_utf8(cp);
        RC_ASSERT(xml_safe_text(text) == text);
    }

    RC_GTEST_PROP(XmlSafeTextProperty, CappedOutputIsValidAndWithinTheCap, ())
    {
        std::string const raw = *rc::gen::scale(8.0, hostile_bytes());
        std::size_t const cap = *rc::gen::inRange<std::size_t>(0, 600);
        std::string const out = xml_safe_text(raw, cap);
        RC_ASSERT(out.size() <= std::max(cap, kMinXmlTextCap));
        RC_ASSERT(testing::xml_char_data_problem(out) == "");
    }

    // Capping only removes a middle part: what is left is the sanitised form of a head and of a
    // tail of the input, and the marker counts exactly the input bytes between them.
    RC_GTEST_PROP(XmlSafeTextProperty, CappedOutputIsHeadAndTailOfTheInput, ())
    {
        // Without literal markers in the input, the first "[... " is the omission marker.
        std::string const raw = *rc::gen::scale(8.0, hostile_bytes(false));
        std::size_t const cap = *rc::gen::inRange<std::size_t>(kMinXmlTextCap, 600);
        std::string const whole = xml_safe_text(raw, SIZE_MAX);
        std::string const out = xml_safe_text(raw, cap);
        if (whole.size() <= cap) {
            RC_ASSERT(out == whole);
            return;
        }
        RC_TAG("capped");
        std::size_t const marker = out.find("[... ");
        RC_ASSERT(marker != std::string::npos);
        std::size_t const marker_end = out.find(" bytes omitted ...]", marker);
        RC_ASSERT(marker_end != std::string::npos);
        std::string const head = out.substr(0, marker);
        std::string const tail = out.substr(marker_end + sizeof(" bytes omitted ...]") - 1);
        std::size_t const omitted = std::stoull(out.substr(marker + 5, marker_end - marker - 5));
        RC_ASSERT(omitted > 0u);

        // A unit's output is never shorter than its input, so the head covers at most head.size()
        // input bytes.
        bool found = false;
        for (std::size_t k = 0; k <= head.size() && k + omitted <= raw.size() && !found; ++k) {
            found = xml_safe_text(raw.substr(0, k), SIZE_MAX) == head
                && xml_safe_text(raw.substr(k + omitted), SIZE_MAX) == tail;
        }
        RC_ASSERT(found);
    }

} // namespace
} // namespace pmconf::reports
