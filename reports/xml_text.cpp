#include "reports/xml_text.h"

#include <cstdint>
#include <cstdio>
#include <limits>

namespace pmconf::reports {

namespace {

    // One step of the decoder: either a character kept as it is, or a marker standing for the
    // `length` bytes it replaces.
    enum class UnitKind { keep, bad_byte, non_xml_char, lone_surrogate };

    struct Unit {
        UnitKind kind;
        std::size_t length; // bytes of the input consumed
        std::uint32_t value; // the bad byte, or the code point
    };

    bool is_continuation(unsigned char byte)
    {
        return (byte & 0xC0) == 0x80;
    }

    // https://www.unicode.org/versions/Unicode15.0.0/ch03.pdf Table 3-7 (well-formed UTF-8 byte
    // sequences), except that ED A0..BF xx is decoded so that a surrogate can be named.
    // https://www.w3.org/TR/xml/#charsets for the characters XML 1.0 allows.
    Unit next_unit(std::string_view raw, std::size_t pos)
    {
        auto byte_at = [&](std::size_t i) { return static_cast<unsigned char>(raw[i]); };
        unsigned char const lead = byte_at(pos);

        if (lead < 0x80) {
            bool const allowed = lead >= 0x20 || lead == '\t' || lead == '\n' || lead == '\r';
            return { allowed ? UnitKind::keep : UnitKind::non_xml_char, 1, lead };
        }

        std::size_t trailing = 0;
        unsigned char second_min = 0x80;
        unsigned char second_max = 0xBF;
        std::uint32_t code_point = 0;
        if (lead >= 0xC2 && lead <= 0xDF) {
            trailing = 1;
            code_point = lead & 0x1F;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            trailing = 2;
            code_point = lead & 0x0F;
            if (lead == 0xE0)
                second_min = 0xA0; // below is an overlong form
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            trailing = 3;
            code_point = lead & 0x07;
            if (lead == 0xF0)
                second_min = 0x90; // below is an overlong form
            if (lead == 0xF4)
                second_max = 0x8F; // above is beyond U+10FFFF
        } else {
            // 80..BF (stray continuation), C0/C1 (always overlong), F5..FF (never in UTF-8).
            return { UnitKind::bad_byte, 1, lead };
        }

        if (raw.size() - pos <= trailing)
            return { UnitKind::bad_byte, 1, lead }; // truncated at the end of the input
        unsigned char const second = byte_at(pos + 1);
        if (second < second_min || second > second_max)
            return { UnitKind::bad_byte, 1, lead };
        for (std::size_t i = 1; i <= trailing; ++i) {
            unsigned char const next = byte_at(pos + i);
            if (!is_continuation(next))
                return { UnitKind::bad_byte, 1, lead };
            code_point = (code_point << 6) | (next & 0x3F);
        }

        if (code_point >= 0xD800 && code_point <= 0xDFFF)
            return { UnitKind::lone_surrogate, trailing + 1, code_point };
        if (code_point == 0xFFFE || code_point == 0xFFFF)
            return { UnitKind::non_xml_char, trailing + 1, code_point };
        return { UnitKind::keep, trailing + 1, code_point };
    }

    std::size_t marker_size(Unit const& unit)
    {
        switch (unit.kind) {
        case UnitKind::keep:
            return unit.length;
        case UnitKind::bad_byte:
            return sizeof("[NON-UTF-8-BYTE-0xFF]") - 1;
        case UnitKind::non_xml_char:
            return unit.value < 0x100 ? sizeof("[NON-XML-CHAR-0x1B]") - 1
                                      : sizeof("[NON-XML-CHAR-0xFFFE]") - 1;
        case UnitKind::lone_surrogate:
            return sizeof("[LONE-SURROGATE-0xD800]") - 1;
        }
        return 0;
    }

    void append_unit(std::string& out, std::string_view raw, std::size_t pos, Unit const& unit)
    {
        char marker[32];
        int written = 0;
        switch (unit.kind) {
        case UnitKind::keep:
            out.append(raw.substr(pos, unit.length));
            return;
        case UnitKind::bad_byte:
            written = std::snprintf(marker, sizeof marker, "[NON-UTF-8-BYTE-0x%02X]", unsigned(unit.value));
            break;
        case UnitKind::non_xml_char:
            written = std::snprintf(marker, sizeof marker,
                unit.value < 0x100 ? "[NON-XML-CHAR-0x%02X]" : "[NON-XML-CHAR-0x%04X]", unsigned(unit.value));
            break;
        case UnitKind::lone_surrogate:
            written = std::snprintf(marker, sizeof marker, "[LONE-SURROGATE-0x%04X]", unsigned(unit.value));
            break;
        }
        out.append(marker, static_cast<std::size_t>(written));
    }

    std::string omission_marker(std::size_t omitted_bytes)
    {
        return "[... " + std::to_string(omitted_bytes) + " bytes omitted ...]";
    }

    std::size_t const kOmissionMarkerMax = omission_marker(std::numeric_limits<std::size_t>::max()).size();

} // namespace

std::string xml_safe_text(std::string_view raw, std::size_t max_bytes)
{
    if (max_bytes < kMinXmlTextCap)
        max_bytes = kMinXmlTextCap;
    // Head and tail each get half of what the omission marker leaves.
    std::size_t const head_budget = (max_bytes - kOmissionMarkerMax) / 2;
    std::size_t const tail_budget = max_bytes - kOmissionMarkerMax - head_budget;

    // Pass 1: sanitise from the start; stop as soon as the output is over the cap, remembering
    // the last unit boundary that fits in the head budget.
    std::string out;
    out.reserve(raw.size() < max_bytes ? raw.size() : max_bytes);
    std::size_t head_end_raw = 0;
    std::size_t head_end_out = 0;
    std::size_t pos = 0;
    while (pos < raw.size()) {
        Unit const unit = next_unit(raw, pos);
        append_unit(out, raw, pos, unit);
        pos += unit.length;
        if (out.size() <= head_budget) {
            head_end_raw = pos;
            head_end_out = out.size();
        }
        if (out.size() > max_bytes)
            break;
    }
    if (out.size() <= max_bytes)
        return out;
    out.resize(head_end_out);

    // Pass 2: the tail. A unit's output is never shorter than its input, so the tail starts no
    // earlier than tail_budget bytes before the end. Move that start off continuation bytes: a
    // non-continuation byte, or a fourth continuation byte in a row, always starts a unit.
    std::size_t tail_start = head_end_raw;
    if (raw.size() - head_end_raw > tail_budget) {
        tail_start = raw.size() - tail_budget;
        for (int skipped = 0; skipped < 3 && tail_start < raw.size()
             && is_continuation(static_cast<unsigned char>(raw[tail_start]));
             ++skipped)
            ++tail_start;
    }
    std::size_t tail_size = 0;
    for (pos = tail_start; pos < raw.size();) {
        Unit const unit = next_unit(raw, pos);
        tail_size += marker_size(unit);
        pos += unit.length;
    }
    // Drop whole units from the front of the tail until it fits.
    while (tail_size > tail_budget) {
        Unit const unit = next_unit(raw, tail_start);
        tail_size -= marker_size(unit);
        tail_start += unit.length;
    }

    // Head and tail together are shorter than the whole, so at least one byte lies between them.
    out += omission_marker(tail_start - head_end_raw);
    for (pos = tail_start; pos < raw.size();) {
        Unit const unit = next_unit(raw, pos);
        append_unit(out, raw, pos, unit);
        pos += unit.length;
    }
    return out;
}

std::string xml_safe_attribute(std::string_view raw, std::size_t max_bytes)
{
    return xml_safe_text(raw, max_bytes);
}

std::string xml_safe_token(std::string_view raw, std::size_t max_bytes)
{
    std::string const text = xml_safe_text(raw, max_bytes);
    std::string token;
    token.reserve(text.size());
    bool pending_space = false;
    for (char const c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            pending_space = !token.empty();
            continue;
        }
        if (pending_space)
            token += ' ';
        pending_space = false;
        token += c;
    }
    return token;
}

} // namespace pmconf::reports
