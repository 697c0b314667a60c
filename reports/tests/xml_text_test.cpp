#include "reports/xml_text.h"

#include "reports/tests/sample_reports.h"
#include "reports/tests/xml_char_check.h"

#include <cstdio>
#include <gtest/gtest.h>
#include <string>

namespace pmconf::reports {
namespace {

    using namespace std::string_literals;

    std::string control_marker(int c)
    {
        char marker[32];
        std::snprintf(marker, sizeof marker, "[NON-XML-CHAR-0x%02X]", c);
        return marker;
    }

    TEST(XmlSafeText, MarksEveryC0ControlExceptTabLineFeedCarriageReturn)
    {
        for (int c = 0; c < 0x20; ++c) {
            std::string const raw = "a"s + char(c) + "b";
            std::string const expected
                = c == '\t' || c == '\n' || c == '\r' ? raw : "a" + control_marker(c) + "b";
            EXPECT_EQ(xml_safe_text(raw), expected) << "control character " << c;
        }
    }

    TEST(XmlSafeText, MarksEmbeddedNulAndKeepsWhatFollows)
    {
        EXPECT_EQ(xml_safe_text("before\0after"s), "before[NON-XML-CHAR-0x00]after");
    }

    TEST(XmlSafeText, KeepsDelAndC1Controls)
    {
        EXPECT_EQ(xml_safe_text("\x7F"), "\x7F");
        EXPECT_EQ(xml_safe_text("\xC2\x80\xC2\x85\xC2\x9F"), "\xC2\x80\xC2\x85\xC2\x9F");
    }

    TEST(XmlSafeText, MarksUFFFEAndUFFFF)
    {
        EXPECT_EQ(xml_safe_text("\xEF\xBF\xBE"), "[NON-XML-CHAR-0xFFFE]");
        EXPECT_EQ(xml_safe_text("\xEF\xBF\xBF"), "[NON-XML-CHAR-0xFFFF]");
        EXPECT_EQ(xml_safe_text("\xEF\xBF\xBD"), "\xEF\xBF\xBD"); // U+FFFD is a Char
    }

    TEST(XmlSafeText, KeepsOtherNoncharacters)
    {
        EXPECT_EQ(xml_safe_text("\xEF\xB7\x90"), "\xEF\xB7\x90"); // U+FDD0
        EXPECT_EQ(xml_safe_text("\xF0\x9F\xBF\xBE"), "\xF0\x9F\xBF\xBE"); // U+1FFFE
    }

    TEST(XmlSafeText, MarksEncodedSurrogatesOneByOne)
    {
        EXPECT_EQ(xml_safe_text("\xED\xA0\x80"), "[LONE-SURROGATE-0xD800]");
        EXPECT_EQ(xml_safe_text("\xED\xBF\xBF"), "[LONE-SURROGATE-0xDFFF]");
        EXPECT_EQ(xml_safe_text("\xED\xB0\x80x"), "[LONE-SURROGATE-0xDC00]x");
        // A CESU-8 pair is two surrogates in UTF-8 terms.
        EXPECT_EQ(
            xml_safe_text("\xED\xA0\xBD\xED\xB8\x80"), "[LONE-SURROGATE-0xD83D][LONE-SURROGATE-0xDE00]");
        // Either side of the surrogate block is fine.
        EXPECT_EQ(xml_safe_text("\xED\x9F\xBF"), "\xED\x9F\xBF"); // U+D7FF
        EXPECT_EQ(xml_safe_text("\xEE\x80\x80"), "\xEE\x80\x80"); // U+E000
    }

    TEST(XmlSafeText, MarksLoneFFByte)
    {
        EXPECT_EQ(xml_safe_text("a\xFF"
                                "b"),
            "a[NON-UTF-8-BYTE-0xFF]b");
    }

    TEST(XmlSafeText, MarksBytesThatNeverOccurInUtf8)
    {
        for (int byte : { 0xC0, 0xC1, 0xF5, 0xF6, 0xF7, 0xF8, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF }) {
            char expected[32];
            std::snprintf(expected, sizeof expected, "[NON-UTF-8-BYTE-0x%02X]", byte);
            EXPECT_EQ(xml_safe_text(std::string(1, char(byte))), expected);
        }
    }

    TEST(XmlSafeText, MarksOverlongFormsByteByByte)
    {
        EXPECT_EQ(xml_safe_text("\xC0\xAF"), "[NON-UTF-8-BYTE-0xC0][NON-UTF-8-BYTE-0xAF]");
        EXPECT_EQ(xml_safe_text("\xC1\xBF"), "[NON-UTF-8-BYTE-0xC1][NON-UTF-8-BYTE-0xBF]");
        EXPECT_EQ(
            xml_safe_text("\xE0\x80\xAF"), "[NON-UTF-8-BYTE-0xE0][NON-UTF-8-BYTE-0x80][NON-UTF-8-BYTE-0xAF]");
        EXPECT_EQ(xml_safe_text("\xF0\x80\x80\xAF"),
            "[NON-UTF-8-BYTE-0xF0][NON-UTF-8-BYTE-0x80][NON-UTF-8-BYTE-0x80][NON-UTF-8-BYTE-0xAF]");
        // The shortest forms just above the overlong range are fine.
        EXPECT_EQ(xml_safe_text("\xC2\x80"), "\xC2\x80");
        EXPECT_EQ(xml_safe_text("\xE0\xA0\x80"), "\xE0\xA0\x80");
        EXPECT_EQ(xml_safe_text("\xF0\x90\x80\x80"), "\xF0\x90\x80\x80");
    }

    TEST(XmlSafeText, MarksCodePointsAbove10FFFFByteByByte)
    {
        EXPECT_EQ(xml_safe_text("\xF4\x90\x80\x80"),
            "[NON-UTF-8-BYTE-0xF4][NON-UTF-8-BYTE-0x90][NON-UTF-8-BYTE-0x80][NON-UTF-8-BYTE-0x80]");
        EXPECT_EQ(xml_safe_text("\xF4\x8F\xBF\xBF"), "\xF4\x8F\xBF\xBF"); // U+10FFFF
    }

    TEST(XmlSafeText, MarksStrayContinuationBytes)
    {
        EXPECT_EQ(xml_safe_text("\x80"), "[NON-UTF-8-BYTE-0x80]");
        EXPECT_EQ(xml_safe_text("\xC3\xA9\xA9"), "\xC3\xA9[NON-UTF-8-BYTE-0xA9]");
    }

    TEST(XmlSafeText, MarksSequencesTruncatedAtTheEnd)
    {
        EXPECT_EQ(xml_safe_text("a\xC3"), "a[NON-UTF-8-BYTE-0xC3]");
        EXPECT_EQ(xml_safe_text("a\xE2\x82"), "a[NON-UTF-8-BYTE-0xE2][NON-UTF-8-BYTE-0x82]");
        EXPECT_EQ(xml_safe_text("a\xF0\x9F\x98"),
            "a[NON-UTF-8-BYTE-0xF0][NON-UTF-8-BYTE-0x9F][NON-UTF-8-BYTE-0x98]");
    }

    TEST(XmlSafeText, MarksSequencesCutShortInTheMiddleAndResynchronises)
    {
        EXPECT_EQ(xml_safe_text("\xE2\x82x\xE2\x82\xAC"),
            "[NON-UTF-8-BYTE-0xE2][NON-UTF-8-BYTE-0x82]x\xE2\x82\xAC");
        EXPECT_EQ(xml_safe_text("\xF0\x9F\xC3\xA9"), "[NON-UTF-8-BYTE-0xF0][NON-UTF-8-BYTE-0x9F]\xC3\xA9");
    }

    TEST(XmlSafeText, LeavesMarkupForTheXmlWriterToEscape)
    {
        EXPECT_EQ(xml_safe_text("]]> <a href=\"x\">&amp;</a> 'q'"), "]]> <a href=\"x\">&amp;</a> 'q'");
    }

    TEST(XmlSafeText, KeepsValidMultiByteTextIntact)
    {
        std::string const text = "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E "
                                 "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D";
        EXPECT_EQ(xml_safe_text(text), text);
    }

    TEST(XmlSafeText, KeepsTabLineFeedCarriageReturn)
    {
        EXPECT_EQ(xml_safe_text("a\tb\nc\r\nd\r"), "a\tb\nc\r\nd\r");
    }

    TEST(XmlSafeText, TurnsTheWholeHostilePayloadIntoTheExpectedMarkers)
    {
        for (auto const& piece : testing::hostile_pieces())
            EXPECT_EQ(xml_safe_text(piece.raw), piece.sanitised);
        std::string const sanitised = xml_safe_text(testing::hostile_payload());
        EXPECT_EQ(sanitised, testing::hostile_payload_sanitised());
        EXPECT_EQ(testing::xml_char_data_problem(sanitised), "");
    }

    TEST(XmlSafeText, LeavesTextAtTheCapUnchanged)
    {
        std::string const text(100, 'x');
        EXPECT_EQ(xml_safe_text(text, 100), text);
    }

    TEST(XmlSafeText, KeepsHeadAndTailAroundAnOmissionMarkerWhenOverTheCap)
    {
        std::string const text = std::string(1000, 'h') + std::string(1000, 'm') + std::string(1000, 't');
        std::string const capped = xml_safe_text(text, 200);
        EXPECT_LE(capped.size(), 200u);
        std::size_t const marker = capped.find("[... ");
        ASSERT_NE(marker, std::string::npos) << capped;
        std::size_t const marker_end = capped.find(" bytes omitted ...]", marker);
        ASSERT_NE(marker_end, std::string::npos) << capped;
        std::string const head = capped.substr(0, marker);
        std::string const tail = capped.substr(marker_end + sizeof(" bytes omitted ...]") - 1);
        std::size_t const omitted = std::stoul(capped.substr(marker + 5, marker_end - marker - 5));
        EXPECT_EQ(head, std::string(head.size(), 'h'));
        EXPECT_EQ(tail, std::string(tail.size(), 't'));
        EXPECT_GT(head.size(), 50u);
        EXPECT_GT(tail.size(), 50u);
        EXPECT_EQ(head.size() + omitted + tail.size(), text.size());
    }

    TEST(XmlSafeText, NeverSplitsAUtf8SequenceWhenCapping)
    {
        std::string text;
        for (int i = 0; i < 1000; ++i)
            text += "\xE2\x82\xAC\xF0\x9F\x98\x80"; // €😀
        for (std::size_t cap = 64; cap < 160; ++cap) {
            std::string const capped = xml_safe_text(text, cap);
            EXPECT_LE(capped.size(), cap);
            EXPECT_EQ(testing::xml_char_data_problem(capped), "") << "cap " << cap << ": " << capped;
        }
    }

    TEST(XmlSafeText, NeverSplitsAMarkerWhenCapping)
    {
        std::string const text(1000, '\x01');
        std::string const capped = xml_safe_text(text, 300);
        EXPECT_LE(capped.size(), 300u);
        std::size_t const marker = capped.find("[... ");
        ASSERT_NE(marker, std::string::npos);
        std::string const head = capped.substr(0, marker);
        std::string const tail = capped.substr(capped.find("...]") + 4);
        std::string const one = "[NON-XML-CHAR-0x01]";
        ASSERT_EQ(head.size() % one.size(), 0u) << head;
        ASSERT_EQ(tail.size() % one.size(), 0u) << tail;
        for (std::size_t i = 0; i < head.size(); i += one.size())
            EXPECT_EQ(head.substr(i, one.size()), one);
        for (std::size_t i = 0; i < tail.size(); i += one.size())
            EXPECT_EQ(tail.substr(i, one.size()), one);
    }

    TEST(XmlSafeText, CountsOmittedInputBytesNotOutputBytes)
    {
        // 100 bad bytes become 2100 bytes of markers; the marker counts the input.
        std::string const capped = xml_safe_text(std::string(100, '\xFF'), 500);
        std::size_t const start = capped.find("[... ") + 5;
        std::size_t const omitted = std::stoul(capped.substr(start));
        std::string const one = "[NON-UTF-8-BYTE-0xFF]";
        std::size_t const kept_markers
            = (capped.size() - (capped.find("...]") + 4 - capped.find("[... "))) / one.size();
        EXPECT_EQ(omitted + kept_markers, 100u) << capped;
    }

    TEST(XmlSafeText, RaisesTinyCapsToTheMinimum)
    {
        std::string const text(1000, 'x');
        for (std::size_t cap : { std::size_t { 0 }, std::size_t { 1 }, std::size_t { 10 }, kMinXmlTextCap }) {
            std::string const capped = xml_safe_text(text, cap);
            EXPECT_LE(capped.size(), kMinXmlTextCap) << "cap " << cap;
            EXPECT_NE(capped.find("bytes omitted"), std::string::npos) << capped;
        }
        EXPECT_EQ(xml_safe_text("short", 0), "short");
    }

    TEST(XmlSafeText, HandlesEmptyInput)
    {
        EXPECT_EQ(xml_safe_text(""), "");
    }

    TEST(XmlSafeAttribute, FollowsTheSameRulesAndKeepsLineBreaks)
    {
        EXPECT_EQ(xml_safe_attribute("line one\nline\x1B two\xFF", 4096),
            "line one\nline[NON-XML-CHAR-0x1B] two[NON-UTF-8-BYTE-0xFF]");
        EXPECT_LE(xml_safe_attribute(std::string(10'000, 'a'), 256).size(), 256u);
    }

    TEST(XmlSafeToken, CollapsesWhitespaceAndTrims)
    {
        EXPECT_EQ(xml_safe_token("  a \t b\r\n\nc  ", 1024), "a b c");
        EXPECT_EQ(xml_safe_token(" \t\r\n ", 1024), "");
        EXPECT_EQ(xml_safe_token("", 1024), "");
    }

    TEST(XmlSafeToken, KeepsControlCharactersVisibleAsMarkers)
    {
        EXPECT_EQ(xml_safe_token("name\x01with\x00nul"s, 1024),
            "name[NON-XML-CHAR-0x01]with[NON-XML-CHAR-0x00]nul");
    }

} // namespace
} // namespace pmconf::reports
