#pragma once

// Writing a report file so that a reader (a CI uploader, a person, a later step) sees either the
// old content or the new one, never a partial file.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace pmconf::reports {

// Writes `bytes` to a new temporary file in the directory of `path` (created with mode 0666
// less the umask, or the mode of the file being replaced), fsyncs it, renames it over `path`,
// then fsyncs the directory (best effort). On failure the temporary file is removed, `path` is
// left as it was, and the result says which path and which step failed, with the system's
// reason. nullopt means success. POSIX only.
std::optional<std::string> write_file_atomically(std::filesystem::path const& path, std::string_view bytes);

} // namespace pmconf::reports
