// An implementation under test that is a process speaking protocol v1 (docs/protocol.md) on its
// stdin and stdout. A thread of its own moves the bytes (so that a large batch and a large reply
// never block each other), keeps the tail of the process's stderr, and bounds reply lines. Any
// failure (exit, signal, timeout, a line that is not the expected reply) kills the process
// group; the next submit() starts a fresh process.
#pragma once

#include "conformance/iut.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace pmconf::conformance {

struct ProcessIutConfig {
    std::string name;                          // the registry's name, until the hello names it
    std::vector<std::string> argv;             // argv[0] is looked up in PATH unless it has a '/'
    std::filesystem::path cwd;                 // the process's working directory
    std::chrono::milliseconds start_timeout { 60000 };
    std::chrono::milliseconds batch_timeout { 60000 }; // at most; a batch of n gets 2 s + n x 0.1 s
    std::size_t max_line_bytes = std::size_t(64) << 20;
    std::size_t max_in_flight = 4;
    std::size_t stderr_tail_bytes = 8192;
};

class ProcessIut final : public Iut {
public:
    explicit ProcessIut(ProcessIutConfig);
    ~ProcessIut() override;
    ProcessIut(ProcessIut const&) = delete;
    ProcessIut& operator=(ProcessIut const&) = delete;

    // Starts the process and reads its hello. Also done by submit() when no process runs.
    std::optional<IutFailure> start();

    std::string name() const override { return m_config.name; }
    std::string version() const override { return m_version; }
    std::string implementation() const { return m_implementation; } // as the hello says
    Capabilities const& capabilities() const override { return m_capabilities; }
    std::size_t max_in_flight() const override { return m_config.max_in_flight; }
    void submit(std::vector<Scenario> const& batch) override;
    BatchReply receive() override;
    std::size_t in_flight() const override { return m_pending.size(); }
    std::string take_stderr() override;
    int restarts() const override { return m_starts > 0 ? m_starts - 1 : 0; }

    // Sends bye and waits briefly for a clean exit (the destructor kills what is left).
    void stop();

private:
    struct Process;
    struct Pending {
        std::uint64_t id;
        std::size_t scenarios;
    };
    IutFailure fail(std::string what);

    ProcessIutConfig m_config;
    std::unique_ptr<Process> m_process;
    std::string m_version;
    std::string m_implementation;
    Capabilities m_capabilities;
    bool m_hello_seen = false;
    std::deque<Pending> m_pending;
    std::optional<IutFailure> m_start_failure; // a failed (re)start, reported by the next receive()
    std::uint64_t m_next_id = 1;
    int m_starts = 0;
    std::string m_stderr_taken;
};

} // namespace pmconf::conformance
