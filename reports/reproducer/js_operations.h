// An operation sequence (docs/protocol.md, "Operation sequences") as JavaScript: each operation a
// call whose outcome is recorded, the observers (addEventListener for message, messageerror and
// close on every port and channel made or received) written out, "run the event loops" as an
// explicit wait for a quiet event loop, and a dedicated worker driven synchronously (its event
// loop turns only while the event loops run, as in the model).
#pragma once

#include "model/html/web_messaging/messaging.h"

#include <string>
#include <vector>

namespace pmconf::reports::reproducer {

struct OperationsCode {
    std::string state; // top-level declarations (before the main flow)
    std::string text; // the operations, each line indented by two spaces, then report(...)
    std::string library; // the function declarations they call
};

OperationsCode operations_code(std::vector<model::web_messaging::Operation> const&);

} // namespace pmconf::reports::reproducer
