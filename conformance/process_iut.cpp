#include "conformance/process_iut.h"

#include "conformance/protocol/codec.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace pmconf::conformance {

namespace {

std::string describe_status(int status)
{
    if (WIFEXITED(status))
        return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        auto const sig = WTERMSIG(status);
        char const* name = sigabbrev_np(sig);
        return "was killed by signal " + std::to_string(sig) + (name ? std::string(" (SIG") + name + ")" : std::string());
    }
    return "ended with wait status " + std::to_string(status);
}

std::string excerpt(std::string const& s, std::size_t n = 200)
{
    if (s.size() <= n)
        return s;
    return s.substr(0, n) + "... (" + std::to_string(s.size()) + " bytes)";
}

std::string seconds(std::chrono::milliseconds ms)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g s", ms.count() / 1000.0);
    return buf;
}

} // namespace

struct ProcessIut::Process {
    pid_t pid = -1;
    int in_fd = -1, out_fd = -1, err_fd = -1;
    int wake[2] = { -1, -1 };
    std::thread io;

    std::mutex mutex;
    std::condition_variable cv;
    std::string to_write;
    std::deque<std::string> lines;
    std::string partial;
    bool out_eof = false, err_eof = false, overflow = false, stopping = false, write_failed = false;
    std::string err_tail;        // the last bytes of stderr
    std::string err_new;         // stderr not yet taken by take_stderr(), bounded like err_tail
    std::uint64_t err_bytes = 0;
    std::uint64_t err_new_bytes = 0;
    std::size_t max_line = 0, tail_bytes = 0;
    std::optional<int> status;

    ~Process() { kill(); }

    void poke()
    {
        char c = 1;
        [[maybe_unused]] auto r = ::write(wake[1], &c, 1);
    }

    static void keep_tail(std::string& s, char const* data, std::size_t n, std::size_t limit)
    {
        s.append(data, n);
        if (s.size() > limit)
            s.erase(0, s.size() - limit);
    }

    void loop()
    {
        char buf[65536];
        while (true) {
            pollfd fds[4];
            nfds_t n = 0;
            int in_i = -1, out_i = -1, err_i = -1;
            {
                std::lock_guard lock(mutex);
                if (stopping)
                    return;
                if (in_fd >= 0 && !to_write.empty())
                    fds[in_i = n++] = { in_fd, POLLOUT, 0 };
                if (out_fd >= 0 && !out_eof)
                    fds[out_i = n++] = { out_fd, POLLIN, 0 };
                if (err_fd >= 0 && !err_eof)
                    fds[err_i = n++] = { err_fd, POLLIN, 0 };
                if (out_i < 0 && err_i < 0)
                    return; // nothing more can arrive
            }
            fds[n++] = { wake[0], POLLIN, 0 };
            if (::poll(fds, n, -1) < 0) {
                if (errno == EINTR)
                    continue;
                return;
            }
            if (fds[n - 1].revents)
                while (::read(wake[0], buf, sizeof buf) > 0) { }
            std::lock_guard lock(mutex);
            if (in_i >= 0 && fds[in_i].revents) {
                auto const w = ::write(in_fd, to_write.data(), to_write.size());
                if (w > 0) {
                    to_write.erase(0, static_cast<std::size_t>(w));
                } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
                    write_failed = true; // EPIPE: it closed stdin or exited; reading tells what happened
                    to_write.clear();
                    ::close(in_fd);
                    in_fd = -1;
                }
            }
            if (out_i >= 0 && fds[out_i].revents) {
                auto const r = ::read(out_fd, buf, sizeof buf);
                if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
                    out_eof = true;
                } else if (r > 0) {
                    std::size_t start = 0;
                    for (std::size_t i = 0; i < static_cast<std::size_t>(r); ++i) {
                        if (buf[i] != '\n')
                            continue;
                        partial.append(buf + start, i - start);
                        lines.push_back(std::move(partial));
                        partial.clear();
                        start = i + 1;
                    }
                    partial.append(buf + start, static_cast<std::size_t>(r) - start);
                    if (partial.size() > max_line) {
                        overflow = true;
                        out_eof = true; // stop reading: nothing after an oversized line is trusted
                        partial.clear();
                    }
                }
                cv.notify_all();
            }
            if (err_i >= 0 && fds[err_i].revents) {
                auto const r = ::read(err_fd, buf, sizeof buf);
                if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
                    err_eof = true;
                } else if (r > 0) {
                    err_bytes += static_cast<std::uint64_t>(r);
                    err_new_bytes += static_cast<std::uint64_t>(r);
                    keep_tail(err_tail, buf, static_cast<std::size_t>(r), tail_bytes);
                    keep_tail(err_new, buf, static_cast<std::size_t>(r), tail_bytes);
                }
            }
        }
    }

    // The exit status, waiting up to *grace* for the process to end on its own.
    std::optional<int> reap(std::chrono::milliseconds grace)
    {
        if (status || pid < 0)
            return status;
        auto const deadline = std::chrono::steady_clock::now() + grace;
        while (true) {
            int st = 0;
            auto const r = ::waitpid(pid, &st, WNOHANG);
            if (r == pid) {
                status = st;
                return status;
            }
            if (r < 0 || std::chrono::steady_clock::now() >= deadline)
                return std::nullopt;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }

    void kill()
    {
        if (pid > 0 && !status) {
            ::kill(-pid, SIGKILL); // the whole group: wrappers such as node_modules/.bin scripts have children
            ::kill(pid, SIGKILL);
            int st = 0;
            while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) { }
            status = st;
        }
        if (io.joinable()) {
            {
                std::lock_guard lock(mutex);
                stopping = true;
            }
            poke();
            io.join();
        }
        for (int* fd : { &in_fd, &out_fd, &err_fd, &wake[0], &wake[1] }) {
            if (*fd >= 0)
                ::close(*fd);
            *fd = -1;
        }
    }
};

ProcessIut::ProcessIut(ProcessIutConfig config) : m_config(std::move(config)) { }

ProcessIut::~ProcessIut() = default;

IutFailure ProcessIut::fail(std::string what)
{
    IutFailure failure { std::move(what), { } };
    if (m_process) {
        m_process->kill();
        std::lock_guard lock(m_process->mutex);
        failure.stderr_tail = m_process->err_tail;
        if (m_process->err_bytes > m_process->err_tail.size())
            failure.stderr_tail = "[... " + std::to_string(m_process->err_bytes - m_process->err_tail.size()) + " earlier bytes]\n"
                + failure.stderr_tail;
        m_stderr_taken += m_process->err_new;
        m_process.reset();
    }
    m_pending.clear();
    return failure;
}

std::optional<IutFailure> ProcessIut::start()
{
    if (m_process)
        return std::nullopt;
    ++m_starts;
    auto p = std::make_unique<Process>();
    p->max_line = m_config.max_line_bytes;
    p->tail_bytes = m_config.stderr_tail_bytes;
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) || ::pipe2(out, O_CLOEXEC) || ::pipe2(err, O_CLOEXEC) || ::pipe2(p->wake, O_CLOEXEC | O_NONBLOCK))
        return IutFailure { std::string("cannot create pipes: ") + std::strerror(errno), { } };
    if (m_config.argv.empty())
        return IutFailure { "the IUT's command line is empty", { } };

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    if (!m_config.cwd.empty())
        posix_spawn_file_actions_addchdir_np(&actions, m_config.cwd.c_str());
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    std::vector<char*> argv;
    for (auto& a : m_config.argv)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    int const rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    p->in_fd = in[1];
    p->out_fd = out[0];
    p->err_fd = err[0];
    if (rc != 0) {
        m_process = std::move(p);
        return fail("cannot start `" + m_config.argv[0] + "` (in " + m_config.cwd.string() + "): " + std::strerror(rc));
    }
    p->pid = pid;
    for (int fd : { p->in_fd, p->out_fd, p->err_fd })
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    p->io = std::thread([proc = p.get()] { proc->loop(); });
    m_process = std::move(p);

    // The hello.
    std::string line;
    {
        std::unique_lock lock(m_process->mutex);
        bool const ready = m_process->cv.wait_until(lock, std::chrono::steady_clock::now() + m_config.start_timeout,
            [&] { return !m_process->lines.empty() || m_process->out_eof; });
        if (!ready) {
            lock.unlock();
            return fail("no hello within " + seconds(m_config.start_timeout) + " of starting the IUT; it was killed");
        }
        if (m_process->lines.empty()) {
            bool const overflow = m_process->overflow;
            lock.unlock();
            if (overflow)
                return fail("the IUT's first line is longer than " + std::to_string(m_config.max_line_bytes) + " bytes");
            auto st = m_process->reap(std::chrono::milliseconds(2000));
            return fail("the IUT closed its stdout before saying hello; it " + (st ? describe_status(*st) : std::string("was killed")));
        }
        line = std::move(m_process->lines.front());
        m_process->lines.pop_front();
    }
    nlohmann::json hello;
    try {
        hello = nlohmann::json::parse(line);
    } catch (nlohmann::json::parse_error const& e) {
        return fail("the IUT's first line is not a JSON hello (" + std::string(e.what()) + "): " + excerpt(line));
    }
    if (!hello.is_object() || hello.value("pmconf", "") != "hello")
        return fail("the IUT's first line is not a hello: " + excerpt(line));
    if (!hello.contains("protocol") || hello["protocol"] != protocol::version)
        return fail("the IUT speaks protocol " + (hello.contains("protocol") ? hello["protocol"].dump() : std::string("(none given)"))
            + "; pmconf speaks protocol " + std::to_string(protocol::version));
    auto const implementation = hello.find("implementation");
    auto const version = hello.find("version");
    auto const capabilities = hello.find("capabilities");
    if (implementation == hello.end() || !implementation->is_string() || version == hello.end() || !version->is_string()
        || capabilities == hello.end() || !capabilities->is_array())
        return fail("the hello lacks a string \"implementation\", a string \"version\" or an array \"capabilities\": " + excerpt(line));
    Capabilities caps;
    for (auto const& c : *capabilities) {
        if (!c.is_string())
            return fail("a capability in the hello is not a string: " + c.dump());
        caps.insert(c.get<std::string>());
    }
    // A restart must find the implementation it started with.
    if (m_hello_seen && (m_capabilities != caps || m_implementation != implementation->get<std::string>()))
        return fail("the restarted IUT announces other capabilities or another implementation than at its first start");
    m_capabilities = std::move(caps);
    m_implementation = implementation->get<std::string>();
    m_version = m_implementation + " " + version->get<std::string>();
    m_hello_seen = true;
    return std::nullopt;
}

void ProcessIut::submit(std::vector<Scenario> const& batch)
{
    auto const id = m_next_id++;
    m_pending.push_back({ id, batch.size() });
    if (!m_process) {
        auto failure = start();
        if (failure) {
            failure->kind = IutFailure::Kind::start;
            m_start_failure = std::move(failure);
            return;
        }
    }
    auto line = protocol::encode_run_request(id, batch);
    line += '\n';
    // PMCONF_TRACE_PROTOCOL=FILE: append every request line to FILE, to debug an adapter.
    if (char const* trace = std::getenv("PMCONF_TRACE_PROTOCOL"); trace && *trace)
        if (std::FILE* f = std::fopen(trace, "a")) {
            std::fwrite(line.data(), 1, line.size(), f);
            std::fclose(f);
        }
    {
        std::lock_guard lock(m_process->mutex);
        m_process->to_write += line;
    }
    m_process->poke();
}

BatchReply ProcessIut::receive()
{
    BatchReply reply;
    if (m_pending.empty()) {
        reply.failure = IutFailure { "receive() without a batch in flight (a harness bug)", { } };
        return reply;
    }
    if (m_start_failure) {
        reply.failure = std::move(m_start_failure);
        m_start_failure.reset();
        m_pending.clear();
        return reply;
    }
    auto const pending = m_pending.front();
    auto const batch = "batch " + std::to_string(pending.id) + " (" + std::to_string(pending.scenarios) + " scenarios)";
    std::string line;
    {
        std::unique_lock lock(m_process->mutex);
        // A batch of n scenarios may take 2 s + n x 0.1 s (a case takes well under a millisecond),
        // and never more than the batch timeout: a hang costs a timeout, so it is kept short.
        auto const timeout = std::min(m_config.batch_timeout,
            std::chrono::milliseconds(2000 + 100 * static_cast<std::int64_t>(pending.scenarios)));
        bool const ready = m_process->cv.wait_until(lock, std::chrono::steady_clock::now() + timeout,
            [&] { return !m_process->lines.empty() || m_process->out_eof; });
        if (!ready) {
            lock.unlock();
            reply.failure = fail("no reply to " + batch + " within " + seconds(timeout)
                + " (the timeout); the IUT was killed and will be restarted");
            reply.failure->kind = IutFailure::Kind::timed_out;
            reply.failure->how = "did not answer within " + seconds(timeout);
            return reply;
        }
        if (m_process->lines.empty()) {
            bool const overflow = m_process->overflow;
            auto const partial = m_process->partial.size();
            lock.unlock();
            if (overflow) {
                reply.failure = fail("the reply to " + batch + " is a line longer than " + std::to_string(m_config.max_line_bytes)
                    + " bytes (huge output); the IUT was killed");
                return reply;
            }
            auto st = m_process->reap(std::chrono::milliseconds(2000));
            std::string how = st ? "the IUT " + describe_status(*st) : std::string("the IUT closed its stdout");
            if (partial)
                how += " after writing " + std::to_string(partial) + " bytes of a line without its newline (a truncated reply)";
            reply.failure = fail(how + " while running " + batch);
            if (!partial) {
                reply.failure->kind = IutFailure::Kind::crashed;
                reply.failure->how = st ? describe_status(*st) : std::string("closed its stdout");
            }
            return reply;
        }
        line = std::move(m_process->lines.front());
        m_process->lines.pop_front();
    }
    m_pending.pop_front();
    protocol::Reply decoded;
    try {
        decoded = protocol::decode_reply(line);
    } catch (protocol::NotJson const& e) {
        reply.failure = fail("the reply to " + batch + " is not JSON (" + e.what() + "): " + excerpt(line));
        return reply;
    } catch (protocol::ProtocolError const& e) {
        reply.failure = fail("the reply to " + batch + " breaks the protocol at " + e.what());
        return reply;
    }
    if (!decoded.has_id || decoded.id != std::to_string(pending.id)) {
        reply.failure = fail("the reply to " + batch + " carries the id " + (decoded.has_id ? decoded.id : "(none)") + ": " + excerpt(line));
        return reply;
    }
    if (decoded.kind == "error") {
        reply.failure = fail("the IUT could not run " + batch + ": " + (decoded.message.empty() ? excerpt(line) : decoded.message));
        return reply;
    }
    if (decoded.kind != "observations" || !decoded.has_observations) {
        reply.failure = fail("the reply to " + batch + " is not an observations message: " + excerpt(line));
        return reply;
    }
    if (decoded.observations.size() != pending.scenarios) {
        reply.failure = fail("the reply to " + batch + " has " + std::to_string(decoded.observations.size()) + " observations");
        return reply;
    }
    reply.observations = std::move(decoded.observations);
    return reply;
}

std::string ProcessIut::take_stderr()
{
    std::string s = std::move(m_stderr_taken);
    m_stderr_taken.clear();
    if (m_process) {
        std::lock_guard lock(m_process->mutex);
        if (m_process->err_new_bytes > m_process->err_new.size())
            s += "[... " + std::to_string(m_process->err_new_bytes - m_process->err_new.size()) + " earlier bytes]\n";
        s += m_process->err_new;
        m_process->err_new.clear();
        m_process->err_new_bytes = 0;
    }
    return s;
}

void ProcessIut::stop()
{
    if (!m_process)
        return;
    {
        std::lock_guard lock(m_process->mutex);
        m_process->to_write += "{\"pmconf\":\"bye\"}\n";
    }
    m_process->poke();
    m_process->reap(std::chrono::milliseconds(3000));
    m_process->kill();
    m_process.reset();
}

} // namespace pmconf::conformance
