#include "reports/reproducer/reproducer.h"

#include "reports/reproducer/js_call.h"
#include "reports/reproducer/js_observe.h"
#include "reports/reproducer/js_operations.h"
#include "reports/reproducer/js_text.h"
#include "reports/reproducer/js_value.h"
#include "reports/reproducer/verdict.h"
#include "spec/catalogue.h"

namespace pmconf::reports {

using namespace conformance;
using namespace reproducer;

namespace {

    std::string header(ReproducerCase const& c)
    {
        auto const summary = c.difference.summary();
        bool const question = c.difference.kind() == FindingKind::spec_question;
        std::string h = "// pmconf reproducer: " + c.iut + " (" + c.iut_version
            + (question ? ") differs from a text of the HTML standard that is in question (a spec question, not a deviation).\n"
                        : ") deviates from the HTML standard.\n");
        std::string text = (question ? "What differs: " : "What is wrong: ") + (c.title.empty() ? summary : c.title) + "\n";
        for (auto const& q : c.difference.spec_questions)
            text += "In question: " + q + ", " + spec_question_text(q) + "\n";
        // The step the model took where the implementation differs: the Difference's, or the signature's.
        auto step = c.difference.step;
        if (auto const at = c.signature.rfind('@'); step.empty() && at != std::string::npos)
            step = c.signature.substr(at + 1,
                c.signature.find('?', at) == std::string::npos ? std::string::npos
                                                               : c.signature.find('?', at) - at - 1);
        if (auto const id = spec::find_step(step)) {
            auto const& info = spec::step_info(*id);
            text += "Spec step: " + step + ", " + std::string(info.algorithm_name) + " step "
                + std::string(info.path) + ": " + std::string(info.summary) + "\n  "
                + std::string(info.anchor) + "\n";
        } else if (!step.empty()) {
            text += "Spec step: " + step + "\n";
        }
        text += "Signature: " + c.signature + " (property " + c.property + ")\n";
        text += "Counterexample (" + size_text(c.scenario) + ", shrunk " + std::to_string(c.shrinks)
            + " times):\n";
        auto display = to_display(c.scenario);
        for (std::size_t at = 0; (at = display.find('\n', at)) != std::string::npos; at += 3)
            display.replace(at, 1, "\n  ");
        text += "  " + display + "\n";
        std::string run;
        for (auto const& a : c.run_argv)
            run += a + " ";
        text += "Run from the repository root:  " + run + c.file + "\n";
        text += "Exit status: 1 while the deviation is there, 0 once " + c.iut
            + " conforms, 2 if it cannot run.\n";
        if (!c.found_by.empty())
            text += "Found by: " + c.found_by + "\n";
        return h + js_comment(text);
    }

    // How the implementation under test is loaded, and the expression of its structuredClone.
    std::string implementation(std::string const& impl, std::string& clone)
    {
        if (impl == "native") {
            clone = "structuredClone";
            return "";
        }
        clone = "polyfillStructuredClone";
        bool const global = impl == "core-js"; // the global build installs its structuredClone on globalThis
        std::string const entry = impl == "ungap" ? "@ungap/structured-clone/esm/index.js"
            : global                              ? "core-js/actual/structured-clone.js"
            : impl == "core-js-pure"              ? "core-js-pure/actual/structured-clone.js"
                                                  : impl;
        std::string s = "  // The implementation under test: " + impl + " (tools/adapters/node_modules/"
            + entry + "), "
            + (global ? "which installs its\n  // structuredClone on globalThis. "
                      : "its default export.\n  // ")
            + "The runtime's own structuredClone (and PerformanceMark) are hidden while it loads, else it "
              "would use them.\n"
              "  const { pathToFileURL } = await import('node:url');\n"
              "  const hidden = ['structuredClone', 'PerformanceMark'].map(key => [key, "
              "Object.getOwnPropertyDescriptor(globalThis, key)]);\n"
              "  for (const [key] of hidden) delete globalThis[key];\n";
        std::string const import
            = "await import(pathToFileURL('tools/adapters/node_modules/" + entry + "').href)";
        if (global)
            s += "  " + import + ";\n  const polyfillStructuredClone = globalThis.structuredClone;\n";
        else
            s += "  const { default: polyfillStructuredClone } = " + import + ";\n";
        s += "  for (const [key, d] of hidden) if (d) Object.defineProperty(globalThis, key, d); // the "
             "runtime's own is back\n\n";
        return s;
    }

    void add_kinds(KindSet& kinds, Graph const& g)
    {
        for (auto const& n : g.nodes)
            kinds.insert(n.kind);
    }

    constexpr std::string_view report_code = R"(
// ---------------------------------------------------------------------------------------------
// The verdict: what happened next to what the spec requires; exit 1 while the deviation is there.
function report(observation) {
  const gave = seen(observation), deviates = !SPEC.some(s => same(s, gave));
  exitWith(deviates ? 1 : 0, [`pmconf reproducer for ${SIGNATURE}`, `Ran on: ${WHO}`, `Looking at: ${ASPECT}`,
    `The spec requires: ${SPEC.map(s => JSON.stringify(s)).join('  or  ')}`, `${WHO} gave: ${JSON.stringify(gave)}`,
    deviates ? 'The deviation is there.' : 'Conforms: the deviation is gone.', `PMCONF-OBSERVATION ${JSON.stringify(observation)}`].join('\n'));
}
function exitWith(code, text) { console.log(text); process.exit(code); }
)";

} // namespace

std::string reproducer_text(ReproducerCase const& c)
{
    auto const& s = c.scenario;
    bool const sequence = s.mode == PassMode::operations;
    auto const v = verdict(s, c.expected, c.difference, c.observed);

    std::string out = header(c) + "\n";
    out += "const SIGNATURE = " + js_string(c.signature) + ";\n";
    out += "const WHO = " + std::string(c.impl == "native" ? "" : js_string(c.iut + " on ") + " + ")
        + "(typeof Deno !== 'undefined' ? `deno ${Deno.version.deno}` : typeof Bun !== 'undefined' ? `bun "
          "${Bun.version}` : `node ${process.version}`);\n";
    out += "// What the spec requires (pmconf's reference model), for what this deviation is about. Any "
           "of:\n";
    out += "const ASPECT = " + js_string(v.aspect) + ";\n";
    out += "const SPEC = " + v.spec + ";\n";
    out += "setTimeout(() => exitWith(2, 'pmconf reproducer: no answer within 60 s'), 60000);\n";

    std::string clone;
    auto const load = implementation(c.impl, clone);
    std::string body, library;
    if (sequence) {
        auto const ops = operations_code(s.operations);
        out += ops.state;
        body = "  // The operations, in order (#label), each outcome recorded; every port and channel made "
               "or received\n"
               "  // is watched for message, messageerror and close events.\n"
            + ops.text;
        library = ops.library;
    } else {
        auto const value = value_code(s.graph);
        if (value.pollutes)
            out += "const objectPrototype = Object.getOwnPropertyDescriptors(Object.prototype); // as it is "
                   "before the value is built\n";
        if (value.getters)
            out += std::string(value.pollutes ? "let" : "const")
                + " log = []; // the getters' labels, in call order\n";
        body = "  // The value (node #i of the counterexample is oi, bi for a buffer, vi a view, pi a port, "
               "si a symbol).\n"
            + value.text;
        body += clone_call_code(s, value, clone);
        KindSet kinds; // what the result can hold
        add_kinds(kinds, c.expected.result);
        add_kinds(kinds, c.observed.result);
        library = helper_code(value.helpers);
        if (value.pollutes)
            library += restore_object_prototype_code();
        ObserveNeeds needs;
        needs.message_channel = s.mode == PassMode::message_channel;
        needs.getters_throw = !value.thrown_by_getters.empty();
        needs.reads_result = !c.expected.threw || !c.observed.threw;
        for (auto const* g : { &s.graph, &c.expected.result, &c.observed.result })
            for (auto const& n : g->nodes) {
                if (n.kind == NodeKind::array_buffer || n.kind == NodeKind::message_port
                    || n.kind == NodeKind::image_bitmap)
                    if (g == &s.graph)
                        needs.inputs.insert(n.kind);
                if ((n.kind == NodeKind::array_buffer || n.kind == NodeKind::shared_array_buffer)
                    && n.max_byte_length)
                    needs.length_tracking = true;
            }
        library += clone_observation_code(kinds, needs);
    }
    out += "\ntry {\n" + load + body
        + "} catch (e) {\n  exitWith(2, `pmconf reproducer: could not run: ${e?.stack ?? e}`);\n}\n";
    out += report_code;
    out += v.seen;
    out += library;
    return out;
}

} // namespace pmconf::reports
