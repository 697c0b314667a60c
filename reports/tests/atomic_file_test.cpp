#include "reports/atomic_file.h"

#include "reports/tests/temp_dir.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <fstream>
#include <gtest/gtest.h>
#include <optional>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace pmconf::reports {
namespace {

    std::string read_file(std::filesystem::path const& path)
    {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream content;
        content << in.rdbuf();
        return content.str();
    }

    void write_plain(std::filesystem::path const& path, std::string const& content)
    {
        std::ofstream(path, std::ios::binary) << content;
    }

    std::vector<std::string> entries(std::filesystem::path const& directory)
    {
        std::vector<std::string> names;
        for (auto const& entry : std::filesystem::directory_iterator(directory))
            names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }

    mode_t mode_of(std::filesystem::path const& path)
    {
        struct stat status { };
        ::stat(path.c_str(), &status);
        return status.st_mode & 0777;
    }

    TEST(WriteFileAtomically, CreatesANewFile)
    {
        testing::TempDir dir;
        auto const path = dir.path() / "new.xml";
        EXPECT_EQ(write_file_atomically(path, "content"), std::nullopt);
        EXPECT_EQ(read_file(path), "content");
        EXPECT_EQ(entries(dir.path()), std::vector<std::string> { "new.xml" });
    }

    TEST(WriteFileAtomically, WritesBytesAsTheyAreIncludingNul)
    {
        testing::TempDir dir;
        auto const path = dir.path() / "bytes";
        std::string const bytes("a\0b\xFF", 4);
        EXPECT_EQ(write_file_atomically(path, bytes), std::nullopt);
        EXPECT_EQ(read_file(path), bytes);
        EXPECT_EQ(write_file_atomically(path, ""), std::nullopt);
        EXPECT_EQ(read_file(path), "");
    }

    TEST(WriteFileAtomically, ReplacesAnExistingFileAndLeavesNoTemporaryFile)
    {
        testing::TempDir dir;
        auto const path = dir.path() / "report.xml";
        write_plain(path, "old content that is longer than the new one");
        EXPECT_EQ(write_file_atomically(path, "new"), std::nullopt);
        EXPECT_EQ(read_file(path), "new");
        EXPECT_EQ(entries(dir.path()), std::vector<std::string> { "report.xml" });
    }

    TEST(WriteFileAtomically, CreatesFilesWithTheUmaskApplied)
    {
        testing::TempDir dir;
        mode_t const mask = ::umask(022);
        auto const path = dir.path() / "report.xml";
        EXPECT_EQ(write_file_atomically(path, "x"), std::nullopt);
        ::umask(mask);
        EXPECT_EQ(mode_of(path), mode_t { 0644 });
    }

    TEST(WriteFileAtomically, KeepsThePermissionsOfTheReplacedFile)
    {
        testing::TempDir dir;
        auto const path = dir.path() / "report.xml";
        write_plain(path, "old");
        ::chmod(path.c_str(), 0640);
        EXPECT_EQ(write_file_atomically(path, "new"), std::nullopt);
        EXPECT_EQ(mode_of(path), mode_t { 0640 });
    }

    TEST(WriteFileAtomically, ReadersSeeTheOldOrTheNewContentNeverAPartialFile)
    {
        testing::TempDir dir;
        auto const path = dir.path() / "report.xml";
        std::string const a(256 * 1024, 'a');
        std::string const b(512 * 1024, 'b');
        ASSERT_EQ(write_file_atomically(path, a), std::nullopt);

        std::atomic<bool> done { false };
        std::atomic<int> reads { 0 };
        std::atomic<int> torn { 0 };
        std::thread reader([&] {
            while (!done) {
                std::string const seen = read_file(path);
                if (seen != a && seen != b)
                    ++torn;
                ++reads;
            }
        });
        for (int i = 0; i < 60; ++i)
            ASSERT_EQ(write_file_atomically(path, i % 2 == 0 ? b : a), std::nullopt);
        done = true;
        reader.join();
        EXPECT_EQ(torn, 0) << "of " << reads << " reads";
        EXPECT_GT(reads, 0);
        EXPECT_EQ(entries(dir.path()), std::vector<std::string> { "report.xml" });
    }

    TEST(WriteFileAtomically, AFailedWriteLeavesTheOldContentAndNoTemporaryFile)
    {
        testing::TempDir dir;
        auto const path = dir.path() / "report.xml";
        write_plain(path, "old content");

        // In a child process, limit file sizes to 64 KiB so that writing 1 MiB fails part-way.
        pid_t const child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            std::signal(SIGXFSZ, SIG_IGN);
            rlimit limit { 64 * 1024, 64 * 1024 };
            if (::setrlimit(RLIMIT_FSIZE, &limit) != 0)
                ::_exit(3);
            auto const error = write_file_atomically(path, std::string(1 << 20, 'n'));
            bool const names_path = error && error->find(path.string()) != std::string::npos;
            ::_exit(!error ? 1 : names_path ? 0 : 2);
        }
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        ASSERT_TRUE(WIFEXITED(status));
        EXPECT_EQ(WEXITSTATUS(status), 0) << "1: the write did not fail; 2: the error does not name the path";
        EXPECT_EQ(read_file(path), "old content");
        EXPECT_EQ(entries(dir.path()), std::vector<std::string> { "report.xml" });
    }

    TEST(WriteFileAtomically, NamesThePathWhenTheDirectoryDoesNotExist)
    {
        testing::TempDir dir;
        auto const path = dir.path() / "no-such-directory" / "report.xml";
        auto const error = write_file_atomically(path, "x");
        ASSERT_TRUE(error.has_value());
        EXPECT_NE(error->find("\"" + path.string() + "\""), std::string::npos) << *error;
        EXPECT_NE(error->find("No such file or directory"), std::string::npos) << *error;
    }

    TEST(WriteFileAtomically, NamesThePathWhenTheParentIsAFile)
    {
        testing::TempDir dir;
        write_plain(dir.path() / "file", "x");
        auto const path = dir.path() / "file" / "report.xml";
        auto const error = write_file_atomically(path, "x");
        ASSERT_TRUE(error.has_value());
        EXPECT_NE(error->find(path.string()), std::string::npos) << *error;
    }

    TEST(WriteFileAtomically, NamesThePathWhenTheDirectoryIsNotWritable)
    {
        if (::geteuid() == 0)
            GTEST_SKIP() << "root writes into read-only directories; the other error tests still run";
        testing::TempDir dir;
        auto const locked = dir.path() / "locked";
        std::filesystem::create_directory(locked);
        write_plain(locked / "report.xml", "old");
        ::chmod(locked.c_str(), 0555);
        auto const error = write_file_atomically(locked / "report.xml", "new");
        ::chmod(locked.c_str(), 0755);
        ASSERT_TRUE(error.has_value());
        EXPECT_NE(error->find((locked / "report.xml").string()), std::string::npos) << *error;
        EXPECT_NE(error->find("Permission denied"), std::string::npos) << *error;
        EXPECT_EQ(read_file(locked / "report.xml"), "old");
    }

    TEST(WriteFileAtomically, RefusesToReplaceADirectoryAndCleansUp)
    {
        testing::TempDir dir;
        auto const path = dir.path() / "report.xml";
        std::filesystem::create_directory(path);
        write_plain(path / "inside", "kept");
        auto const error = write_file_atomically(path, "x");
        ASSERT_TRUE(error.has_value());
        EXPECT_NE(error->find(path.string()), std::string::npos) << *error;
        EXPECT_EQ(read_file(path / "inside"), "kept");
        EXPECT_EQ(entries(dir.path()), std::vector<std::string> { "report.xml" });
    }

    TEST(WriteFileAtomically, RefusesAPathWithoutAFileName)
    {
        EXPECT_TRUE(write_file_atomically("", "x").has_value());
        testing::TempDir dir;
        auto const error = write_file_atomically(dir.path() / "", "x");
        ASSERT_TRUE(error.has_value());
        EXPECT_NE(error->find("not a file name"), std::string::npos) << *error;
    }

    TEST(WriteFileAtomically, WritesIntoTheCurrentDirectoryForABareFileName)
    {
        testing::TempDir dir;
        auto const previous = std::filesystem::current_path();
        std::filesystem::current_path(dir.path());
        auto const error = write_file_atomically("bare.xml", "x");
        std::filesystem::current_path(previous);
        EXPECT_EQ(error, std::nullopt);
        EXPECT_EQ(read_file(dir.path() / "bare.xml"), "x");
    }

} // namespace
} // namespace pmconf::reports
