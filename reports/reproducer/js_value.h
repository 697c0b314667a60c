// A value graph (conformance/graph.h) as the JavaScript statements that build it: literals where
// the graph allows (`const o1 = { a: 1, b: o2 };`), assignments and Object.defineProperty where it
// must (cycles, non-enumerable and accessor properties), getters that record their label, perform
// their effects and return or throw their result. Buffers are made large enough for their views,
// the views made, the buffers resized or detached, and only then are their bytes written, so that
// no step touches bytes written earlier.
#pragma once

#include "conformance/graph.h"

#include <set>
#include <string>
#include <vector>

namespace pmconf::reports::reproducer {

struct ValueCode {
    std::string text; // statements, each line indented by two spaces
    std::vector<std::string> names; // node index -> the variable that holds it
    std::set<std::string>
        helpers; // function declarations the statements call: "define", "detach", "transferAway"
    std::vector<std::string> thrown_by_getters; // the values the getters throw (JavaScript expressions)
    bool getters = false; // the statements use `log`
    bool pollutes = false; // building or running the value can change Object.prototype
    // For the observation: [node, kind, value] of every ArrayBuffer, MessagePort and ImageBitmap;
    // [port, its partner, portId] of every MessagePort; [RegExp, source, flags] of every RegExp.
    std::string inputs, input_ports, regexps;
};

ValueCode value_code(conformance::Graph const&);

// A value of the graph as an expression, given the names of value_code.
std::string js_value(conformance::GValue const&, std::vector<std::string> const& names);

// The function declarations named in ValueCode::helpers.
std::string helper_code(std::set<std::string> const& helpers);

} // namespace pmconf::reports::reproducer
