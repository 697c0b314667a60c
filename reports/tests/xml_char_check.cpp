#include "reports/tests/xml_char_check.h"

#include <cstdint>

namespace pmconf::reports::testing {

std::string xml_char_data_problem(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size()) {
        auto const at = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
        std::uint8_t const lead = at(i);
        std::size_t length = 0;
        std::uint32_t cp = 0;
        std::uint32_t min_cp = 0;
        if ((lead & 0b1000'0000) == 0) {
            length = 1, cp = lead;
        } else if ((lead & 0b1110'0000) == 0b1100'0000) {
            length = 2, cp = lead & 0b0001'1111, min_cp = 0x80;
        } else if ((lead & 0b1111'0000) == 0b1110'0000) {
            length = 3, cp = lead & 0b0000'1111, min_cp = 0x800;
        } else if ((lead & 0b1111'1000) == 0b1111'0000) {
            length = 4, cp = lead & 0b0000'0111, min_cp = 0x10000;
        } else {
            return "byte " + std::to_string(i) + ": invalid UTF-8 lead byte " + std::to_string(lead);
        }
        if (i + length > text.size())
            return "byte " + std::to_string(i) + ": truncated UTF-8 sequence";
        for (std::size_t k = 1; k < length; ++k) {
            if ((at(i + k) & 0b1100'0000) != 0b1000'0000)
                return "byte " + std::to_string(i + k) + ": expected a continuation byte";
            cp = (cp << 6) | (at(i + k) & 0b0011'1111);
        }
        if (cp < min_cp)
            return "byte " + std::to_string(i) + ": overlong form";
        if (cp > 0x10FFFF)
            return "byte " + std::to_string(i) + ": beyond U+10FFFF";
        // https://www.w3.org/TR/xml/#NT-Char
        bool const xml_char = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF)
            || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
        if (!xml_char)
            return "byte " + std::to_string(i) + ": code point " + std::to_string(cp) + " is not an XML Char";
        i += length;
    }
    return {};
}

} // namespace pmconf::reports::testing
