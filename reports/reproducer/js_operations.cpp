#include "reports/reproducer/js_operations.h"

#include "reports/reproducer/js_observe.h"
#include "reports/reproducer/js_text.h"

namespace pmconf::reports::reproducer {

using model::web_messaging::Operation;
using model::web_messaging::PortName;
using K = Operation::Kind;

namespace {

    std::string port_name(PortName p)
    {
        return "'" + std::to_string(p.op) + "." + std::to_string(p.index) + "'";
    }

    // The message of operation L: [L], then a SharedArrayBuffer, then a Symbol (docs/protocol.md).
    std::string message(Operation const& op, bool& sab)
    {
        std::string m = "[" + std::to_string(op.label);
        if (op.message.shared_buffer) {
            m += ", sab(" + std::to_string(op.label) + ")";
            sab = true;
        }
        if (op.message.symbol)
            m += ", Symbol('s')";
        return m + "]";
    }

    // The arguments after the message: {transfer: [...]}, or [...] for the sequence overload.
    std::string transfer_argument(Operation const& op)
    {
        std::string list;
        for (auto const& p : op.transfer)
            list += (list.empty() ? "" : ", ") + std::string("port(") + port_name(p) + ")";
        if (op.sequence_overload)
            return ", [" + list + "]";
        return list.empty() ? std::string() : ", { transfer: [" + list + "] }";
    }

    constexpr std::string_view recording = R"(
// ---------------------------------------------------------------------------------------------
// How this file runs and observes the operations: its own code (not pmconf's adapter).

// Runs an operation as a script would and records its outcome: {} (it returned), the name of what
// it threw, or skipped when it names a port, channel or worker this script does not hold.
function step(f) {
  try { f(); outcomes.push({}); } catch (e) { outcomes.push(e === notHeld ? { skipped: true } : { threw: true, error: e?.workerError ?? errorName(e) }); }
}
function port(name) { if (!held.has(name)) throw notHeld; return held.get(name); }
function channel(label) { if (!channels.has(label)) throw notHeld; return channels.get(label); }
// Every port made or received is named "label.index" and watched from then on, as is every
// BroadcastChannel: addEventListener, which does not start a port.
function hold(name, p) { if (!held.has(name)) held.set(name, p); watch({ port: name.split('.').map(Number) }, p); }
function watch(target, x) { for (const type of ['message', 'messageerror', 'close']) x.addEventListener(type, e => record(target, type, e)); }
function record(target, type, e) {
  if (done) return;
  const event = { target, type };
  if (type === 'message') { // every message is [label, ...]; its ports are named after it
    const label = e.data[0];
    event.message = label;
    event.ports = [...(e.ports ?? [])].map((p, i) => (hold(`${label}.${i}`, p), [label, i]));
  }
  if (type !== 'close' && typeof e.origin === 'string' && e.origin !== '') event.origin = e.origin;
  events.push(event);
}
)";

    constexpr std::string_view sab_helper = R"(// A 4-byte SharedArrayBuffer holding label % 256.
function sab(label) { const b = new SharedArrayBuffer(4); new Uint8Array(b).fill(label % 256); return b; }
)";

    constexpr std::string_view event_loops_head
        = R"(// "Run the event loops": a script cannot see the queues, so it lets the event loop turn until it is
// quiet: no new event for 4 turns and 5 ms at least (500 ms at most; 1 s for all of a sequence).
async function runEventLoops() {
  const start = performance.now(), limit = Math.max(0, Math.min(500, 1000 - waited)), floor = Math.min(5, limit);
)";

    constexpr std::string_view event_loops_main
        = R"(  for (let turns = 1, quiet = 0, seen = events.length; ; ++turns) {
    await new Promise(resolve => setImmediate(resolve));
    quiet = events.length === seen ? quiet + 1 : 0;
    seen = events.length;
    const elapsed = performance.now() - start;
    if ((quiet >= 4 && elapsed >= floor) || (elapsed >= limit && turns >= 4)) break;
  }
  waited += performance.now() - start;
}
)";

    constexpr std::string_view event_loops_worker = R"(  const w = worker?.running ? worker : undefined;
  if (w) tell(2); // the worker's event loop turns from now until the next command
  let seen = events.length, workerSeen = Atomics.load(control, 6), workerTurns = Atomics.load(control, 7);
  for (let turns = 1, quiet = 0; ; ++turns) {
    await new Promise(resolve => setImmediate(resolve));
    let changed = events.length !== seen;
    seen = events.length;
    if (w && Atomics.load(control, 6) !== workerSeen) [changed, workerSeen, workerTurns] = [true, Atomics.load(control, 6), Atomics.load(control, 7)];
    quiet = changed ? 0 : quiet + 1;
    const elapsed = performance.now() - start, workerQuiet = !w || Atomics.load(control, 7) - workerTurns >= 4;
    // A message between the threads is bound to neither's turns: wait until each is dispatched.
    const inFlight = worker !== undefined && (worker.received < Atomics.load(control, 8) || (worker.running && Atomics.load(control, 9) < worker.posted));
    if (quiet >= 4 && elapsed >= floor && workerQuiet && !inFlight) break;
    if (elapsed >= limit && turns >= 4 && (workerQuiet || elapsed >= limit + 500)) break;
  }
  if (w) events.push(...tell(3)); // the worker's events (compared per target, so after the main thread's)
  waited += performance.now() - start;
}
)";

    constexpr std::string_view worker_main
        = R"(// The dedicated worker, driven synchronously through `control` so that its event loop turns only
// while the event loops run (as in the model). Int32 slots: 0 the command's number, 1 the number of
// the last reply, 2-3 the command (1 post, 2 loop, 3 collect) and its label, 4 the reply's length,
// 5 ready, 6 the worker's events, 7 its turns, 8-9 the messages it posted and received; then the
// reply as JSON text.
function newWorker(label) {
  const w = new Worker(URL.createObjectURL(new Blob([WORKER_SCRIPT], { type: 'text/javascript' })), { type: 'module' });
  worker = { label, w, running: false, posted: 0, received: 0 };
  for (const type of ['message', 'messageerror']) w.addEventListener(type, e => { ++worker.received; record({ worker: label }, type, e); });
  w.postMessage(control.buffer); // its first message: the control buffer (not recorded)
}
function theWorker(label, running = false) { if (worker?.label !== label || (running && !worker.running)) throw notHeld; return worker; }
function workerRuns(label) { // "the worker's script has loaded and runs"
  if (theWorker(label).running) throw notHeld;
  if (Atomics.wait(control, 5, 0, 5000) === 'timed-out') exitWith(2, 'pmconf reproducer: the dedicated worker did not start within 5 s');
  worker.running = true;
}
function workerPost(label, ...args) { theWorker(label).w.postMessage(...args); ++worker.posted; }
function inWorker(workerLabel, label) { // the worker's postMessage of operation `label`, run in the worker
  theWorker(workerLabel, true);
  const r = tell(1, label);
  if (r.skipped) throw notHeld;
  if (r.threw) throw { workerError: r.error };
}
function tell(command, label = 0) {
  [control[2], control[3]] = [command, label];
  const n = Atomics.add(control, 0, 1) + 1;
  Atomics.notify(control, 0);
  while (Atomics.load(control, 1) !== n)
    if (Atomics.wait(control, 1, n - 1, 2000) === 'timed-out') exitWith(2, 'pmconf reproducer: the dedicated worker did not answer');
  return JSON.parse(new TextDecoder().decode(new Uint8Array(control.buffer, 64, control[4]).slice()));
}
)";

    // The worker's script; LABEL is the newWorker's label. (Inside a template literal: no backquote, no
    // dollar-brace.)
    constexpr std::string_view worker_script
        = R"(const held = new Map(), notHeld = Symbol('not held'), events = [];
let control, seen = 0;
const port = name => { if (!held.has(name)) throw notHeld; return held.get(name); };
const nextTurn = f => (typeof setImmediate === 'function' ? setImmediate(f) : setTimeout(f, 0));
function hold(name, p) {
  if (!held.has(name)) held.set(name, p);
  for (const type of ['message', 'messageerror', 'close']) p.addEventListener(type, e => record({ port: name.split('.').map(Number) }, type, e));
}
function record(target, type, e) {
  const event = { target, type };
  if (type === 'message') { const label = e.data[0]; event.message = label; event.ports = [...(e.ports || [])].map((p, i) => (hold(label + '.' + i, p), [label, i])); }
  events.push(event);
  Atomics.add(control, 6, 1);
}
function reply(value) {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  new Uint8Array(control.buffer, 64).set(bytes);
  Atomics.store(control, 4, bytes.length);
  Atomics.store(control, 1, seen);
  Atomics.notify(control, 1);
}
function errorName(e) {
  if (e instanceof DOMException) return e.name;
  return ['TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'Error'].find(n => e instanceof globalThis[n]) ?? 'non-error ' + typeof e;
}
// Commands are served blocked in Atomics.wait, so that the event loop does not turn, until one lets it.
function serve() {
  for (;;) {
    const woke = Atomics.wait(control, 0, seen, 30000);
    if (Atomics.load(control, 0) === seen) { if (woke === 'timed-out') return close(); continue; }
    seen = Atomics.load(control, 0);
    const command = control[2], label = control[3];
    if (command === 1) {
      try { posts[label](); Atomics.add(control, 8, 1); reply({}); } catch (e) { reply(e === notHeld ? { skipped: true } : { threw: true, error: errorName(e) }); }
    } else if (command === 2) {
      reply({});
      return nextTurn(turn);
    } else if (command === 3) {
      reply(events.splice(0));
    } else {
      return close();
    }
  }
}
function turn() {
  if (Atomics.load(control, 0) !== seen) return serve();
  Atomics.add(control, 7, 1);
  nextTurn(turn);
}
addEventListener('message', e => {
  if (!control) { // the first message: the control buffer; the script has loaded and waits for commands
    control = new Int32Array(e.data);
    Atomics.store(control, 5, 1);
    Atomics.notify(control, 5);
    return serve();
  }
  Atomics.add(control, 9, 1);
  record({ workerGlobal: LABEL }, 'message', e);
});
addEventListener('messageerror', e => { Atomics.add(control, 9, 1); record({ workerGlobal: LABEL }, 'messageerror', e); });
)";

} // namespace

OperationsCode operations_code(std::vector<Operation> const& ops)
{
    OperationsCode out;
    bool sab = false;
    bool worker = false;
    bool worker_made = false;
    std::uint32_t worker_label = 0;
    std::string worker_posts;
    bool worker_sab = false;
    auto line = [&](std::string const& s, Operation const& op, std::string const& note = "") {
        out.text += "  " + s + " // #" + std::to_string(op.label) + (note.empty() ? "" : ": " + note) + "\n";
    };
    for (auto const& op : ops) {
        auto const p = port_name(op.port);
        switch (op.kind) {
        case K::new_channel:
            line("step(() => { const c = new MessageChannel(); hold('" + std::to_string(op.label)
                    + ".0', c.port1); hold('" + std::to_string(op.label) + ".1', c.port2); });",
                op);
            break;
        case K::port_post:
            line("step(() => port(" + p + ").postMessage(" + message(op, sab) + transfer_argument(op) + "));",
                op);
            break;
        case K::port_start:
            line("step(() => port(" + p + ").start());", op);
            break;
        case K::port_set_onmessage:
            line("step(() => { port(" + p + ").onmessage = () => {}; });", op);
            break;
        case K::port_add_listener:
            line("step(() => port(" + p + ").addEventListener('message', () => {}));", op);
            break;
        case K::port_close:
            line("step(() => port(" + p + ").close());", op);
            break;
        case K::new_broadcast: {
            auto const label = std::to_string(op.label);
            line("step(() => { const b = new BroadcastChannel('" + std::string(1, char('a' + op.name))
                    + "'); channels.set(" + label + ", b); watch({ broadcast: " + label + " }, b); });",
                op);
            break;
        }
        case K::broadcast_post:
            line("step(() => channel(" + std::to_string(op.channel) + ").postMessage(" + message(op, sab)
                    + "));",
                op);
            break;
        case K::broadcast_close:
            line("step(() => channel(" + std::to_string(op.channel) + ").close());", op);
            break;
        case K::run_event_loops:
            out.text += "  await runEventLoops(); outcomes.push({}); // #" + std::to_string(op.label) + "\n";
            break;
        case K::new_worker:
            if (worker_made) {
                out.text += "  outcomes.push({ skipped: true }); // #" + std::to_string(op.label)
                    + ": at most one worker a sequence\n";
            } else if (op.unparsable_url) {
                line("step(() => { const w = new Worker('http://[', { type: 'module' }); try { "
                     "w.terminate(); } catch { /* gone */ } });",
                    op, "a URL that does not parse");
            } else {
                worker = worker_made = true;
                worker_label = op.label;
                line("step(() => newWorker(" + std::to_string(op.label) + "));", op);
            }
            break;
        case K::worker_runs:
            worker = true;
            line("step(() => workerRuns(" + std::to_string(op.channel) + "));", op);
            break;
        case K::worker_post:
            worker = true;
            line("step(() => workerPost(" + std::to_string(op.channel) + ", " + message(op, sab)
                    + transfer_argument(op) + "));",
                op);
            break;
        case K::worker_global_post:
            worker = true;
            line(
                "step(() => inWorker(" + std::to_string(op.channel) + ", " + std::to_string(op.label) + "));",
                op, "in the worker: postMessage, below");
            worker_posts += "  " + std::to_string(op.label) + ": () => postMessage(" + message(op, worker_sab)
                + transfer_argument(op) + "),\n";
            break;
        default:
            line("throw new Error(" + js_string(model::web_messaging::to_string(op)) + ");", op,
                "only the model runs this operation");
            break;
        }
    }
    out.text += "  done = true;\n  report({ outcomes, events });\n";

    out.state = "// What the operations show: an outcome each, and every event, in dispatch order.\n"
                "const outcomes = [], events = [];\n"
                "const held = new Map(), channels = new Map(), notHeld = Symbol('not held'); // ports by "
                "\"label.index\", BroadcastChannels by label\n"
                "let waited = 0, done = false; // runEventLoops' time so far; done: the sequence is over\n";
    if (worker) {
        out.state += "let worker; // the dedicated worker, once made\n"
                     "const control = new Int32Array(new SharedArrayBuffer(64 + 65536)); // see newWorker\n"
                     "// The worker's script: its operations by label, then what runs them.\n"
                     "const WORKER_SCRIPT = `const posts = {\n"
            + worker_posts + "};\n";
        if (worker_sab)
            out.state += "function sab(label) { const b = new SharedArrayBuffer(4); new "
                         "Uint8Array(b).fill(label % 256); return b; }\n";
        std::string script(worker_script);
        for (std::size_t at; (at = script.find("LABEL")) != std::string::npos;)
            script.replace(at, 5, std::to_string(worker_label));
        out.state += script + "`;\n";
    }

    out.library = std::string(recording);
    if (sab)
        out.library += sab_helper;
    out.library += event_loops_head;
    out.library += worker ? event_loops_worker : event_loops_main;
    if (worker)
        out.library += worker_main;
    out.library += "\nfunction slot(C, key, x) { return Reflect.getOwnPropertyDescriptor(C.prototype, "
                   "key).get.call(x); }\n"
                   "function brand(f) { try { f(); return true; } catch { return false; } }\n";
    out.library += error_name_code();
    return out;
}

} // namespace pmconf::reports::reproducer
