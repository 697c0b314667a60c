#include "conformance/compare.h"

#include "conformance/canonical.h"
#include "spec/catalogue.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace pmconf::conformance {

namespace {

// An Error or DOMException may come back with own properties the model does not give it: the
// "interesting accompanying data" that StructuredSerializeInternal 17.7 / StructuredDeserialize
// 21.13 and DOMException's serialization steps leave to implementations (stack, cause, line, ...).
bool may_carry_accompanying_data(NodeKind kind)
{
    return kind == NodeKind::error || kind == NodeKind::dom_exception;
}

std::string kind_path(std::string const& where)
{
    // "#12.kind" -> "kind": the signature must not depend on node numbers.
    auto dot = where.find_first_of(".[");
    return dot == std::string::npos ? where : where.substr(dot);
}

// The step of the model that produced what differs: the StructuredDeserialize branch that
// created a node of this kind, or the step that filled in its entries and properties.
std::string responsible_step(Node const& node, std::string const& what)
{
    std::string const sd = "html:structureddeserialize:";
    if (what == "properties" || what == "value" || what == "enumerable") {
        if (node.kind == NodeKind::error)
            return sd + "21.11";
        return "html:structuredserializeinternal:26.4";
    }
    if (what == "entry" || what == "size")
        return sd + (node.kind == NodeKind::map ? "24.1.1.3" : "24.2.1.2");
    switch (node.kind) {
    case NodeKind::object: return sd + "20.1";
    case NodeKind::array: return sd + "19.2";
    case NodeKind::boolean_object: return sd + "6";
    case NodeKind::number_object: return sd + "7";
    case NodeKind::bigint_object: return sd + "8";
    case NodeKind::string_object: return sd + "9";
    case NodeKind::date: return sd + "10";
    case NodeKind::regexp: return sd + "11";
    case NodeKind::shared_array_buffer: return sd + (node.max_byte_length ? "13.2" : "12.2");
    case NodeKind::array_buffer: return sd + (node.max_byte_length ? "15" : "14");
    case NodeKind::typed_array: return sd + "16.3";
    case NodeKind::data_view: return sd + "16.2";
    case NodeKind::map: return sd + "17.1";
    case NodeKind::set: return sd + "18.1";
    case NodeKind::error: return sd + (what == "prototype" ? "21.1" : "21.9");
    case NodeKind::message_port: return "html:structureddeserializewithtransfer:3.4.4";
    case NodeKind::image_bitmap:
    case NodeKind::dom_exception: return sd + "24.4.1";
    default: return "";
    }
}

std::uint64_t view_element_size(std::string const& type)
{
    if (type == "DataView" || type == "Int8Array" || type == "Uint8Array" || type == "Uint8ClampedArray")
        return 1;
    if (type == "Int16Array" || type == "Uint16Array" || type == "Float16Array")
        return 2;
    if (type == "Int32Array" || type == "Uint32Array" || type == "Float32Array")
        return 4;
    return 8;
}

// A length-tracking view and a fixed-length one that no reachable buffer length tells apart are
// the same to JavaScript: the tracking view's length is *fixed* now and stays so (the buffer
// cannot grow past another element, nor shrink, for a growable SharedArrayBuffer, or shrink a
// non-empty fixed view out of bounds, for a resizable ArrayBuffer).
bool indistinguishable_view_lengths(Node const& view, Graph const& graph, std::uint64_t fixed)
{
    if (view.buffer >= graph.nodes.size())
        return false;
    auto const& buffer = graph.nodes[view.buffer];
    if (!buffer.max_byte_length || buffer.detached)
        return false;
    auto const size = view_element_size(view.view_type);
    auto const o = view.byte_offset;
    if (buffer.byte_length < o || (buffer.byte_length - o) / size != fixed)
        return false;
    if (*buffer.max_byte_length >= o + (fixed + 1) * size)
        return false; // growing tells them apart
    return buffer.kind == NodeKind::shared_array_buffer || fixed == 0; // a resizable ArrayBuffer can shrink
}

bool same_view_length(Node const& a, Graph const& ga, Node const& b, Graph const& gb)
{
    if (a.length == b.length)
        return true;
    if (!a.length)
        return indistinguishable_view_lengths(a, ga, *b.length);
    if (!b.length)
        return indistinguishable_view_lengths(b, gb, *a.length);
    return false;
}

std::optional<Difference> compare_nodes(Graph const& ga, Graph const& gb, std::size_t index, Choices* choices)
{
    Node const& a = ga.nodes[index];
    Node const& b = gb.nodes[index];
    std::string const at = "#" + std::to_string(index);
    auto diff = [&](std::string what, std::string expected, std::string observed) {
        auto step = responsible_step(a, what);
        return Difference { "result", at + "." + what, std::move(expected), std::move(observed), std::move(step) };
    };
    if (a.kind != b.kind)
        return diff("kind", node_kind_name(a.kind), node_kind_name(b.kind));
    if (a.kind == NodeKind::array && a.array_length != b.array_length)
        return diff("length", std::to_string(a.array_length), std::to_string(b.array_length));
    if (!same_value(a.primitive, b.primitive))
        return diff("primitive", to_display(a.primitive), to_display(b.primitive));
    if (a.kind == NodeKind::date && !same_value(a.date_value, b.date_value))
        return diff("date", to_display(GValue(a.date_value)), to_display(GValue(b.date_value)));
    if (a.kind == NodeKind::regexp) {
        if (a.source != b.source)
            return diff("source", utf16_to_display(a.source), utf16_to_display(b.source));
        if (a.flags != b.flags)
            return diff("flags", "\"" + a.flags + "\"", "\"" + b.flags + "\"");
        if (!same_value(a.last_index, b.last_index))
            return diff("lastIndex", to_display(GValue(a.last_index)), to_display(GValue(b.last_index)));
    }
    if (a.kind == NodeKind::array_buffer || a.kind == NodeKind::shared_array_buffer) {
        if (a.detached != b.detached)
            return diff("detached", a.detached ? "true" : "false", b.detached ? "true" : "false");
        if (a.byte_length != b.byte_length)
            return diff("byteLength", std::to_string(a.byte_length), std::to_string(b.byte_length));
        if (a.max_byte_length != b.max_byte_length)
            return diff("maxByteLength", a.max_byte_length ? std::to_string(*a.max_byte_length) : "fixed-length",
                b.max_byte_length ? std::to_string(*b.max_byte_length) : "fixed-length");
        if (a.bytes != b.bytes)
            return diff("bytes", "the original bytes", "other bytes");
    }
    if (a.kind == NodeKind::typed_array || a.kind == NodeKind::data_view) {
        if (a.view_type != b.view_type)
            return diff("constructor", a.view_type, b.view_type);
        if (a.byte_offset != b.byte_offset)
            return diff("byteOffset", std::to_string(a.byte_offset), std::to_string(b.byte_offset));
        if (!same_view_length(a, ga, b, gb))
            return diff("length", a.length ? std::to_string(*a.length) : "length-tracking",
                b.length ? std::to_string(*b.length) : "length-tracking");
        if (a.buffer != b.buffer)
            return diff("buffer", "#" + std::to_string(a.buffer), "#" + std::to_string(b.buffer));
    }
    if (a.kind == NodeKind::error && a.error_prototype != b.error_prototype)
        return diff("prototype", a.error_prototype, b.error_prototype);
    if ((a.kind == NodeKind::message_port || a.kind == NodeKind::image_bitmap) && a.detached != b.detached)
        return diff("detached", a.detached ? "true" : "false", b.detached ? "true" : "false");
    if (a.kind == NodeKind::message_port && a.port_id != b.port_id)
        return diff("port", std::to_string(a.port_id), std::to_string(b.port_id));
    if (a.kind == NodeKind::image_bitmap && (a.width != b.width || a.height != b.height))
        return diff("size", std::to_string(a.width) + "x" + std::to_string(a.height), std::to_string(b.width) + "x" + std::to_string(b.height));
    if (a.kind == NodeKind::dom_exception && (a.name != b.name || a.message != b.message))
        return diff("name-message", utf16_to_display(a.name) + " " + utf16_to_display(a.message),
            utf16_to_display(b.name) + " " + utf16_to_display(b.message));
    if (a.map_entries.size() != b.map_entries.size())
        return diff("size", std::to_string(a.map_entries.size()), std::to_string(b.map_entries.size()));
    for (std::size_t i = 0; i < a.map_entries.size(); ++i)
        if (!same_value(a.map_entries[i].first, b.map_entries[i].first) || !same_value(a.map_entries[i].second, b.map_entries[i].second))
            return diff("entry", to_display(a.map_entries[i].first) + " => " + to_display(a.map_entries[i].second),
                to_display(b.map_entries[i].first) + " => " + to_display(b.map_entries[i].second));
    if (a.set_entries.size() != b.set_entries.size())
        return diff("size", std::to_string(a.set_entries.size()), std::to_string(b.set_entries.size()));
    for (std::size_t i = 0; i < a.set_entries.size(); ++i)
        if (!same_value(a.set_entries[i], b.set_entries[i]))
            return diff("entry", to_display(a.set_entries[i]), to_display(b.set_entries[i]));

    // Own properties, in order. On errors, implementation-defined extras are skipped.
    std::vector<Property const*> pa, pb;
    for (auto const& p : a.properties)
        pa.push_back(&p);
    for (auto const& p : b.properties) {
        // The spec decides "message" (and "name") itself: those are never accompanying data.
        bool const extra = may_carry_accompanying_data(a.kind) && !p.symbol && p.key != u"message" && p.key != u"name"
            && std::none_of(a.properties.begin(), a.properties.end(),
                [&](Property const& q) { return q.key == p.key && q.symbol.has_value() == p.symbol.has_value(); });
        if (!extra)
            pb.push_back(&p);
        else if (choices)
            choices->insert(std::string(node_kind_name(a.kind)) + " clones carry the own property "
                + (p.symbol ? std::string("(a symbol)") : utf16_to_display(p.key)) + (p.enumerable ? "" : " (not enumerable)"));
    }
    if (choices && a.kind == NodeKind::error)
        choices->insert(b.stack.empty() ? "Error clones have no stack string" : "Error clones have a stack string");
    for (std::size_t i = 0; i < std::max(pa.size(), pb.size()); ++i) {
        if (i >= pb.size())
            return diff("properties", "property " + utf16_to_display(pa[i]->key), "no such property");
        if (i >= pa.size())
            return diff("properties", "no more properties", "property " + utf16_to_display(pb[i]->key));
        auto const& x = *pa[i];
        auto const& y = *pb[i];
        if (x.key != y.key || x.symbol != y.symbol)
            return diff("properties", "property " + utf16_to_display(x.key), "property " + utf16_to_display(y.key));
        if (x.enumerable != y.enumerable)
            return diff("enumerable", utf16_to_display(x.key) + (x.enumerable ? " enumerable" : " not enumerable"),
                y.enumerable ? "enumerable" : "not enumerable");
        if (!same_value(x.value, y.value))
            return diff("value", utf16_to_display(x.key) + ": " + to_display(x.value), to_display(y.value));
    }
    return std::nullopt;
}

} // namespace

char const* finding_kind_name(FindingKind kind) { return kind == FindingKind::deviation ? "deviation" : "spec question"; }

std::string spec_question_text(std::string const& step_id)
{
    auto const step = spec::find_step(step_id);
    if (!step)
        return { };
    auto const& info = spec::step_info(*step);
    if (info.question.empty())
        return { };
    return (info.issue.empty() ? std::string("no issue filed") : std::string(info.issue)) + ": " + std::string(info.question);
}

std::string Difference::signature() const
{
    std::string s = field;
    if (!where.empty())
        s += ":" + kind_path(where);
    if (!step.empty())
        s += "@" + step;
    for (auto const& q : spec_questions)
        s += "?" + q;
    return s;
}

std::string Difference::summary() const
{
    std::string s = field;
    if (!where.empty())
        s += " at " + where;
    s += ": the spec gives " + expected + ", the implementation gave " + observed;
    if (!step.empty())
        s += " (spec step " + step + ")";
    for (auto const& q : spec_questions)
        s += "; this rests on a text in question (" + q + ", " + spec_question_text(q) + ")";
    return s;
}

namespace {

using model::web_messaging::EventTargetName;
using model::web_messaging::ObservedEvent;

char const* target_kind(EventTargetName const& t)
{
    switch (t.kind) {
    case EventTargetName::Kind::port: return "port";
    case EventTargetName::Kind::broadcast_channel: return "broadcast";
    case EventTargetName::Kind::container: return "client";
    case EventTargetName::Kind::worker: return "worker";
    case EventTargetName::Kind::worker_global: return "worker-global";
    case EventTargetName::Kind::service_worker_global: return "service-worker";
    }
    return "?";
}

// The step that fires an event of this kind at this kind of target: the step whose outcome the
// event is.
std::string firing_step(ObservedEvent const& e)
{
    bool const error = e.type == "messageerror";
    if (e.type == "close")
        return "html:disentangle:4";
    switch (e.target.kind) {
    case EventTargetName::Kind::worker:
    case EventTargetName::Kind::worker_global:
    case EventTargetName::Kind::port: return error ? "html:message-port-post-message-steps:7.4/catch" : "html:message-port-post-message-steps:7.7";
    case EventTargetName::Kind::broadcast_channel: return error ? "html:dom-broadcastchannel-postmessage:9.3/catch" : "html:dom-broadcastchannel-postmessage:9.4";
    case EventTargetName::Kind::container: return error ? "service-workers:client-postmessage-options:4.5.3/catch" : "service-workers:client-postmessage-options:4.5.6";
    case EventTargetName::Kind::service_worker_global: return error ? "service-workers:service-worker-postmessage-options:6.2.4/catch" : "service-workers:service-worker-postmessage-options:6.2.6";
    }
    return { };
}

// What the spec fixes about an event: its target, type, message (message events) and ports.
// origin and source are the implementation's context (a runtime has no document origin).
bool same_event(ObservedEvent const& a, ObservedEvent const& b)
{
    return a.target == b.target && a.type == b.type && (a.type != "message" || (a.message == b.message && a.ports == b.ports));
}

std::string outcome_text(model::web_messaging::OperationOutcome const& r)
{
    return r.skipped ? std::string("skipped") : r.threw ? "threw " + r.error : std::string("returned");
}

} // namespace

// Mode operations: outcomes one by one, then the events of each target in order (the order across
// targets belongs to the task sources, which the spec leaves to the implementation).
namespace {

std::string question_step_id(model::web_messaging::SpecQuestion question)
{
    return std::string(spec::step_info(model::web_messaging::question_step(question)).id);
}

Difference with_questions(Difference d, std::vector<model::web_messaging::SpecQuestion> const& questions)
{
    for (auto const q : questions) {
        auto id = question_step_id(q);
        if (std::find(d.spec_questions.begin(), d.spec_questions.end(), id) == d.spec_questions.end())
            d.spec_questions.push_back(std::move(id));
    }
    std::sort(d.spec_questions.begin(), d.spec_questions.end());
    return d;
}

std::optional<Difference> compare_events(Observation const& reference, Observation const& observed, Choices* choices);

std::optional<Difference> compare_one_schedule(Observation const& reference, Observation const& observed, Choices* choices)
{
    for (std::size_t i = 0; i < reference.outcomes.size(); ++i) {
        auto const& want = reference.outcomes[i];
        auto const got = i < observed.outcomes.size() ? observed.outcomes[i] : model::web_messaging::OperationOutcome { false, {}, true, {} };
        if (want == got)
            continue;
        Difference d = with_questions({ "outcome", outcome_text(want) + "->" + outcome_text(got),
                                          outcome_text(want) + " (operation " + std::to_string(i) + ")", outcome_text(got), want.step },
            want.questions);
        // An operation that names what exists on one side only (run on one, skipped on the other)
        // follows from an earlier difference in what was delivered: the events say which, so they
        // come first, and this difference only when they show none.
        if (!want.skipped && !got.skipped)
            return d;
        if (auto e = compare_events(reference, observed, choices))
            return e;
        return d;
    }
    if (observed.outcomes.size() > reference.outcomes.size())
        return Difference { "outcome", "count", std::to_string(reference.outcomes.size()) + " outcomes", std::to_string(observed.outcomes.size()), "" };
    return compare_events(reference, observed, choices);
}

// Each target's events as a whole (compare_one_schedule's second half).
std::optional<Difference> compare_events(Observation const& reference, Observation const& observed, Choices* choices)
{

    // An event is known by its type and, for a message, which message it is.
    auto const key = [](ObservedEvent const& e) { return e.type + (e.type == "message" ? ":" + std::to_string(e.message) : std::string()); };
    std::map<EventTargetName, std::vector<ObservedEvent const*>> want, got;
    for (auto const& e : observed.events)
        got[e.target].push_back(&e);
    // An event the spec lets the user agent skip (Should Skip Event) counts only when given: when
    // the implementation gave more events of its kind at its target than the spec requires (a
    // messageerror does not say which message it was for, so they are counted, not matched).
    // (Counted only when there is such an event: the comparator runs on every case.)
    std::map<std::pair<EventTargetName, std::string>, int> spare;
    if (std::any_of(reference.events.begin(), reference.events.end(), [](ObservedEvent const& e) { return e.optional; })) {
        for (auto const& e : observed.events)
            ++spare[{ e.target, key(e) }];
        for (auto const& e : reference.events)
            if (!e.optional)
                --spare[{ e.target, key(e) }];
    }
    for (auto const& e : reference.events) {
        if (e.optional) {
            bool const given = spare[{ e.target, key(e) }]-- > 0;
            if (choices)
                choices->insert(std::string("a message to a service worker without a message listener at its first run is ")
                    + (given ? "delivered" : "skipped"));
            if (!given)
                continue;
        }
        want[e.target].push_back(&e);
    }
    std::set<EventTargetName> targets;
    for (auto const& [t, _] : want)
        targets.insert(t);
    for (auto const& [t, _] : got)
        targets.insert(t);
    // Each target's events are compared as a whole, so that the kind of difference does not depend
    // on the events around it: first a spec event that is missing (by type and message), then an
    // event the spec does not give, then the same events in another order, then other ports.
    static std::vector<ObservedEvent const*> const none;
    auto const events_at = [&](auto const& map, EventTargetName const& t) -> std::vector<ObservedEvent const*> const& {
        auto const it = map.find(t);
        return it == map.end() ? none : it->second;
    };
    auto const unmatched = [&](std::vector<ObservedEvent const*> const& from, std::vector<ObservedEvent const*> const& in) -> ObservedEvent const* {
        std::map<std::string, int> available;
        for (auto const* e : in)
            ++available[key(*e)];
        for (auto const* e : from)
            if (available[key(*e)]-- <= 0)
                return e;
        return nullptr;
    };
    // A difference about an event that rests on a questioned text (its message, or its target
    // port) says so.
    auto const about = [&](Difference d, ObservedEvent const& e) { return with_questions(std::move(d), reference.questioned.of_event(e)); };
    // Events in another order at a target: any questioned event there may be what moved.
    auto const about_target = [&](Difference d, std::vector<ObservedEvent const*> const& w, std::vector<ObservedEvent const*> const& g) {
        for (auto const* e : w)
            d = about(std::move(d), *e);
        for (auto const* e : g)
            d = about(std::move(d), *e);
        return d;
    };
    for (auto const& target : targets)
        if (auto const* e = unmatched(events_at(want, target), events_at(got, target)))
            return about({ "events", std::string(target_kind(target)) + ":missing " + e->type, to_string(*e), "no such event at " + to_string(target), firing_step(*e) }, *e);
    for (auto const& target : targets)
        if (auto const* e = unmatched(events_at(got, target), events_at(want, target)))
            return about({ "events", std::string(target_kind(target)) + ":extra " + e->type, "no such event at " + to_string(target), to_string(*e), firing_step(*e) }, *e);
    for (auto const& target : targets) {
        auto const& w = events_at(want, target);
        auto const& g = events_at(got, target);
        for (std::size_t i = 0; i < w.size(); ++i)
            if (key(*w[i]) != key(*g[i])) {
                auto d = about_target({ "events", std::string(target_kind(target)) + ":order", to_string(*w[i]) + " as event " + std::to_string(i + 1) + " at " + to_string(target),
                    to_string(*g[i]), firing_step(*w[i]) }, w, g);
                // A close event in another place: when it fires is in question (a task, or inside close()).
                if (w[i]->type == "close" || g[i]->type == "close")
                    d = with_questions(std::move(d), { model::web_messaging::SpecQuestion::close_event_timing });
                return d;
            }
    }
    for (auto const& target : targets) {
        auto const& w = events_at(want, target);
        auto const& g = events_at(got, target);
        for (std::size_t i = 0; i < w.size(); ++i)
            if (!same_event(*w[i], *g[i]))
                return about(about({ "events", std::string(target_kind(target)) + ":ports", to_string(*w[i]), to_string(*g[i]), firing_step(*w[i]) }, *w[i]), *g[i]);
    }
    if (choices) {
        for (auto const& e : observed.events)
            if (!e.origin.empty() || !e.source.empty())
                choices->insert(std::string(target_kind(e.target)) + " " + e.type + " events carry origin \"" + e.origin + "\""
                    + (e.source.empty() ? "" : " and source " + e.source));
    }
    return std::nullopt;
}

// How many events (by target, type and message) two Observations have in common.
std::size_t events_in_common(Observation const& a, Observation const& b)
{
    std::map<std::tuple<EventTargetName, std::string, std::uint32_t>, int> count;
    for (auto const& e : a.events)
        ++count[{ e.target, e.type, e.message }];
    std::size_t common = 0;
    for (auto const& e : b.events)
        if (count[{ e.target, e.type, e.message }]-- > 0)
            ++common;
    return common;
}

} // namespace

std::optional<Difference> compare_operations(Observation const& reference, Observation const& observed, Choices* choices)
{
    if (reference.alternatives.empty())
        return compare_one_schedule(reference, observed, choices);
    // Every order of tasks the spec leaves open is allowed: the implementation conforms when it
    // gives any of these. Otherwise the difference is the one from the nearest of them.
    std::optional<Difference> nearest;
    std::size_t nearest_common = 0;
    for (std::size_t i = 0; i <= reference.alternatives.size(); ++i) {
        auto const& allowed = i == 0 ? reference : reference.alternatives[i - 1];
        Choices these;
        auto difference = compare_one_schedule(allowed, observed, &these);
        if (!difference) {
            if (choices) {
                choices->insert(these.begin(), these.end());
                choices->insert(i == 0 ? "a message left on a port transferred away is delivered there when its task runs before the new port is received"
                                       : "a message left on a port transferred away moves with it to the new port");
            }
            return std::nullopt;
        }
        auto const common = events_in_common(allowed, observed);
        if (!nearest || common > nearest_common) {
            nearest = std::move(difference);
            nearest->reference_index = i;
            nearest_common = common;
        }
    }
    return nearest;
}

namespace {

std::string const with_transfer_loop = "html:structuredserializewithtransfer:5";

std::string show_calls(std::vector<std::uint32_t> const& calls)
{
    std::string s;
    for (auto c : calls)
        s += (s.empty() ? "get#" : ", get#") + std::to_string(c);
    return s.empty() ? std::string("none") : s;
}

// The implementation's getter calls are the spec's (in order) plus only calls of Error "name" /
// "message" getters: what making the implementation-defined stack string may do (17.5).
bool only_stack_getter_calls_added(Observation const& reference, Observation const& observed)
{
    if (reference.stack_getters.empty() || observed.getter_calls.size() <= reference.getter_calls.size())
        return false;
    auto const& want = reference.getter_calls;
    std::size_t matched = 0;
    for (auto const call : observed.getter_calls) {
        if (matched < want.size() && call == want[matched])
            ++matched;
        else if (std::find(reference.stack_getters.begin(), reference.stack_getters.end(), call) == reference.stack_getters.end())
            return false;
    }
    return matched == want.size();
}

std::optional<Difference> compare_results(Graph const& a, Graph const& b, Choices* choices)
{
    if (!same_value(a.root, b.root))
        return Difference { "result", "root", to_display(a.root), to_display(b.root), "" };
    if (a.nodes.size() != b.nodes.size()) {
        // Find the first node that differs; a missing one shows as a count difference.
        for (std::size_t i = 0; i < std::min(a.nodes.size(), b.nodes.size()); ++i)
            if (auto d = compare_nodes(a, b, i, choices))
                return d;
        return Difference { "result", "node-count", std::to_string(a.nodes.size()) + " distinct objects",
            std::to_string(b.nodes.size()) + " distinct objects", "" };
    }
    for (std::size_t i = 0; i < a.nodes.size(); ++i)
        if (auto d = compare_nodes(a, b, i, choices))
            return d;
    return std::nullopt;
}

// The graph without the own properties of Errors and DOMExceptions other than "name" and
// "message": the model gives them no others (StructuredDeserialize 21), and the comparator
// accepts any others as accompanying data.
Graph without_accompanying_data(Graph graph)
{
    for (auto& node : graph.nodes)
        if (may_carry_accompanying_data(node.kind))
            std::erase_if(node.properties, [](Property const& p) { return p.symbol || (p.key != u"name" && p.key != u"message"); });
    return graph;
}

std::optional<Difference> compare_transferables(Observation const& reference, Observation const& observed)
{
    if (reference.transferables == observed.transferables)
        return std::nullopt;
    for (std::size_t i = 0; i < std::min(reference.transferables.size(), observed.transferables.size()); ++i) {
        auto const& x = reference.transferables[i];
        auto const& y = observed.transferables[i];
        if (x == y)
            continue;
        auto const state = [](bool detached) { return std::string(detached ? "detached" : "not detached"); };
        if (!reference.threw)
            return Difference { "transferables", "#" + std::to_string(x.node) + ".detached", state(x.detached), state(y.detached), with_transfer_loop };
        bool const in_loop = reference.thrown_at_step.starts_with(with_transfer_loop + ".");
        // Deserialization throws after step 5 has transferred everything (message_channel's
        // messageerror, another realm): not "before step 5".
        bool const after = reference.thrown_at_step.starts_with("html:structureddeserialize");
        if (!x.detached && y.detached && !in_loop && !after)
            // The call threw before step 5, the only step that transfers: whichever step threw,
            // nothing may be detached (one finding, not one per throwing step).
            return Difference { "transferables", "detached-although-thrown", state(false) + " (the call threw before step 5 transfers anything)",
                state(true), with_transfer_loop };
        Difference d { "transferables", "#" + std::to_string(x.node) + ".detached", state(x.detached), state(y.detached), reference.thrown_at_step };
        // Step 5 read literally: entries before the one that failed were transferred already.
        if (in_loop && x.detached && !y.detached)
            d.spec_questions.push_back(with_transfer_loop);
        return d;
    }
    return Difference { "transferables", "", std::to_string(reference.transferables.size()) + " transferables",
        std::to_string(observed.transferables.size()), "" };
}

} // namespace

std::optional<Difference> compare_observations(Observation const& reference, Observation const& observed, Choices* choices)
{
    if (!reference.outcomes.empty())
        return compare_operations(reference, observed, choices);
    // Extra calls of an Error's name/message getters come from the implementation-defined stack:
    // a choice. When those getters have effects, what they did may change the rest: anything
    // else that differs in this case follows from that choice.
    bool const stack_calls = reference.getter_calls != observed.getter_calls && only_stack_getter_calls_added(reference, observed);
    if (stack_calls && choices)
        choices->insert("making an Error's stack string calls its own name/message getters again");
    auto const difference = [&]() -> std::optional<Difference> {
        if (reference.threw != observed.threw) {
            // The where part names what the implementation did instead, so that different wrong
            // outcomes get different signatures.
            return Difference { "outcome", observed.threw ? "threw " + observed.error_name : std::string("returned"),
                reference.threw ? "a thrown " + reference.error_name : "a returned value",
                observed.threw ? "a thrown " + observed.error_name : "a returned value", reference.thrown_at_step };
        }
        if (reference.threw) {
            if (reference.error_name != observed.error_name)
                return Difference { "error-name", reference.error_name + "->" + observed.error_name, reference.error_name,
                    observed.error_name, reference.thrown_at_step };
            if (reference.error_is_dom_exception != observed.error_is_dom_exception) {
                auto kind = [](bool dom) { return std::string(dom ? "a DOMException" : "not a DOMException"); };
                return Difference { "error-type", "", kind(reference.error_is_dom_exception), kind(observed.error_is_dom_exception),
                    reference.thrown_at_step };
            }
            if (reference.error_name == "user value" && !same_value(reference.thrown_value, observed.thrown_value))
                return Difference { "thrown-value", "", to_display(reference.thrown_value), to_display(observed.thrown_value),
                    reference.thrown_at_step };
        } else if (compare_results(reference.result, observed.result, choices)) {
            // Equality means isomorphism: the implementation's graph may come in any numbering.
            // Renumbered without the data an Error or DOMException may carry besides its name and
            // message (which the comparison ignores, so it must not steer the numbering either).
            if (auto d = compare_results(reference.result, canonicalize(without_accompanying_data(observed.result)), nullptr))
                return d;
        }
        if (auto d = compare_transferables(reference, observed))
            return d;
        if (reference.getter_calls != observed.getter_calls && !stack_calls)
            return Difference { "getter-calls", "", show_calls(reference.getter_calls), show_calls(observed.getter_calls),
                "html:structuredserializeinternal:26.4.1.1" };
        return std::nullopt;
    }();
    if (difference && stack_calls && reference.stack_getters_act) {
        if (choices)
            choices->insert("what an Error's name/message getters did when called again for its stack changed the result");
        return std::nullopt;
    }
    return difference;
}

} // namespace pmconf::conformance
