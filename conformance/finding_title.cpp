#include "conformance/finding_title.h"

#include "spec/catalogue.h"

#include <algorithm>
#include <cctype>

namespace pmconf::conformance {

namespace {

using OpKind = model::web_messaging::Operation::Kind;

char const* api_name(OpKind kind)
{
    switch (kind) {
    case OpKind::new_channel: return "new MessageChannel()";
    case OpKind::port_post: return "MessagePort.postMessage()";
    case OpKind::port_start: return "MessagePort.start()";
    case OpKind::port_set_onmessage: return "setting MessagePort.onmessage";
    case OpKind::port_add_listener: return "MessagePort.addEventListener()";
    case OpKind::port_close: return "MessagePort.close()";
    case OpKind::new_broadcast: return "new BroadcastChannel()";
    case OpKind::broadcast_post: return "BroadcastChannel.postMessage()";
    case OpKind::broadcast_close: return "BroadcastChannel.close()";
    case OpKind::client_post: return "Client.postMessage()";
    case OpKind::client_gone: return "a client going away";
    case OpKind::container_start: return "ServiceWorkerContainer.startMessages()";
    case OpKind::container_set_onmessage: return "setting ServiceWorkerContainer.onmessage";
    case OpKind::container_add_listener: return "ServiceWorkerContainer.addEventListener()";
    case OpKind::document_parsed: return "the end of parsing";
    case OpKind::run_event_loops: return "running the event loops";
    case OpKind::new_worker: return "new Worker()";
    case OpKind::worker_runs: return "the worker starting to run";
    case OpKind::worker_post: return "Worker.postMessage()";
    case OpKind::worker_global_post: return "postMessage() in the worker";
    case OpKind::service_worker_listens: return "the service worker's message listener";
    case OpKind::service_worker_post: return "ServiceWorker.postMessage()";
    }
    return "an operation";
}

// The catalogue's summary of the step, first letter lowercased: ": only buffers ...".
std::string step_words(std::string const& id)
{
    auto const step = spec::find_step(id);
    if (!step)
        return { };
    std::string s(spec::step_info(*step).summary);
    if (s.size() > 1 && std::isupper(static_cast<unsigned char>(s[0])) && !std::isupper(static_cast<unsigned char>(s[1])))
        s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
    return s.empty() ? s : ": " + s;
}

// "a thrown DataCloneError" -> "DataCloneError"; "threw TypeError (operation 3)" -> "TypeError".
std::string error_of(std::string text)
{
    for (std::string const prefix : { "a thrown ", "threw " })
        if (text.starts_with(prefix))
            text = text.substr(prefix.size());
    if (auto const paren = text.find(" (operation "); paren != std::string::npos)
        text = text.substr(0, paren);
    return text;
}

// "user value" is the protocol's name for a value the Scenario's own getter threw.
std::string error_words(std::string const& name) { return name == "user value" ? "the value a getter threw" : name; }

} // namespace

std::string process_failure(std::string const& observed)
{
    // "a thrown (the IUT process was killed by signal 6 (SIGABRT))" / "(the IUT hung: ...)"
    auto const e = error_of(observed);
    if (e.find("(the IUT hung") != std::string::npos)
        return "hangs";
    if (auto const at = e.find("(the IUT process "); at != std::string::npos)
        return "crashes (the process " + e.substr(at + 17, e.size() - at - 18) + ")";
    return { };
}

std::string call_name(Difference const& d, Scenario const& s)
{
    if (s.mode == PassMode::operations) {
        auto const at = d.expected.find("(operation ");
        if (at != std::string::npos) {
            auto const i = static_cast<std::size_t>(std::stoul(d.expected.substr(at + 11)));
            if (i < s.operations.size())
                return api_name(s.operations[i].kind);
        }
        return "the call";
    }
    if (s.mode == PassMode::message_channel)
        return "MessagePort.postMessage()";
    if (s.mode == PassMode::structured_clone)
        return "structuredClone()";
    return "the call";
}

std::string thrown_name(std::string const& text)
{
    if (text.starts_with("skipped") || text.starts_with("returned") || text == "a returned value" || !process_failure(text).empty())
        return { };
    if (!text.starts_with("threw ") && !text.starts_with("a thrown "))
        return { };
    return error_of(text);
}

namespace {

std::string outcome_title(Difference const& d, Scenario const& s)
{
    auto const api = call_name(d, s);
    auto const did = [&](std::string const& text) -> std::string {
        if (text.starts_with("skipped"))
            return "cannot be run (what it names does not exist there)";
        if (auto failure = process_failure(text); !failure.empty())
            return failure;
        if (text.starts_with("returned") || text == "a returned value")
            return "returns";
        return "throws " + error_words(error_of(text));
    };
    auto const want = [&](std::string const& text) -> std::string {
        if (text.starts_with("skipped"))
            return "cannot run it (what it names does not exist)";
        if (text.starts_with("returned") || text == "a returned value")
            return "returns";
        return "throws " + error_words(error_of(text));
    };
    return api + " " + did(d.observed) + " where the spec " + want(d.expected);
}

std::string getter_title(Difference const& d)
{
    auto const calls = [](std::string const& text) {
        std::vector<std::string> out;
        if (text == "none")
            return out;
        std::size_t p = 0;
        while (p <= text.size()) {
            auto const comma = text.find(", ", p);
            out.push_back(text.substr(p, comma == std::string::npos ? std::string::npos : comma - p));
            if (comma == std::string::npos)
                break;
            p = comma + 2;
        }
        return out;
    };
    auto want = calls(d.expected);
    auto got = calls(d.observed);
    auto a = want, b = got;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    if (a == b)
        return "getters called in another order than the spec's (" + d.observed + " instead of " + d.expected + ")";
    bool const all_there = std::includes(b.begin(), b.end(), a.begin(), a.end());
    if (all_there) {
        bool const repeated = std::adjacent_find(b.begin(), b.end()) != b.end() && std::includes(a.begin(), a.end(), b.begin(), std::unique(b.begin(), b.end()));
        return repeated ? "a getter called more often than the spec calls it (" + d.observed + " instead of " + d.expected + ")"
                        : "a getter called that the spec does not call (" + d.observed + " instead of " + d.expected + ")";
    }
    if (std::includes(a.begin(), a.end(), b.begin(), b.end()))
        return "a getter the spec calls is not called (" + d.observed + " instead of " + d.expected + ")";
    return "other getters called than the spec's (" + d.observed + " instead of " + d.expected + ")";
}

std::string result_title(Difference const& d)
{
    if (d.where == "root")
        return "the clone is " + d.observed + " where the spec gives " + d.expected;
    if (d.where == "node-count")
        return "the clone has " + d.observed + " where the spec gives " + d.expected + " (sharing or cycles not kept)";
    auto const dot = d.where.find('.');
    auto const what = dot == std::string::npos ? d.where : d.where.substr(dot + 1);
    if (what == "kind")
        return "a " + d.expected + " comes back as " + d.observed;
    if (what == "properties")
        return "the clone's own properties differ: " + d.observed + " where the spec gives " + d.expected;
    if (what == "enumerable")
        return "a cloned property is " + d.observed + " where the spec gives " + d.expected;
    if (what == "value") {
        // expected: "<key>: <value>"
        auto const colon = d.expected.rfind(": ");
        if (colon != std::string::npos)
            return "the clone's property " + d.expected.substr(0, colon) + " is " + d.observed + " where the spec gives "
                + d.expected.substr(colon + 2);
        return "a cloned property is " + d.observed + " where the spec gives " + d.expected;
    }
    if (what == "bytes")
        return "a cloned buffer holds other bytes than the original";
    return "the clone's " + what + " is " + d.observed + " where the spec gives " + d.expected;
}

std::string transferables_title(Difference const& d)
{
    if (d.where == "detached-although-thrown")
        return "a transfer-list entry is detached although the call throws before anything is transferred";
    if (d.expected == "detached")
        return d.step.starts_with("html:structuredserializewithtransfer:5.") ? "an entry before the one that fails is left attached"
                                                                             : "a transfer-list entry is left attached";
    if (d.expected == "not detached")
        return "an object is detached that the spec leaves attached";
    return "transferables: " + d.observed + " where the spec gives " + d.expected;
}

std::string events_title(Difference const& d)
{
    // where: "<target kind>:<missing|extra|order|ports>[ <type>]"
    auto const colon = d.where.find(':');
    auto const target = d.where.substr(0, colon);
    auto rest = colon == std::string::npos ? std::string() : d.where.substr(colon + 1);
    auto const space = rest.find(' ');
    auto const how = rest.substr(0, space);
    auto const type = space == std::string::npos ? std::string("events") : rest.substr(space + 1);
    std::string const at = target == "port" ? "a port" : target == "broadcast" ? "a BroadcastChannel" : target == "client" ? "a client's ServiceWorkerContainer"
        : target == "worker" ? "the Worker" : target == "worker-global" ? "the worker's global" : target == "service-worker" ? "the service worker" : target;
    if (how == "missing")
        return "no " + type + " event at " + at + " where the spec fires one";
    if (how == "extra")
        return "a " + type + " event at " + at + " that the spec does not fire";
    if (how == "order")
        return "events at " + at + " in another order than the spec's";
    if (how == "ports")
        return "a message event at " + at + " with other ports than the spec's";
    return "events at " + at + " differ";
}

} // namespace

std::string finding_title(Difference const& d, Scenario const& s)
{
    std::string t;
    if (d.field == "outcome" && d.where == "count")
        t = "another number of operation outcomes than operations";
    else if (d.field == "outcome")
        t = outcome_title(d, s);
    else if (d.field == "error-name" && !process_failure(d.observed).empty())
        t = outcome_title(d, s);
    else if (d.field == "error-name")
        t = error_words(d.observed) + " instead of " + error_words(d.expected);
    else if (d.field == "error-type")
        t = "the thrown error is " + d.observed + " where the spec throws " + d.expected;
    else if (d.field == "thrown-value")
        t = "throws " + d.observed + " where the spec rethrows the getter's " + d.expected;
    else if (d.field == "result")
        t = result_title(d);
    else if (d.field == "transferables")
        t = transferables_title(d);
    else if (d.field == "getter-calls")
        t = getter_title(d);
    else if (d.field == "events")
        t = events_title(d);
    else
        t = d.field + ": " + d.observed + " where the spec gives " + d.expected;
    t += step_words(d.step);
    if (d.kind() == FindingKind::spec_question)
        t = "spec question: " + t;
    // One line, at most ~200 characters (a testcase name).
    std::replace_if(t.begin(), t.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
    if (t.size() > 200) {
        std::size_t cut = 197;
        while (cut > 0 && (static_cast<unsigned char>(t[cut]) & 0xC0) == 0x80)
            --cut; // not inside a UTF-8 sequence
        t = t.substr(0, cut) + "...";
    }
    return t;
}

} // namespace pmconf::conformance
