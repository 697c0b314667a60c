// pmconf_compare_corpus: a corpus of Observation pairs with the C++ comparator's verdict on each,
// for the test that lib/compare.mjs (the comparator reproducers run) agrees with compare.cpp.
//
//   pmconf_compare_corpus --out FILE [--seed N] [--cases N]
//
// Each case is a Scenario drawn from a conformance property's own generator (every property,
// structured clone and messaging alike) and run on the model: that is the reference. Each
// reference gives several pairs: the observation an implementation would send for it as it is,
// renumbered (nodes in another order, properties in another creation order that
// OrdinaryOwnPropertyKeys puts back, an unreachable node added), each of the allowed alternatives,
// and single changes (a node's kind, a byte, a property, an outcome, an event, ...;
// compare_corpus_changes.h), each maybe renumbered as well; a third of the observed sides are
// respelled (another spelling protocol v1 allows: defaults left out or written out, strings as
// UTF-16 code units, upper-case hex). One JSON line per pair:
//
//   {"n":7,"case":"buffers-and-views/12","change":"buffer","reference":R,"observed":O,"cpp":D}
//
// O is the observed Observation as an IUT sends it (protocol v1, docs/protocol.md). R is the
// reference in protocol v1 plus what only the model knows, which the C++ comparator uses:
// "thrownAtStep", "stackGetters" (the labels of the Error name/message getters of the input) and
// "stackGettersAct" (one of them has effects); for operation sequences each outcome's "questions"
// (the catalogue steps whose text in question it rests on), "questioned"
// ({"messages":[{"message":L,"question":STEP}],"ports":[{"port":[L,I],"question":STEP}]}),
// "alternatives" (the other allowed Observations, encoded the same way), an event's "optional"
// (already in the codec's output) and the "message" of an event other than a message event when
// it is not 0. D is null or the difference: {"field","where","expected","observed","step",
// "signature","summary","referenceIndex"}.
//
// The C++ verdict is compare_observations(reference, decode(O)): the reference as the model gives
// it, the observation as pmconf decodes it (the comparator renumbers the observed graph itself
// when it differs as it comes).
//
// Besides the Scenarios the properties' generators draw, a few written here (fixed_cases) make
// sure every kind is there whatever the seed: Error name/message getters with and without
// effects, transfer lists that fail before and inside WithTransfer step 5, views whose length
// form JavaScript cannot tell apart, a doomed port, a partial transfer of ports, close events.
//
// Prints the corpus's composition (pairs by kind of difference and by change). Exits 1 when a kind
// of difference the comparator can report is missing from the corpus (the corpus must hold every
// kind: required_kinds), 2 on bad usage. PMCONF_CORPUS_DEBUG=1 names each change left out because
// its observation does not decode.

#include "conformance/canonical.h"
#include "conformance/compare.h"
#include "conformance/generators/rc_generators.h"
#include "conformance/model_runner.h"
#include "conformance/properties.h"
#include "conformance/protocol/codec.h"
#include "conformance/tests/compare_corpus_changes.h"
#include "conformance/tests/scenario_builder.h"
#include "spec/catalogue.h"

#include <nlohmann/json.hpp>
#include <rapidcheck.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pmconf::conformance::tests {
namespace {

using corpus::below;
using corpus::coin;
using corpus::graph_changes;
using corpus::operation_changes;
using corpus::pick;
using corpus::renumbered;
using corpus::Rng;
using Json = nlohmann::json;

// --- Observations as the comparator's two sides see them --------------------------------------

// What an implementation sends for an Observation: protocol v1 only (no step, question,
// alternative or optional mark: the codec writes outcome steps and optional marks, and nothing
// else the model alone knows), as pmconf decodes it.
Observation as_sent(Observation o)
{
    for (auto& r : o.outcomes) {
        r.step.clear();
        r.questions.clear();
    }
    for (auto& e : o.events)
        e.optional = false;
    return protocol::decode_observation(protocol::encode_observation(o));
}

// The same Observation in another spelling protocol v1 allows, as an adapter may write it (the
// codec writes one spelling): fields at their default left out or written out, ASCII strings as
// UTF-16 code units, bytes in upper case, an Error's stack left out.
void respell_value(Json& v, Rng& rng)
{
    if (v.is_string()) {
        auto const s = v.get<std::string>();
        if (below(rng, 3) != 0 || std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
            return;
        Json units = Json::array();
        for (auto const c : s)
            units.push_back(static_cast<unsigned>(static_cast<unsigned char>(c)));
        v = { { "t", "string" }, { "u16", units } };
    }
}

void respell_observation(Json& o, Rng& rng)
{
    auto const drop_if = [&](Json& j, char const* key, Json const& value) {
        if (j.contains(key) && j[key] == value && coin(rng))
            j.erase(key);
    };
    auto const add_if_absent = [&](Json& j, char const* key, Json const& value) {
        if (!j.contains(key) && coin(rng))
            j[key] = value;
    };
    drop_if(o, "transferables", Json::array());
    drop_if(o, "getterCalls", Json::array());
    if (o.contains("thrownValue"))
        respell_value(o["thrownValue"], rng);
    if (o.contains("result")) {
        auto& g = o["result"];
        respell_value(g["root"], rng);
        for (auto& n : g["nodes"]) {
            Json empty = Json::array();
            add_if_absent(n, "props", Json::array());
            for (auto& p : n.contains("props") ? n["props"] : empty) {
                add_if_absent(p, "enumerable", true);
                if (p.contains("key"))
                    respell_value(p["key"], rng);
                if (p.contains("value"))
                    respell_value(p["value"], rng);
            }
            for (auto const* key : { "primitive", "source", "name", "message", "description" })
                if (n.contains(key))
                    respell_value(n[key], rng);
            if (n.contains("mapEntries"))
                for (auto& e : n["mapEntries"]) {
                    respell_value(e[0], rng);
                    respell_value(e[1], rng);
                }
            if (n.contains("setEntries"))
                for (auto& e : n["setEntries"])
                    respell_value(e, rng);
            if (n.contains("bytes")) {
                auto bytes = n["bytes"].get<std::string>();
                if (n.contains("byteLength") && n["byteLength"] == bytes.size() / 2)
                    drop_if(n, "byteLength", n["byteLength"]);
                if (coin(rng)) {
                    std::transform(bytes.begin(), bytes.end(), bytes.begin(), [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); });
                    n["bytes"] = bytes;
                }
            }
            std::string const kind = n["kind"];
            if (kind == "ArrayBuffer" || kind == "SharedArrayBuffer" || kind == "MessagePort" || kind == "ImageBitmap")
                add_if_absent(n, "detached", false);
            drop_if(n, "byteOffset", 0);
            drop_if(n, "length", nullptr);
            drop_if(n, "arrayLength", 0);
            drop_if(n, "portId", 0);
            drop_if(n, "errorPrototype", "Error");
            drop_if(n, "flags", "");
            drop_if(n, "lastIndex", 0);
            drop_if(n, "date", 0);
            drop_if(n, "name", "");
            drop_if(n, "message", "");
            if (n.contains("stack") && coin(rng))
                n.erase("stack");
        }
    }
    if (o.contains("outcomes")) {
        for (auto& r : o["outcomes"]) {
            add_if_absent(r, "threw", false);
            if (!r.contains("threw") || r["threw"] == false)
                add_if_absent(r, "skipped", false);
        }
        for (auto& e : o["events"]) {
            drop_if(e, "ports", Json::array());
            if (e.contains("origin"))
                respell_value(e["origin"], rng); // not a string any more: no origin
        }
    }
}

// A question as the comparator names it: its catalogue step.
std::string question_id(model::web_messaging::SpecQuestion q) { return std::string(spec::step_info(model::web_messaging::question_step(q)).id); }

// What rests on a questioned text: {"messages": [{"message", "question"}], "ports": [{"port", "question"}]}.
Json questioned_json(model::web_messaging::Questioned const& questioned)
{
    Json messages = Json::array(), ports = Json::array();
    for (auto const& m : questioned.messages)
        messages.push_back(Json::object({ { "message", m.message }, { "question", question_id(m.question) } }));
    for (auto const& p : questioned.ports)
        ports.push_back(Json::object({ { "port", Json::array({ p.port.op, p.port.index }) }, { "question", question_id(p.question) } }));
    return Json::object({ { "messages", std::move(messages) }, { "ports", std::move(ports) } });
}

// The reference as the corpus carries it: protocol v1 plus what only the model knows.
Json reference_json(Observation const& o)
{
    auto j = Json::parse(protocol::encode_observation(o));
    if (o.outcomes.empty()) {
        if (!o.thrown_at_step.empty())
            j["thrownAtStep"] = o.thrown_at_step;
        if (!o.stack_getters.empty())
            j["stackGetters"] = o.stack_getters;
        if (o.stack_getters_act)
            j["stackGettersAct"] = true;
        return j;
    }
    for (std::size_t i = 0; i < o.outcomes.size(); ++i)
        if (!o.outcomes[i].questions.empty()) {
            auto& q = j["outcomes"][i]["questions"] = Json::array();
            for (auto const question : o.outcomes[i].questions)
                q.push_back(question_id(question));
        }
    for (std::size_t i = 0; i < o.events.size(); ++i)
        if (o.events[i].type != "message" && o.events[i].message != 0)
            j["events"][i]["message"] = o.events[i].message;
    if (!o.questioned.empty())
        j["questioned"] = questioned_json(o.questioned);
    if (!o.alternatives.empty()) {
        auto& a = j["alternatives"] = Json::array();
        for (auto const& alternative : o.alternatives)
            a.push_back(reference_json(alternative));
    }
    return j;
}

// The reference without its questioned ports (in every allowed Observation): what the comparator
// would say if only the messages were questioned.
Observation without_questioned_ports(Observation o)
{
    o.questioned.ports.clear();
    for (auto& a : o.alternatives)
        a = without_questioned_ports(std::move(a));
    return o;
}

bool has_questioned_ports(Observation const& o)
{
    return !o.questioned.ports.empty() || std::any_of(o.alternatives.begin(), o.alternatives.end(), has_questioned_ports);
}

Json difference_json(std::optional<Difference> const& d)
{
    if (!d)
        return nullptr;
    return { { "field", d->field }, { "where", d->where }, { "expected", d->expected }, { "observed", d->observed }, { "step", d->step },
        { "signature", d->signature() }, { "summary", d->summary() }, { "referenceIndex", d->reference_index } };
}

std::string const stack_calls_choice = "making an Error's stack string calls its own name/message getters again";
std::string const stack_effects_choice = "what an Error's name/message getters did when called again for its stack changed the result";

// The kind of a difference, for the corpus's composition: the signature without node numbers,
// labels and step (the node's kind added where one path holds several: #N.detached, #N.size), then
// in brackets what else about it the JS comparator must get right: alternatives, spec questions
// (which ones: question_kinds), a question that comes from a questioned port, and for no
// difference the choices that made it one (stack getters called again) or a change that makes
// none (a view's length in a form JavaScript cannot tell apart).
std::string kind_of(std::optional<Difference> const& d, Observation const& reference, std::string const& change, Choices const& choices,
    bool via_port)
{
    if (!d) {
        std::string k = "none";
        if (choices.count(stack_effects_choice))
            k += " [stack getters called again; what they did changed the result]";
        else if (choices.count(stack_calls_choice))
            k += " [stack getters called again]";
        if (change == "view-length-form")
            k += " [a view length JavaScript cannot tell apart]";
        return k;
    }
    bool const operations = !reference.outcomes.empty();
    std::string k = d->field;
    if (operations && d->field == "outcome")
        k = d->where == "count" ? "operations:outcome count" : "operations:outcome";
    else if (d->field == "events")
        k = "events:" + d->where.substr(d->where.find(':') + 1, d->where.find(' ') - d->where.find(':') - 1);
    else if (d->field == "result") {
        auto const dot = d->where.find('.');
        auto const what = dot == std::string::npos ? d->where : d->where.substr(dot + 1);
        k += ":" + what;
        if (dot != std::string::npos && (what == "detached" || what == "size" || what == "length")) {
            auto const index = std::stoul(d->where.substr(1, dot - 1));
            if (index < reference.result.nodes.size())
                k += std::string(" (") + node_kind_name(reference.result.nodes[index].kind) + ")";
        }
    } else if (d->field == "transferables")
        k += d->where.empty() ? ": count" : d->where == "detached-although-thrown" ? ": detached-although-thrown" : ": state";
    if (operations && !reference.alternatives.empty())
        k += " [with alternatives]";
    if (!d->spec_questions.empty())
        k += " [with a spec question]";
    if (via_port)
        k += " [via a questioned port]";
    return k;
}

// Every kind of difference the comparator reports (kind_of: the part before the brackets, and
// when given, a text in them; a detail "?STEP": a difference of that kind that rests on the
// question of that catalogue step): the corpus must hold each at least once. result:node-count is
// not among them: renumbered canonically (without an Error's accompanying data), a graph whose
// first nodes all match the reference's reaches no further node, since every edge is compared.
struct RequiredKind {
    std::string kind;
    std::string detail = {};
};
std::vector<RequiredKind> const required_kinds {
    { "outcome" }, { "error-name" }, { "error-type" }, { "thrown-value" }, { "result:root" }, { "result:kind" },
    { "result:length (Array)" }, { "result:primitive" }, { "result:date" }, { "result:source" }, { "result:flags" }, { "result:lastIndex" },
    { "result:detached (ArrayBuffer)" }, { "result:detached (MessagePort)" }, { "result:byteLength" }, { "result:maxByteLength" },
    { "result:bytes" }, { "result:constructor" }, { "result:byteOffset" }, { "result:length (TypedArray)" }, { "result:buffer" },
    { "result:prototype" }, { "result:port" }, { "result:size (Map)" }, { "result:size (Set)" }, { "result:name-message" }, { "result:entry" },
    { "result:properties" }, { "result:enumerable" }, { "result:value" }, { "transferables: state" }, { "transferables: count" },
    { "transferables: detached-although-thrown" }, { "transferables: state", "?html:structuredserializewithtransfer:5" },
    { "getter-calls" }, { "none", "stack getters called again]" }, { "none", "what they did changed the result" },
    { "none", "a view length JavaScript cannot tell apart" }, { "operations:outcome" }, { "operations:outcome count" },
    { "operations:outcome", "with a spec question" }, { "events:missing" }, { "events:extra" }, { "events:order" }, { "events:ports" },
    { "events:order", "?html:disentangle:4" }, { "events:missing", "with a spec question" }, { "events:extra", "with a spec question" },
    { "events:ports", "with a spec question" }, { "events:", "via a questioned port" }, { "events:", "with alternatives" },
};

// --- Scenarios written here ------------------------------------------------------------------

// Operation sequences, each op labelled with its position.
struct Ops {
    using K = model::web_messaging::Operation::Kind;
    using PortName = model::web_messaging::PortName;
    std::vector<model::web_messaging::Operation> ops;
    model::web_messaging::Operation& add(K kind)
    {
        model::web_messaging::Operation op;
        op.kind = kind;
        op.label = static_cast<std::uint32_t>(ops.size());
        ops.push_back(op);
        return ops.back();
    }
    std::uint32_t channel() { return add(K::new_channel).label; }
    std::uint32_t post(PortName port, std::vector<PortName> transfer = {})
    {
        auto& op = add(K::port_post);
        op.port = port;
        op.transfer = std::move(transfer);
        return op.label;
    }
    void on(K kind, PortName port) { add(kind).port = port; }
    void run() { add(K::run_event_loops); }
    Scenario scenario() const
    {
        Scenario s;
        s.mode = PassMode::operations;
        s.operations = ops;
        return s;
    }
};

// Cases that the properties' generators draw rarely or never, for the kinds only they give.
std::vector<std::pair<std::string, Scenario>> fixed_cases()
{
    std::vector<std::pair<std::string, Scenario>> cases;
    auto const error_with_getter = [](std::u16string key, bool effects) {
        GraphBuilder g;
        auto const other = g.object({ { u"x", 1.0 } });
        auto const e = g.error("Error", key == u"name" ? std::optional<std::u16string>(u"m") : std::nullopt);
        Getter getter;
        getter.label = 7;
        getter.result = std::u16string(key == u"name" ? u"TypeError" : u"from a getter");
        if (effects) {
            GetterEffect effect;
            effect.kind = GetterEffect::Kind::define_property;
            effect.target = other.node;
            effect.key = u"y";
            effect.value = 2.0;
            getter.effects.push_back(effect);
        }
        g.getter(e, key, getter);
        return g.clone(g.array({ e, other }));
    };
    cases.emplace_back("error-name-getter", error_with_getter(u"name", false));
    cases.emplace_back("error-message-getter-with-effects", error_with_getter(u"message", true));
    {
        // An Error beside an object whose properties the canonical numbering visits after the
        // Error's: accompanying data that refers to one of them reorders the numbering.
        GraphBuilder g;
        auto const e = g.error("RangeError", u"m");
        auto const o = g.object({ { u"a", g.date(1) }, { u"b", g.date(2) } });
        cases.emplace_back("error-beside-an-object", g.clone(g.object({ { u"e", e }, { u"o", o } })));
    }
    {
        // Zeros of both signs where only SameValue tells them apart.
        GraphBuilder g;
        auto const zeros = g.object({ { u"minus", -0.0 }, { u"plus", 0.0 }, { u"n", g.wrapper(NodeKind::number_object, -0.0) },
            { u"d", g.date(-0.0) } });
        cases.emplace_back("signed-zeros", g.clone(zeros));
        cases.emplace_back("minus-zero", GraphBuilder {}.clone(-0.0));
    }
    {
        // WithTransfer step 5 fails at its second entry, the first transferred already (5.1).
        GraphBuilder g;
        auto const first = g.buffer({ 1 });
        auto const second = g.detached_buffer();
        cases.emplace_back("transfer-fails-inside-step-5", g.clone(g.array({ first }), { first, second }));
    }
    {
        // A Symbol in the value: StructuredSerializeInternal throws before step 5 transfers.
        GraphBuilder g;
        auto const b = g.buffer({ 1, 2 });
        auto const symbol = g.of_kind(NodeKind::symbol);
        cases.emplace_back("transfer-fails-before-step-5", g.clone(g.array({ b, symbol }), { b }));
    }
    {
        // Views on buffers that cannot grow by another element, length-tracking and fixed at the
        // length they have: one JavaScript tells from the other form (a resizable ArrayBuffer may
        // shrink), two it cannot.
        for (bool const tracking : { true, false }) {
            GraphBuilder g;
            auto const length = [&](std::uint64_t fixed) { return tracking ? std::nullopt : std::optional<std::uint64_t>(fixed); };
            auto const empty = g.buffer({}, 0);
            auto const full = g.buffer({ 1, 2, 3, 4 }, 4, NodeKind::shared_array_buffer);
            auto const shrinkable = g.buffer({ 1, 2 }, 3);
            cases.emplace_back(tracking ? "tracking-views-without-room" : "fixed-views-without-room",
                g.clone(g.array({ g.view(empty, "Uint8Array", 0, length(0)), g.view(full, "DataView", 1, length(3)),
                    g.view(shrinkable, "Uint16Array", 0, length(1)) })));
        }
    }
    using K = Ops::K;
    using PortName = Ops::PortName;
    {
        // The doomed self-transfer: both ports rest on the doomed-port text; a close event at them.
        Ops o;
        auto const c = o.channel();
        PortName const p1 { c, 0 }, p2 { c, 1 };
        o.post(p1, { p2 });
        o.post(p1);
        o.on(K::port_start, p2);
        o.run();
        o.on(K::port_close, p1);
        o.post(p2);
        o.run();
        cases.emplace_back("doomed-port", o.scenario());
    }
    {
        // A transfer list that fails at a closed port after shipping the first entry (step 5
        // read literally): the shipped port and its partner rest on that text.
        Ops o;
        auto const a = o.channel();
        auto const b = o.channel();
        auto const carrier = o.channel();
        o.on(K::port_close, PortName { b, 0 });
        o.post(PortName { carrier, 0 }, { PortName { a, 0 }, PortName { b, 0 } });
        o.on(K::port_start, PortName { a, 0 });
        o.on(K::port_start, PortName { a, 1 });
        o.post(PortName { a, 1 });
        o.post(PortName { a, 0 });
        o.run();
        o.on(K::port_close, PortName { a, 1 });
        o.run();
        cases.emplace_back("partial-port-transfer", o.scenario());
    }
    {
        // A message that the model delivers at a closed port (whatwg/html#5765) carries a port:
        // what arrives at that port rests on the question too.
        Ops o;
        auto const c = o.channel();
        auto const d = o.channel();
        o.on(K::port_start, PortName { c, 1 });
        auto const m = o.post(PortName { c, 0 }, { PortName { d, 0 } });
        o.on(K::port_close, PortName { c, 1 });
        o.run();
        o.on(K::port_start, PortName { m, 0 });
        o.post(PortName { d, 1 });
        o.post(PortName { d, 1 });
        o.run();
        cases.emplace_back("port-carried-by-a-questioned-message", o.scenario());
    }
    {
        // A close event fired inside close(), after a message queued before it is delivered.
        Ops o;
        auto const c = o.channel();
        PortName const p1 { c, 0 }, p2 { c, 1 };
        o.on(K::port_start, p2);
        o.post(p1);
        o.post(p1);
        o.on(K::port_close, p1);
        o.run();
        cases.emplace_back("close-after-messages", o.scenario());
    }
    return cases;
}

struct Options {
    std::string out;
    std::uint64_t seed = 20261125;
    int cases = 120; // per property
};

int run(Options const& options)
{
    std::ofstream out(options.out, std::ios::binary);
    if (!out) {
        std::cerr << "pmconf_compare_corpus: cannot write " << options.out << "\n";
        return 2;
    }
    Rng rng(options.seed);
    auto const graph = graph_changes();
    auto const sequences = operation_changes();
    std::map<std::string, std::size_t> composition;  // kind of difference -> pairs
    std::map<std::string, std::size_t> question_kinds; // kind of difference (no brackets) + " ?" + question step -> pairs
    std::map<std::string, std::size_t> changes;      // change -> pairs
    std::size_t lines = 0, undecodable = 0;
    std::size_t renumbered_pairs = 0, renumbered_none = 0;
    std::size_t with_alternatives = 0, with_optional = 0, with_questions = 0, with_questioned_ports = 0, with_stack_getters = 0;

    auto const emit = [&](std::string const& where, std::string const& change, Observation const& reference, Json const& reference_j,
                          Observation observed, bool renumber) {
        renumber = renumber && !observed.threw && observed.outcomes.empty();
        bool const respell = below(rng, 3) == 0;
        if (renumber)
            observed.result = renumbered(observed.result, rng);
        Observation sent;
        Json sent_j;
        try {
            sent = as_sent(observed);
            sent_j = Json::parse(protocol::encode_observation(sent));
            if (respell) {
                respell_observation(sent_j, rng);
                sent = protocol::decode_observation(sent_j.dump());
            }
        } catch (protocol::ProtocolError const& e) {
            ++undecodable; // a change that breaks the encoding: pmconf would reject the reply
            if (std::getenv("PMCONF_CORPUS_DEBUG"))
                std::cerr << change << (respell ? " (respelled)" : "") << ": " << e.what() << "\n";
            return;
        }
        Choices choices;
        auto const d = compare_observations(reference, sent, &choices);
        // A spec question that comes from a questioned port (not from a message).
        bool via_port = false;
        if (d && !d->spec_questions.empty() && has_questioned_ports(reference)) {
            auto const without = compare_observations(without_questioned_ports(reference), sent);
            via_port = !without || without->spec_questions != d->spec_questions;
        }
        if (renumber) {
            ++renumbered_pairs;
            renumbered_none += !d;
        }
        Json line { { "n", lines }, { "case", where }, { "change", change }, { "reference", reference_j },
            { "observed", sent_j } };
        line["cpp"] = difference_json(d);
        out << line.dump() << "\n";
        ++lines;
        auto const kind = kind_of(d, reference, change, choices, via_port);
        ++composition[kind];
        if (d)
            for (auto const& q : d->spec_questions)
                ++question_kinds[kind.substr(0, kind.find(" [")) + " ?" + q];
        ++changes[change + (renumber ? " (renumbered)" : "") + (respell ? " (respelled)" : "")];
    };

    // The pairs of one reference.
    auto const pairs_of = [&](std::string const& where, Observation const& reference) {
        auto const reference_j = reference_json(reference);
        bool const operations = !reference.outcomes.empty();
        if (operations) {
            with_alternatives += !reference.alternatives.empty();
            with_optional += std::any_of(reference.events.begin(), reference.events.end(), [](auto const& e) { return e.optional; });
            with_questions += !reference.questioned.empty()
                || std::any_of(reference.outcomes.begin(), reference.outcomes.end(), [](auto const& r) { return !r.questions.empty(); });
            with_questioned_ports += has_questioned_ports(reference);
        }
        with_stack_getters += !reference.stack_getters.empty();
        emit(where, "none", reference, reference_j, reference, false);
        if (!operations && !reference.threw)
            emit(where, "none", reference, reference_j, reference, true);
        for (std::size_t a = 0; a < reference.alternatives.size(); ++a) {
            emit(where, "alternative", reference, reference_j, reference.alternatives[a], false);
            for (int k = 0; k < 4; ++k) {
                auto changed = reference.alternatives[a];
                auto const& change = pick(rng, sequences);
                if (change.apply(changed, reference, rng))
                    emit(where, "alternative+" + change.name, reference, reference_j, changed, false);
            }
        }
        // Of the changes that apply to this reference: each one that needs nodes of some kind
        // twice (so that a rare kind is changed whenever a case has one), and a few of the
        // others drawn at random; half of them renumbered.
        std::vector<std::pair<std::string, Observation>> specific, other;
        for (auto const& change : operations ? sequences : graph) {
            for (int times = 0; times < std::max(change.times, 1); ++times) {
                auto observed = reference;
                if (change.apply(observed, reference, rng))
                    (change.times ? specific : other).emplace_back(change.name, std::move(observed));
            }
        }
        std::shuffle(other.begin(), other.end(), rng);
        if (other.size() > (operations ? 6u : 4u))
            other.resize(operations ? 6u : 4u);
        for (auto* list : { &specific, &other })
            for (auto& [name, observed] : *list)
                emit(where, name, reference, reference_j, std::move(observed), !operations && coin(rng));
    };

    for (auto const& property : conformance_properties()) {
        auto const gen = generators::scenario_recipe(property.profile);
        for (int k = 0; k < options.cases; ++k) {
            auto const recipe = gen(rc::Random(rng()), k % 100).value();
            auto const scenario = generators::build_scenario(recipe, property.profile);
            pairs_of(property.name + "/" + std::to_string(k), run_on_model(scenario));
        }
    }
    // The cases written here, a few times each (the changes are drawn at random).
    auto const fixed = fixed_cases();
    for (int round = 0; round < 4; ++round)
        for (auto const& [name, scenario] : fixed)
            pairs_of("fixed/" + name + "/" + std::to_string(round), run_on_model(scenario));
    out.close();
    if (!out) {
        std::cerr << "pmconf_compare_corpus: could not write " << options.out << "\n";
        return 2;
    }

    std::cout << "pmconf_compare_corpus: " << lines << " pairs in " << options.out << " (seed " << options.seed << ", "
              << options.cases << " cases per property and " << fixed.size() << " written cases; " << undecodable
              << " changes left out: they break the encoding)\n"
              << "operation sequences with alternatives: " << with_alternatives << ", with a skippable event: " << with_optional
              << ", with a spec question: " << with_questions << ", with questioned ports: " << with_questioned_ports << "\n"
              << "value cases with Error name/message getters: " << with_stack_getters << "\n"
              << "renumbered pairs: " << renumbered_pairs << " (" << renumbered_none << " of them with no difference)\n"
              << "pairs by the C++ comparator's kind of difference:\n";
    for (auto const& [kind, count] : composition)
        std::cout << "  " << count << "\t" << kind << "\n";
    std::cout << "pairs with a spec question, by kind of difference and question:\n";
    for (auto const& [kind, count] : question_kinds)
        std::cout << "  " << count << "\t" << kind << "\n";
    std::cout << "pairs by change:\n";
    for (auto const& [change, count] : changes)
        std::cout << "  " << count << "\t" << change << "\n";
    std::vector<std::string> missing;
    auto const in_composition = [&](std::string const& kind, std::string const& detail) {
        return std::any_of(composition.begin(), composition.end(), [&](auto const& c) {
            auto const& key = c.first;
            if (key.rfind(kind, 0) != 0)
                return false;
            if (detail.empty())
                return key == kind || key.rfind(kind + " [", 0) == 0;
            return key.find(detail, kind.size()) != std::string::npos;
        });
    };
    for (auto const& [kind, detail] : required_kinds) {
        bool const found = detail.starts_with("?") ? question_kinds.count(kind + " " + detail) != 0 : in_composition(kind, detail);
        if (!found)
            missing.push_back(detail.empty() ? kind : kind + " ... " + detail);
    }
    if (!missing.empty()) {
        std::cerr << "pmconf_compare_corpus: the corpus lacks these kinds of difference:";
        for (auto const& m : missing)
            std::cerr << " [" << m << "]";
        std::cerr << "\n";
        return 1;
    }
    return 0;
}

} // namespace
} // namespace pmconf::conformance::tests

int main(int argc, char** argv)
{
    pmconf::conformance::tests::Options options;
    for (int i = 1; i < argc; ++i) {
        std::string const a = argv[i];
        auto const next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "pmconf_compare_corpus: " << a << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        try {
            if (a == "--out")
                options.out = next();
            else if (a == "--seed")
                options.seed = std::stoull(next());
            else if (a == "--cases")
                options.cases = std::stoi(next());
            else
                throw std::invalid_argument(a);
        } catch (std::exception const&) {
            std::cerr << "usage: pmconf_compare_corpus --out FILE [--seed N] [--cases N]\n";
            return 2;
        }
    }
    if (options.out.empty() || options.cases < 1) {
        std::cerr << "usage: pmconf_compare_corpus --out FILE [--seed N] [--cases N]\n";
        return 2;
    }
    return pmconf::conformance::tests::run(options);
}

