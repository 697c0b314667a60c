#include "tools/subprocess.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace pmconf::tools {

std::string Completed::describe() const
{
    if (!start_error.empty())
        return "could not start: " + start_error;
    if (timed_out)
        return "did not finish in time and was killed";
    if (exit_code)
        return "exited with status " + std::to_string(*exit_code);
    if (signal) {
        char const* name = sigabbrev_np(*signal);
        return "was killed by signal " + std::to_string(*signal) + (name ? std::string(" (SIG") + name + ")" : std::string());
    }
    return "ended in an unknown way";
}

Completed run_to_completion(std::vector<std::string> const& argv, std::filesystem::path const& cwd, std::chrono::milliseconds timeout)
{
    Completed c;
    int out[2], err[2], in[2];
    if (argv.empty() || ::pipe2(out, O_CLOEXEC) || ::pipe2(err, O_CLOEXEC) || ::pipe2(in, O_CLOEXEC)) {
        c.start_error = argv.empty() ? "empty command" : std::strerror(errno);
        return c;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    if (!cwd.empty())
        posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
    std::vector<char*> args;
    std::vector<std::string> copy = argv;
    for (auto& a : copy)
        args.push_back(a.data());
    args.push_back(nullptr);
    pid_t pid = -1;
    int const rc = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(out[1]);
    ::close(err[1]);
    ::close(in[0]);
    ::close(in[1]); // stdin: empty
    if (rc != 0) {
        c.start_error = argv[0] + ": " + std::strerror(rc);
        ::close(out[0]);
        ::close(err[0]);
        return c;
    }
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    bool out_open = true, err_open = true;
    char buf[65536];
    constexpr std::size_t keep = std::size_t(1) << 20;
    while (out_open || err_open) {
        pollfd fds[2] = { { out_open ? out[0] : -1, POLLIN, 0 }, { err_open ? err[0] : -1, POLLIN, 0 } };
        auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) {
            c.timed_out = true;
            break;
        }
        if (::poll(fds, 2, static_cast<int>(left)) < 0 && errno != EINTR)
            break;
        for (int i = 0; i < 2; ++i) {
            if (!fds[i].revents)
                continue;
            auto const r = ::read(fds[i].fd, buf, sizeof buf);
            auto& open = i == 0 ? out_open : err_open;
            auto& text = i == 0 ? c.out : c.err;
            if (r <= 0) {
                if (r == 0 || errno != EINTR)
                    open = false;
                continue;
            }
            text.append(buf, static_cast<std::size_t>(r));
            if (text.size() > keep)
                text.erase(0, text.size() - keep);
        }
    }
    if (c.timed_out) {
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
    ::close(out[0]);
    ::close(err[0]);
    if (!c.timed_out) {
        if (WIFEXITED(status))
            c.exit_code = WEXITSTATUS(status);
        else if (WIFSIGNALED(status))
            c.signal = WTERMSIG(status);
    }
    return c;
}

} // namespace pmconf::tools
