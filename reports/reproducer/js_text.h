// JavaScript source text for reproducers: literals for the protocol's primitive values (numbers
// keep -0, NaN and Infinity; BigInts; strings as UTF-16, lone surrogates and everything outside
// printable ASCII as \uXXXX escapes, so that a reproducer file is plain ASCII), property keys,
// and `//` comment blocks.
#pragma once

#include "conformance/graph.h"

#include <string>
#include <string_view>

namespace pmconf::reports::reproducer {

std::string js_string(std::u16string const&); // "a\uD800b"
std::string js_string(std::string_view
        ascii_or_utf8); // the same for an 8-bit string (bytes >= 0x80 escaped one by one as \u00XX)
std::string js_number(double); // 1.5, -0, NaN, -Infinity
std::string js_bigint(conformance::BigInt const&); // -12n
// A primitive's literal; a node reference as *name_of_ref*.
std::string js_primitive(conformance::GValue const&, std::string const& name_of_ref = "undefined");

bool is_identifier(std::u16string const&);
// How a string key is written after an object: `.a` or `["0"]`.
std::string js_member(std::u16string const& key);
// How it is written in an object literal: `a` or `"0"`.
std::string js_literal_key(std::u16string const& key);

// Every line of *text* as a `// ` comment line (control characters as spaces), each prefixed by *indent*.
std::string js_comment(std::string const& text, std::string const& indent = "");

std::string utf8_from_utf16(std::u16string const&); // for messages; lone surrogates as U+FFFD

} // namespace pmconf::reports::reproducer
