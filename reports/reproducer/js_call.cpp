#include "reports/reproducer/js_call.h"

namespace pmconf::reports::reproducer {

using namespace conformance;

std::string clone_call_code(Scenario const& s, ValueCode const& value, std::string const& clone)
{
    std::string transfer;
    for (auto const& t : s.transfer)
        transfer += (transfer.empty() ? "" : ", ") + js_value(t, value.names);
    std::string const root = js_value(s.graph.root, value.names);
    std::string const options = "{ transfer: [" + transfer + "] }";
    std::string out;
    bool const channel = s.mode == PassMode::message_channel;
    if (channel) {
        out += "  // The call: post the value on a new MessageChannel's port1; port2's message event gives "
               "the result.\n"
               "  const channel = new MessageChannel();\n"
               "  const delivered = new Promise(resolve => {\n"
               "    channel.port2.onmessage = e => resolve({ data: e.data });\n"
               "    channel.port2.onmessageerror = () => resolve({ error: 'messageerror' });\n"
               "    setTimeout(() => resolve({ error: 'no message' }), 2000);\n"
               "  });\n"
               "  let result, thrown, threw = false, error;\n"
               "  try {\n"
               "    channel.port1.postMessage("
            + root + ", " + options + ");\n";
    } else {
        out += "  // The call.\n"
               "  let result, thrown, threw = false;\n"
               "  try {\n"
               "    result = "
            + clone + "(" + root + ", " + options + ");\n";
    }
    out += "  } catch (e) {\n"
           "    [threw, thrown] = [true, e];\n"
           "  }\n";
    if (value.pollutes)
        out += "  restoreObjectPrototype(objectPrototype); // it was changed: put it back before reading the "
               "result\n";
    if (channel)
        out += "  if (!threw) {\n"
               "    const event = await delivered;\n"
               "    result = event.data;\n"
               "    if (event.error) [threw, error] = [true, { name: event.error, domException: false }];\n"
               "  }\n";

    std::string fields = "threw, thrown, result";
    if (channel)
        fields += ", error";
    if (!value.thrown_by_getters.empty()) {
        std::string list;
        for (auto const& t : value.thrown_by_getters)
            list += (list.empty() ? "" : ", ") + t;
        fields += ", thrownByGetters: [" + list + "]";
    }
    if (value.getters)
        fields += ", getterCalls: log";
    if (value.inputs != "[]")
        fields += ", inputs: " + value.inputs;
    if (value.input_ports != "[]")
        fields += ", inputPorts: " + value.input_ports;
    if (value.regexps != "[]")
        fields += ", regexps: " + value.regexps;
    out += "  // What happened, read by this file's own code (below) as a pmconf Observation.\n"
           "  report(await observe({ "
        + fields + " }));\n";
    return out;
}

std::string restore_object_prototype_code()
{
    return "function restoreObjectPrototype(was) {\n"
           "  for (const key of Reflect.ownKeys(Object.prototype)) if (!Object.hasOwn(was, key)) delete "
           "Object.prototype[key];\n"
           "  for (const key of Reflect.ownKeys(was)) Object.defineProperty(Object.prototype, key, "
           "was[key]);\n"
           "}\n";
}

} // namespace pmconf::reports::reproducer
