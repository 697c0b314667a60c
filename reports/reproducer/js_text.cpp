#include "reports/reproducer/js_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace pmconf::reports::reproducer {

namespace {

    void escape_unit(std::string& out, char16_t c)
    {
        switch (c) {
        case u'"':
            out += "\\\"";
            return;
        case u'\\':
            out += "\\\\";
            return;
        case u'\n':
            out += "\\n";
            return;
        case u'\r':
            out += "\\r";
            return;
        case u'\t':
            out += "\\t";
            return;
        default:
            break;
        }
        if (c >= 0x20 && c < 0x7F) {
            out += static_cast<char>(c);
            return;
        }
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(c));
        out += buf;
    }

} // namespace

std::string js_string(std::u16string const& s)
{
    std::string out = "\"";
    for (auto c : s)
        escape_unit(out, c);
    return out + "\"";
}

std::string js_string(std::string_view s)
{
    std::string out = "\"";
    for (unsigned char c : s)
        escape_unit(out, static_cast<char16_t>(c));
    return out + "\"";
}

std::string js_number(double d)
{
    if (std::isnan(d))
        return "NaN";
    if (std::isinf(d))
        return d < 0 ? "-Infinity" : "Infinity";
    if (d == 0)
        return std::signbit(d) ? "-0" : "0";
    char buf[64];
    auto const r = std::to_chars(buf, buf + sizeof buf, d); // the shortest text that reads back as d
    return std::string(buf, r.ptr);
}

std::string js_bigint(conformance::BigInt const& b)
{
    return b.decimal + "n";
}

std::string js_primitive(conformance::GValue const& v, std::string const& name_of_ref)
{
    using namespace conformance;
    return std::visit(
        [&](auto const& x) -> std::string {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, Undefined>)
                return "undefined";
            else if constexpr (std::is_same_v<T, Null>)
                return "null";
            else if constexpr (std::is_same_v<T, bool>)
                return x ? "true" : "false";
            else if constexpr (std::is_same_v<T, double>)
                return js_number(x);
            else if constexpr (std::is_same_v<T, BigInt>)
                return js_bigint(x);
            else if constexpr (std::is_same_v<T, std::u16string>)
                return js_string(x);
            else
                return name_of_ref;
        },
        v);
}

bool is_identifier(std::u16string const& key)
{
    if (key.empty())
        return false;
    for (std::size_t i = 0; i < key.size(); ++i) {
        auto const c = key[i];
        bool const letter = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_' || c == u'$';
        bool const digit = c >= u'0' && c <= u'9';
        if (!(letter || (i > 0 && digit)))
            return false;
    }
    return true;
}

std::string js_member(std::u16string const& key)
{
    if (is_identifier(key))
        return "." + utf8_from_utf16(key);
    return "[" + js_string(key) + "]";
}

std::string js_literal_key(std::u16string const& key)
{
    return is_identifier(key) ? utf8_from_utf16(key) : js_string(key);
}

std::string js_comment(std::string const& text, std::string const& indent)
{
    std::string out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        std::string line = text.substr(start, end - start);
        std::string clean;
        for (std::size_t i = 0; i < line.size(); ++i) {
            auto const c = static_cast<unsigned char>(line[i]);
            // U+2028 and U+2029 end a line in JavaScript: a comment must not hold them.
            if (c == 0xE2 && i + 2 < line.size() && static_cast<unsigned char>(line[i + 1]) == 0x80
                && (static_cast<unsigned char>(line[i + 2]) == 0xA8
                    || static_cast<unsigned char>(line[i + 2]) == 0xA9)) {
                clean += static_cast<unsigned char>(line[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
                i += 2;
                continue;
            }
            clean += (c < 0x20 && c != '\t') || c == 0x7F ? ' ' : static_cast<char>(c);
        }
        if (end == text.size() && clean.empty() && !out.empty())
            break; // the text's last newline ends its last line
        out += indent + "//" + (clean.empty() ? "" : " " + clean) + "\n";
        if (end == text.size())
            break;
        start = end + 1;
    }
    return out;
}

std::string utf8_from_utf16(std::u16string const& s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char32_t cp = s[i];
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < s.size() && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (s[i + 1] - 0xDC00);
            ++i;
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;
        }
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
    return out;
}

} // namespace pmconf::reports::reproducer
