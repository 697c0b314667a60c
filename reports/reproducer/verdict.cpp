#include "reports/reproducer/verdict.h"

#include "conformance/protocol/codec.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <optional>

namespace pmconf::reports::reproducer {

using namespace conformance;
using model::web_messaging::EventTargetName;
using model::web_messaging::ObservedEvent;
using json = nlohmann::json;

namespace {

    std::string dump(json const& j)
    {
        return j.dump(-1, ' ', true, json::error_handler_t::replace);
    }

    // The deep equality the reproducer's `same` has (key order does not matter).
    constexpr std::string_view same_code
        = "function same(a, b) {\n"
          "  if (Object(a) !== a || Object(b) !== b) return Object.is(a, b);\n"
          "  const keys = Object.keys(a);\n"
          "  return keys.length === Object.keys(b).length && keys.every(k => Object.hasOwn(b, k) && "
          "same(a[k], b[k]));\n"
          "}\n";

    // --- A result node's part: the same in C++ (the spec's, from the encoded model Observation) and
    // in JavaScript (what happened, from the reproducer's own Observation).

    json field_default(std::string const& f)
    {
        if (f == "detached")
            return false;
        if (f == "props" || f == "mapEntries" || f == "setEntries")
            return json::array();
        return nullptr;
    }

    json node_part(json const& n, std::vector<std::string> const& fields, json const& keep)
    {
        json part = json::object();
        for (auto const& f : fields) {
            if (f != "props") {
                part[f] = n.contains(f) ? n[f] : field_default(f);
                continue;
            }
            json props = json::array();
            for (auto const& p : n.value("props", json::array())) {
                bool const kept = keep.is_null() || p.contains("symbol")
                    || std::any_of(keep.begin(), keep.end(),
                        [&](json const& k) { return p.contains("key") && k == p["key"]; });
                if (kept)
                    props.push_back(
                        json::array({ p.value("symbol", json(nullptr)), p.value("key", json(nullptr)),
                            p.contains("getter") ? json { { "accessor", true } }
                                                 : p.value("value", json(nullptr)),
                            p.value("enumerable", true) }));
            }
            part[f] = props;
        }
        return fields.size() == 1 ? part[fields[0]] : part;
    }

    constexpr std::string_view props_code
        = "// A result node's own properties as [symbol, key, value, enumerable]; on an Error or "
          "DOMException\n"
          "// only those `keep` names (the rest is data the spec leaves to implementations).\n"
          "function propsOf(n, keep) {\n"
          "  return n ? (n.props ?? []).filter(p => !keep || p.symbol !== undefined || keep.some(k => "
          "same(k, p.key)))\n"
          "    .map(p => [p.symbol ?? null, p.key ?? null, 'getter' in p ? { accessor: true } : p.value ?? "
          "null, p.enumerable !== false]) : null;\n"
          "}\n";

    // Which fields of a node a difference at `what` is about (compare.cpp's compare_nodes).
    std::vector<std::string> fields_for(std::string const& what, NodeKind kind)
    {
        if (what == "length")
            return { kind == NodeKind::array ? "arrayLength" : "length" };
        if (what == "constructor")
            return { "viewType" };
        if (what == "prototype")
            return { "errorPrototype" };
        if (what == "port")
            return { "portId" };
        if (what == "name-message")
            return { "name", "message" };
        if (what == "size" && kind == NodeKind::image_bitmap)
            return { "width", "height" };
        if (what == "size" || what == "entry")
            return { kind == NodeKind::set ? "setEntries" : "mapEntries" };
        if (what == "properties" || what == "value" || what == "enumerable")
            return { "props" };
        return { what }; // kind, primitive, date, source, flags, lastIndex, detached, byteLength,
                         // maxByteLength, bytes, byteOffset, buffer
    }

    // --- Operation sequences.

    json target_json(EventTargetName const& t)
    {
        switch (t.kind) {
        case EventTargetName::Kind::port:
            return { { "port", { t.port.op, t.port.index } } };
        case EventTargetName::Kind::broadcast_channel:
            return { { "broadcast", t.id } };
        case EventTargetName::Kind::container:
            return { { "client", t.id } };
        case EventTargetName::Kind::worker:
            return { { "worker", t.id } };
        case EventTargetName::Kind::worker_global:
            return { { "workerGlobal", t.id } };
        case EventTargetName::Kind::service_worker_global:
            return { { "serviceWorker", 0 } };
        }
        return nullptr;
    }

    json event_json(ObservedEvent const& e)
    {
        if (e.type != "message")
            return json::array({ e.type });
        json ports = json::array();
        for (auto const& p : e.ports)
            ports.push_back({ p.op, p.index });
        return json::array({ e.type, e.message, ports });
    }

    using Events = std::map<EventTargetName, std::vector<ObservedEvent const*>>;

    Events events_by_target(Observation const& o)
    {
        Events out;
        for (auto const& e : o.events)
            if (!e.optional)
                out[e.target].push_back(&e);
        return out;
    }

    std::string event_key(ObservedEvent const& e)
    {
        return e.type + (e.type == "message" ? ":" + std::to_string(e.message) : "");
    }

    // The target whose events the difference is about: the first, in the comparator's order, that
    // shows this kind of difference (a missing event, an extra one, another order, other ports).
    std::optional<EventTargetName> events_target(
        Observation const& reference, Observation const& observed, std::string const& how)
    {
        auto const want = events_by_target(reference), got = events_by_target(observed);
        std::vector<EventTargetName> targets;
        for (auto const* m : { &want, &got })
            for (auto const& [t, _] : *m)
                if (std::find(targets.begin(), targets.end(), t) == targets.end())
                    targets.push_back(t);
        std::sort(targets.begin(), targets.end());
        auto const at = [](Events const& m, EventTargetName const& t) {
            auto const it = m.find(t);
            return it == m.end() ? std::vector<ObservedEvent const*> {} : it->second;
        };
        auto const unmatched
            = [](std::vector<ObservedEvent const*> const& from, std::vector<ObservedEvent const*> const& in) {
                  std::map<std::string, int> available;
                  for (auto const* e : in)
                      ++available[event_key(*e)];
                  for (auto const* e : from)
                      if (available[event_key(*e)]-- <= 0)
                          return true;
                  return false;
              };
        auto const same_keys
            = [](std::vector<ObservedEvent const*> const& w, std::vector<ObservedEvent const*> const& g) {
                  return std::equal(w.begin(), w.end(), g.begin(), g.end(),
                      [](auto const* a, auto const* b) { return event_key(*a) == event_key(*b); });
              };
        auto const same_ports
            = [](std::vector<ObservedEvent const*> const& w, std::vector<ObservedEvent const*> const& g) {
                  return std::equal(w.begin(), w.end(), g.begin(), g.end(), [](auto const* a, auto const* b) {
                      return event_key(*a) == event_key(*b) && a->ports == b->ports;
                  });
              };
        // The comparator looks for each kind in turn over every target, so when it names one kind,
        // no target shows the kinds before it.
        for (auto const& t : targets) {
            auto const w = at(want, t), g = at(got, t);
            bool const shows = how == "missing" ? unmatched(w, g)
                : how == "extra"                ? unmatched(g, w)
                : how == "order"                ? !same_keys(w, g)
                                                : !same_ports(w, g);
            if (shows)
                return t;
        }
        return std::nullopt;
    }

    std::string outcome_text(model::web_messaging::OperationOutcome const& r)
    {
        return r.skipped ? "skipped" : r.threw ? "threw " + r.error : "returned";
    }

} // namespace

Verdict verdict(
    Scenario const& scenario, Observation const& reference, Difference const& d, Observation const& observed)
{
    Verdict v;
    json allowed = json::array();
    std::string seen;
    std::string helpers(same_code);

    if (scenario.mode == PassMode::operations) {
        // The spec allows several schedules; the comparator reported against the nearest, and the
        // reproducer expects that one (a part of another schedule is no conforming whole).
        auto const& nearest = d.reference_index == 0 || d.reference_index > reference.alternatives.size()
            ? reference
            : reference.alternatives[d.reference_index - 1];
        std::vector<Observation const*> const all { &nearest };
        auto add = [&](json const& value) {
            if (std::find(allowed.begin(), allowed.end(), value) == allowed.end())
                allowed.push_back(value);
        };
        if (d.field == "outcome" && d.where != "count") {
            std::size_t i = 0;
            while (i < nearest.outcomes.size() && i < observed.outcomes.size()
                && nearest.outcomes[i] == observed.outcomes[i])
                ++i;
            for (auto const* a : all)
                add(i < a->outcomes.size() ? outcome_text(a->outcomes[i]) : "skipped");
            auto const op = i < scenario.operations.size()
                ? model::web_messaging::to_string(scenario.operations[i])
                : std::string("?");
            v.aspect = "the outcome of operation " + std::to_string(i) + " (" + op + ")";
            seen = "function seen(o) { const r = o.outcomes[" + std::to_string(i)
                + "]; return !r || r.skipped ? 'skipped' : r.threw ? 'threw ' + r.error : 'returned'; }\n";
        } else if (d.field == "outcome") {
            for (auto const* a : all)
                add(a->outcomes.size());
            v.aspect = "the number of outcomes";
            seen = "function seen(o) { return o.outcomes.length; }\n";
        } else {
            auto const colon = d.where.find(':');
            auto const how = colon == std::string::npos
                ? std::string()
                : d.where.substr(colon + 1, d.where.find(' ', colon) - colon - 1);
            auto const target = events_target(nearest, observed, how);
            if (target) {
                for (auto const* a : all) {
                    json list = json::array();
                    for (auto const& e : a->events)
                        if (!e.optional && e.target == *target)
                            list.push_back(event_json(e));
                    add(list);
                }
                v.aspect = "the events at " + model::web_messaging::to_string(*target)
                    + ", in order ([type, message, ports])";
                seen = "function seen(o) { return o.events.filter(e => same(e.target, "
                    + dump(target_json(*target))
                    + ")).map(e => (e.type === 'message' ? [e.type, e.message, e.ports ?? []] : [e.type])); "
                      "}\n";
            } else { // not found again: every event
                for (auto const* a : all) {
                    json list = json::array();
                    for (auto const& e : a->events)
                        if (!e.optional)
                            list.push_back(json::array({ target_json(e.target), event_json(e) }));
                    add(list);
                }
                v.aspect = "every event, in order";
                seen = "function seen(o) { return o.events.map(e => [e.target, e.type === 'message' ? "
                       "[e.type, e.message, e.ports ?? []] : [e.type]]); }\n";
            }
        }
        v.spec = dump(allowed);
        v.seen = seen + helpers;
        return v;
    }

    json const spec = json::parse(protocol::encode_observation(reference));
    json value;
    if (d.field == "outcome") {
        value = reference.threw;
        v.aspect = "whether the call throws";
        seen = "function seen(o) { return o.threw; }\n";
    } else if (d.field == "error-name") {
        value = reference.error_name;
        v.aspect = "the name of what the call throws";
        seen = "function seen(o) { return o.threw ? o.error.name : null; }\n";
    } else if (d.field == "error-type") {
        value = reference.error_is_dom_exception;
        v.aspect = "whether what the call throws is a DOMException";
        seen = "function seen(o) { return o.threw ? o.error.domException === true : null; }\n";
    } else if (d.field == "thrown-value") {
        value = spec.value("thrownValue", json(nullptr));
        v.aspect = "the value the call throws (a getter's)";
        seen = "function seen(o) { return o.threw ? o.thrownValue ?? null : null; }\n";
    } else if (d.field == "result" && d.where == "root") {
        value = spec["result"]["root"];
        v.aspect = "the result's root value";
        seen = "function seen(o) { return o.threw ? null : o.result.root; }\n";
    } else if (d.field == "result" && (d.where == "node-count" || d.where.empty() || d.where[0] != '#')) {
        value = reference.result.nodes.size();
        v.aspect = "the number of distinct objects in the result";
        seen = "function seen(o) { return o.threw ? null : o.result.nodes.length; }\n";
    } else if (d.field == "result") {
        auto const dot = d.where.find('.');
        auto const index = static_cast<std::size_t>(std::stoul(d.where.substr(1, dot - 1)));
        auto const what = dot == std::string::npos ? std::string("kind") : d.where.substr(dot + 1);
        auto const& node = index < reference.result.nodes.size() ? reference.result.nodes[index] : Node {};
        auto const fields = fields_for(what, node.kind);
        json keep = nullptr;
        if ((node.kind == NodeKind::error || node.kind == NodeKind::dom_exception)
            && fields == std::vector<std::string> { "props" }) {
            keep = json::array({ "message", "name" });
            for (auto const& p : spec["result"]["nodes"][index].value("props", json::array()))
                if (p.contains("key"))
                    keep.push_back(p["key"]);
        }
        value = index < spec["result"]["nodes"].size()
            ? node_part(spec["result"]["nodes"][index], fields, keep)
            : json(nullptr);
        v.aspect = "result " + d.where + " (the result's node #" + std::to_string(index) + ": " + [&] {
            std::string s;
            for (auto const& f : fields)
                s += (s.empty() ? "" : ", ") + f;
            return s;
        }() + ")";
        auto const node_js = "o.result.nodes[" + std::to_string(index) + "]";
        if (fields == std::vector<std::string> { "props" }) {
            seen = "function seen(o) { return o.threw ? null : propsOf(" + node_js + ", " + dump(keep)
                + "); }\n";
            helpers += props_code;
        } else if (fields.size() == 1) {
            seen = "function seen(o) { return o.threw ? null : " + node_js + "?." + fields[0] + " ?? "
                + dump(field_default(fields[0])) + "; }\n";
        } else {
            std::string object;
            for (auto const& f : fields)
                object += (object.empty() ? "" : ", ") + f + ": n." + f + " ?? " + dump(field_default(f));
            seen = "function seen(o) { const n = o.threw ? null : " + node_js + "; return n ? { " + object
                + " } : null; }\n";
        }
    } else if (d.field == "transferables" && d.where.size() > 1 && d.where[0] == '#') {
        auto const node = static_cast<std::uint32_t>(std::stoul(d.where.substr(1)));
        value = nullptr;
        for (auto const& t : reference.transferables)
            if (t.node == node)
                value = { { "detached", t.detached }, { "byteLength", t.byte_length } };
        v.aspect = "input #" + std::to_string(node) + " after the call (detached, byteLength)";
        seen = "function seen(o) { const t = (o.transferables ?? []).find(t => t.node === "
            + std::to_string(node)
            + "); return t ? { detached: t.detached ?? false, byteLength: t.byteLength ?? 0 } : null; }\n";
    } else if (d.field
        == "transferables") { // their number, or some detached although the call threw: every state
        value = json::array();
        for (auto const& t : reference.transferables)
            value.push_back(
                { { "node", t.node }, { "detached", t.detached }, { "byteLength", t.byte_length } });
        v.aspect = "every input buffer, port and bitmap after the call (node, detached, byteLength)";
        seen = "function seen(o) { return (o.transferables ?? []).map(t => ({ node: t.node, detached: "
               "t.detached ?? false, byteLength: t.byteLength ?? 0 })); }\n";
    } else { // getter-calls
        value = reference.getter_calls;
        v.aspect = "the getters called, in order (their labels)";
        seen = "function seen(o) { return o.getterCalls ?? []; }\n";
    }
    allowed.push_back(value);
    v.spec = dump(allowed);
    v.seen = seen + helpers;
    return v;
}

} // namespace pmconf::reports::reproducer
