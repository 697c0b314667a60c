// Message graphs over time: RapidCheck generators of operation sequences for the messaging model
// (model/html/web_messaging/messaging.h), the comparison of two runs' observations, and the
// search for a sequence on which an implementation (for now: a seeded fault) differs from the
// model, shrunk to a minimal sequence.
#pragma once

#include "model/html/web_messaging/messaging.h"
#include "model/infra/trace.h"

#include <rapidcheck.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pmconf::conformance::messaging {

using model::web_messaging::MessagingFault;
using model::web_messaging::MessagingObservation;
using model::web_messaging::Operation;

// Sequences of up to `size` operations (at least one), ending with run_event_loops. Each
// operation is drawn against the state a World reaches by running the ones before it, so that
// most name ports, channels and clients that exist; some name detached ports, the source or the
// target port in a transfer list, or a port twice. Shrinking removes operations (whole chunks,
// then one at a time) and simplifies the rest (shorter transfer lists, plain messages).
rc::Gen<std::vector<Operation>> operation_sequences();

std::string to_display(std::vector<Operation> const&);

// The first difference the spec does not allow between the model's observation and another's,
// as one line; nullopt when they agree. Outcomes must be equal; events are compared per target
// (the order of events at one target is fixed; across targets it is the task sources' to choose).
std::optional<std::string> difference(MessagingObservation const& expected, MessagingObservation const& observed);

struct Counterexample {
    std::vector<Operation> operations; // shrunk
    std::string difference;
    MessagingObservation expected, observed;
    int found_at_case = 0;
    int shrinks = 0;
};

struct SearchParams {
    std::uint64_t seed = 20261125;
    int cases = 5000;
    int max_size = 40;
};

// Runs `cases` sequences on the fault-free model and on the model with `fault`; the first that
// differs is shrunk. The fault-free runs add to *coverage* when it is given.
std::optional<Counterexample> find_difference(MessagingFault, SearchParams const&, model::Trace* coverage = nullptr);

} // namespace pmconf::conformance::messaging
