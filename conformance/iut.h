// An implementation under test: anything that runs batches of Scenarios and reports one
// Observation per Scenario. Batches are pipelined: submit() may be called again before the reply
// to an earlier batch has been received, up to max_in_flight() batches; replies come back from
// receive() in submission order.
#pragma once

#include "conformance/capabilities.h"
#include "conformance/observation.h"
#include "conformance/scenario.h"
#include "model/infra/faults.h"

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace pmconf::conformance {

// What went wrong with the IUT itself (not a deviation): it crashed, hung, broke the protocol.
struct IutFailure {
    enum class Kind { crashed, timed_out, protocol, start };
    IutFailure(std::string w, std::string tail = { }, Kind k = Kind::protocol, std::string h = { })
        : what(std::move(w)), stderr_tail(std::move(tail)), kind(k), how(std::move(h)) { }
    std::string what;         // one line, e.g. "the IUT exited with status 7 while running batch 3"
    std::string stderr_tail;  // the last bytes it wrote to stderr
    // crashed (exited or killed by a signal) and timed_out may be caused by one Scenario: the runner
    // then looks for it. protocol (a bad reply) and start are failures of the IUT as a whole.
    Kind kind = Kind::protocol;
    std::string how;          // crashed/timed_out: what happened, without batch numbers ("was killed by signal 6 (SIGABRT)")
};

struct BatchReply {
    std::vector<Observation> observations; // one per Scenario of the batch, in order, when !failure
    std::optional<IutFailure> failure;     // the batch was not answered; every batch in flight is lost
};

class Iut {
public:
    virtual ~Iut() = default;
    virtual std::string name() const = 0;
    virtual std::string version() const = 0;
    virtual Capabilities const& capabilities() const = 0;
    virtual std::size_t max_in_flight() const { return 1; }
    virtual void submit(std::vector<Scenario> const& batch) = 0;
    virtual BatchReply receive() = 0;
    virtual std::size_t in_flight() const = 0;
    // What the IUT wrote to stderr since the last call (tail only), for the report.
    virtual std::string take_stderr() { return { }; }
    // How many times the IUT process was (re)started after a failure.
    virtual int restarts() const { return 0; }
};

// The reference model itself, optionally with a seeded fault: the harness checking itself.
class ModelIut final : public Iut {
public:
    explicit ModelIut(model::Fault fault = model::Fault::none) : m_fault(fault) { }
    std::string name() const override;
    std::string version() const override;
    Capabilities const& capabilities() const override { return model_capabilities(); }
    void submit(std::vector<Scenario> const& batch) override;
    BatchReply receive() override;
    std::size_t in_flight() const override { return m_replies.size(); }

private:
    model::Fault m_fault;
    std::deque<BatchReply> m_replies;
};

} // namespace pmconf::conformance
