#pragma once

// Turning arbitrary bytes into text that is valid XML 1.0 character data.
//
// Implementation output (a counterexample, a crashed process's stderr) is arbitrary bytes: ANSI
// colour codes, NUL, lone surrogates from WTF-8 strings, bytes that are not UTF-8. One such byte
// written raw makes the whole JUnit file unreadable for every consumer, and pugixml neither
// rejects nor repairs it. These functions replace every offending byte or character with a
// visible ASCII marker, so the result is valid UTF-8 holding only XML 1.0 `Char`s and a reader
// still sees what was there:
//
//   byte that starts no well-formed UTF-8 sequence  [NON-UTF-8-BYTE-0xFF]   (one per byte; this
//       covers stray continuation bytes, truncated sequences, overlong forms, C0/C1/F5..FF,
//       and everything above U+10FFFF)
//   encoded surrogate ED A0..BF xx (CESU-8/WTF-8)   [LONE-SURROGATE-0xD800] (one per surrogate)
//   U+0000..U+001F except TAB, LF, CR               [NON-XML-CHAR-0x1B]
//   U+FFFE, U+FFFF                                  [NON-XML-CHAR-0xFFFE]
//
// Everything else passes unchanged, including TAB/LF/CR, DEL, C1 controls, U+FDD0 and U+1FFFE
// (XML 1.0 allows them). `<`, `&` and `]]>` are left for the XML writer to escape.

#include <cstddef>
#include <string>
#include <string_view>

namespace pmconf::reports {

// Caps below this are raised to it: the omission marker alone needs room.
inline constexpr std::size_t kMinXmlTextCap = 64;

// The sanitised text, at most max(max_bytes, kMinXmlTextCap) bytes. When the sanitised text is
// longer, its head and tail are kept around a marker "[... N bytes omitted ...]", where N counts
// the bytes of `raw` left out; the cut never falls inside a UTF-8 sequence or a marker.
std::string xml_safe_text(std::string_view raw, std::size_t max_bytes = std::size_t { 1 } << 20);

// The same rules, for an attribute value (a one-line summary: keep max small). Line breaks are
// kept; the XML writer escapes them as &#10;, which is valid.
std::string xml_safe_attribute(std::string_view raw, std::size_t max_bytes);

// The same rules, then collapsed as an xs:token: each run of space, TAB, LF and CR becomes one
// space, with none at either end. May be empty.
std::string xml_safe_token(std::string_view raw, std::size_t max_bytes);

} // namespace pmconf::reports
