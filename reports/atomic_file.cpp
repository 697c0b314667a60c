#include "reports/atomic_file.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pmconf::reports {

namespace {

    std::string quoted(std::filesystem::path const& path)
    {
        return "\"" + path.string() + "\"";
    }

    std::string failure(std::filesystem::path const& target, std::string_view step, int error)
    {
        return "cannot write " + quoted(target) + ": " + std::string(step) + ": " + std::strerror(error);
    }

    class FileDescriptor {
    public:
        explicit FileDescriptor(int fd)
            : m_fd(fd)
        {
        }
        FileDescriptor(FileDescriptor const&) = delete;
        FileDescriptor& operator=(FileDescriptor const&) = delete;
        ~FileDescriptor()
        {
            if (m_fd >= 0)
                ::close(m_fd);
        }
        int get() const { return m_fd; }
        // Closes now and reports the error close() returned (0 when fine).
        int close()
        {
            int const fd = m_fd;
            m_fd = -1;
            return ::close(fd) == 0 ? 0 : errno;
        }

    private:
        int m_fd;
    };

    int write_all(int fd, std::string_view bytes)
    {
        while (!bytes.empty()) {
            ssize_t const written = ::write(fd, bytes.data(), bytes.size());
            if (written < 0) {
                if (errno == EINTR)
                    continue;
                return errno;
            }
            bytes.remove_prefix(static_cast<std::size_t>(written));
        }
        return 0;
    }

    int fsync_retrying(int fd)
    {
        while (::fsync(fd) != 0) {
            if (errno != EINTR)
                return errno;
        }
        return 0;
    }

} // namespace

std::optional<std::string> write_file_atomically(std::filesystem::path const& path, std::string_view bytes)
{
    if (path.empty() || !path.has_filename())
        return "cannot write " + quoted(path) + ": not a file name";
    std::filesystem::path const directory = path.has_parent_path() ? path.parent_path() : ".";

    // A fresh name in the same directory (rename is only atomic within one file system).
    static std::atomic<unsigned> counter { 0 };
    std::filesystem::path temporary;
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
        temporary = directory
            / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-"
                + std::to_string(counter.fetch_add(1)));
        fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        int const error = errno;
        if (fd < 0 && error != EEXIST && error != EINTR)
            return failure(path, "cannot create temporary file " + quoted(temporary), error);
    }
    if (fd < 0)
        return failure(path, "cannot create temporary file " + quoted(temporary), EEXIST);
    FileDescriptor file(fd);

    std::string const temporary_name = "temporary file " + quoted(temporary);
    auto abandon = [&](std::string const& step, int error) {
        ::unlink(temporary.c_str());
        return failure(path, step, error);
    };

    // Replacing a file keeps its permission bits.
    struct stat existing { };
    if (::stat(path.c_str(), &existing) == 0 && S_ISREG(existing.st_mode)
        && ::fchmod(file.get(), existing.st_mode & 0777) != 0) {
        int const error = errno;
        return abandon("cannot set the permissions of " + temporary_name, error);
    }

    if (int const error = write_all(file.get(), bytes))
        return abandon("cannot write " + temporary_name, error);
    if (int const error = fsync_retrying(file.get()))
        return abandon("cannot fsync " + temporary_name, error);
    if (int const error = file.close())
        return abandon("cannot close " + temporary_name, error);
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        int const error = errno;
        return abandon("cannot rename " + temporary_name + " over it", error);
    }

    // Make the rename itself durable. Some file systems refuse fsync on a directory; the new
    // content is in place either way, so this step cannot fail the write.
    int const dir_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
        fsync_retrying(dir_fd);
        ::close(dir_fd);
    }
    return std::nullopt;
}

} // namespace pmconf::reports
