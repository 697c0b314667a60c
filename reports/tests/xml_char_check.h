#pragma once

// An independent check that text is valid XML 1.0 character data in UTF-8, written apart from
// reports/xml_text.cpp (bit patterns here, byte ranges there) so the two can catch each other.

#include <string>
#include <string_view>

namespace pmconf::reports::testing {

// Empty when `text` is valid UTF-8 holding only XML 1.0 Chars; else what is wrong and where.
std::string xml_char_data_problem(std::string_view text);

} // namespace pmconf::reports::testing
