#pragma once

// A fresh directory under the system temporary directory, removed with its content.

#include <atomic>
#include <filesystem>
#include <string>
#include <system_error>
#include <unistd.h>

namespace pmconf::reports::testing {

class TempDir {
public:
    TempDir()
    {
        static std::atomic<unsigned> counter { 0 };
        m_path = std::filesystem::temp_directory_path()
            / ("pmconf-reports-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(m_path);
        std::filesystem::create_directories(m_path);
    }
    TempDir(TempDir const&) = delete;
    TempDir& operator=(TempDir const&) = delete;
    ~TempDir()
    {
        std::error_code ignored;
        std::filesystem::permissions(m_path, std::filesystem::perms::owner_all, ignored);
        std::filesystem::remove_all(m_path, ignored);
    }
    std::filesystem::path const& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

} // namespace pmconf::reports::testing
