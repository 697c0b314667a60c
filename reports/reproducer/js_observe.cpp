#include "reports/reproducer/js_observe.h"

#include <string_view>
#include <vector>

namespace pmconf::reports::reproducer {

using conformance::NodeKind;

namespace {

    bool has(KindSet const& kinds, NodeKind k)
    {
        return kinds.contains(k);
    }
    bool has_any(KindSet const& kinds, std::initializer_list<NodeKind> ks)
    {
        for (auto k : ks)
            if (kinds.contains(k))
                return true;
        return false;
    }

    // One line of kindOf per kind, in the order the checks must run (a DOMException is an Error too,
    // a MessagePort an EventTarget, a Proxy looks like its target).
    struct KindCheck {
        std::vector<NodeKind> kinds;
        std::string_view line;
    };
    KindCheck const kind_checks[] = {
        { { NodeKind::proxy, NodeKind::callable_proxy },
            "  if (found.isProxy(x)) return typeof x === 'function' ? 'CallableProxy' : 'Proxy';\n" },
        { {}, "  if (typeof x === 'function') return 'Function';\n" },
        { { NodeKind::object_prototype }, "  if (x === Object.prototype) return 'Object.prototype';\n" },
        { {}, "  if (Array.isArray(x)) return 'Array';\n" },
        { { NodeKind::typed_array, NodeKind::data_view },
            "  if (ArrayBuffer.isView(x)) return slot(Object.getPrototypeOf(Int8Array), Symbol.toStringTag, "
            "x) === undefined ? 'DataView' : 'TypedArray';\n" },
        { { NodeKind::array_buffer, NodeKind::typed_array, NodeKind::data_view },
            "  if (brand(() => slot(ArrayBuffer, 'byteLength', x))) return 'ArrayBuffer';\n" },
        { { NodeKind::shared_array_buffer },
            "  if (brand(() => slot(SharedArrayBuffer, 'byteLength', x))) return 'SharedArrayBuffer';\n" },
        { { NodeKind::boolean_object },
            "  if (brand(() => Boolean.prototype.valueOf.call(x))) return 'Boolean';\n" },
        { { NodeKind::number_object },
            "  if (brand(() => Number.prototype.valueOf.call(x))) return 'Number';\n" },
        { { NodeKind::bigint_object },
            "  if (brand(() => BigInt.prototype.valueOf.call(x))) return 'BigInt';\n" },
        { { NodeKind::string_object },
            "  if (brand(() => String.prototype.valueOf.call(x))) return 'String';\n" },
        { { NodeKind::date }, "  if (brand(() => Date.prototype.getTime.call(x))) return 'Date';\n" },
        { { NodeKind::regexp },
            "  if (x !== RegExp.prototype && brand(() => slot(RegExp, 'global', x))) return 'RegExp';\n" },
        { { NodeKind::map }, "  if (brand(() => slot(Map, 'size', x))) return 'Map';\n" },
        { { NodeKind::set }, "  if (brand(() => slot(Set, 'size', x))) return 'Set';\n" },
        { { NodeKind::dom_exception },
            "  if (brand(() => slot(DOMException, 'name', x))) return 'DOMException';\n" },
        { { NodeKind::error },
            "  if (Object.prototype.toString.call(x) === '[object Error]') return 'Error';\n" },
        { { NodeKind::message_port }, "  if (x instanceof MessagePort) return 'MessagePort';\n" },
        { { NodeKind::image_bitmap }, "  if (x instanceof ImageBitmap) return 'ImageBitmap';\n" },
        { { NodeKind::weak_ref }, "  if (brand(() => WeakRef.prototype.deref.call(x))) return 'WeakRef';\n" },
        { { NodeKind::weak_map },
            "  if (brand(() => WeakMap.prototype.has.call(x, {}))) return 'WeakMap';\n" },
        { { NodeKind::weak_set },
            "  if (brand(() => WeakSet.prototype.has.call(x, {}))) return 'WeakSet';\n" },
        { { NodeKind::promise }, "  if (brand(() => Promise.prototype.then.call(x))) return 'Promise';\n" },
        { { NodeKind::platform_object }, "  if (x instanceof EventTarget) return 'PlatformObject';\n" },
    };

    // The fields readNode reads per kind.
    struct KindCase {
        std::vector<NodeKind> kinds;
        std::string_view line;
    };
    KindCase const node_cases[] = {
        { { NodeKind::array }, "  case 'Array': node.arrayLength = x.length; break;\n" },
        { { NodeKind::boolean_object },
            "  case 'Boolean': node.primitive = Boolean.prototype.valueOf.call(x); break;\n" },
        { { NodeKind::number_object },
            "  case 'Number': node.primitive = primitive(Number.prototype.valueOf.call(x)); break;\n" },
        { { NodeKind::bigint_object },
            "  case 'BigInt': node.primitive = primitive(BigInt.prototype.valueOf.call(x)); break;\n" },
        { { NodeKind::string_object },
            "  case 'String': node.primitive = primitive(String.prototype.valueOf.call(x)); break;\n" },
        { { NodeKind::date },
            "  case 'Date': node.date = primitive(Date.prototype.getTime.call(x)); break;\n" },
        { { NodeKind::regexp },
            "  case 'RegExp': Object.assign(node, regexpFields(x, found.regexps)); break;\n" },
        { { NodeKind::array_buffer, NodeKind::shared_array_buffer, NodeKind::typed_array,
              NodeKind::data_view },
            "  case 'ArrayBuffer': case 'SharedArrayBuffer': Object.assign(node, bufferFields(x, "
            "globalThis[kind])); break;\n" },
        { { NodeKind::typed_array, NodeKind::data_view },
            "  case 'TypedArray': case 'DataView': Object.assign(node, viewFields(x, kind, value)); "
            "found.views.push([node, x]); break;\n" },
        { { NodeKind::map },
            "  case 'Map': node.mapEntries = []; Map.prototype.forEach.call(x, (v, k) => "
            "node.mapEntries.push([value(k), value(v)])); break;\n" },
        { { NodeKind::set },
            "  case 'Set': node.setEntries = []; Set.prototype.forEach.call(x, v => "
            "node.setEntries.push(value(v))); break;\n" },
        { { NodeKind::error }, "  case 'Error': node.errorPrototype = errorPrototype(x); break;\n" },
        { { NodeKind::dom_exception },
            "  case 'DOMException': node.name = primitive(slot(DOMException, 'name', x)); node.message = "
            "primitive(slot(DOMException, 'message', x)); break;\n" },
        { { NodeKind::message_port },
            "  case 'MessagePort': node.portId = 0; found.ports.push([node, x]); break;\n" }, // portId:
                                                                                              // identifyPorts
        { { NodeKind::image_bitmap },
            "  case 'ImageBitmap': node.width = slot(ImageBitmap, 'width', x); node.height = "
            "slot(ImageBitmap, 'height', x); break;\n" },
    };

    bool wanted(KindSet const& kinds, std::vector<NodeKind> const& for_kinds)
    {
        if (for_kinds.empty())
            return true;
        for (auto k : for_kinds)
            if (kinds.contains(k))
                return true;
        return false;
    }

    constexpr std::string_view common
        = R"(// A built-in getter's value for x (an own property of x cannot shadow it), and whether f runs.
function slot(C, key, x) { return Reflect.getOwnPropertyDescriptor(C.prototype, key).get.call(x); }
function brand(f) { try { f(); return true; } catch { return false; } }
// A primitive as the protocol writes it: -0, NaN, Infinity, BigInts and ill-formed strings spelled out.
function primitive(v) {
  if (typeof v === 'number') return Object.is(v, -0) ? { t: 'number', v: '-0' } : Number.isFinite(v) ? v : { t: 'number', v: String(v) };
  if (typeof v === 'string') return v.isWellFormed() ? v : { t: 'string', u16: Array.from({ length: v.length }, (_, i) => v.charCodeAt(i)) };
  if (typeof v === 'bigint') return { t: 'bigint', v: String(v) };
  return v === undefined ? { t: 'undefined' } : v;
}
)";

    constexpr std::string_view error_name
        = R"(// What pmconf calls a thrown value: a DOMException's name, else the native error constructor on its chain.
function errorName(e) {
  if (brand(() => slot(DOMException, 'name', e))) return slot(DOMException, 'name', e);
  for (let p = Object(e) === e ? Object.getPrototypeOf(e) : null; p !== null; p = Object.getPrototypeOf(p))
    for (const n of ['Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError', 'AggregateError']) if (globalThis[n].prototype === p) return n;
  return Object(e) === e ? `non-error object (${Object.prototype.toString.call(e)})` : `non-error ${typeof e}`;
}
)";

    constexpr std::string_view graph_head = R"(
// The result as a value graph: nodes numbered breadth-first from the root, each node's children in
// pmconf's order (own properties, then entries, then a view's buffer), as docs/protocol.md says.
function readGraph(root, found) {
  const index = new Map(), queue = [];
  const value = v => {
    if (Object(v) !== v && typeof v !== 'symbol') return primitive(v);
    if (!index.has(v)) index.set(v, queue.push(v) - 1);
    return { ref: index.get(v) };
  };
  const graph = { root: value(root), nodes: [] };
  for (let i = 0; i < queue.length; ++i) graph.nodes.push(readNode(queue[i], value, found));
  return graph;
}
function readNode(x, value, found) {
  const kind = kindOf(x, found);
)";

    constexpr std::string_view graph_props = R"(  const node = { kind, props: [] };
  for (const key of Reflect.ownKeys(x)) { // every own property but those the node's fields say
    if (typeof key === 'symbol' ? ['MessagePort', 'DOMException', 'ImageBitmap', 'PlatformObject'].includes(kind) : fieldKey(key)) continue;
    const d = Reflect.getOwnPropertyDescriptor(x, key);
    const prop = typeof key === 'symbol' ? { symbol: value(key).ref } : { key: primitive(key) };
    if ('value' in d) prop.value = value(d.value); else prop.getter = { label: 0 };
    if (!d.enumerable) prop.enumerable = false;
    node.props.push(prop);
  }
  switch (kind) {
)";

} // namespace

std::string error_name_code()
{
    return std::string(error_name);
}

std::string clone_observation_code(KindSet const& result_kinds, ObserveNeeds const& needs)
{
    KindSet kinds = result_kinds;
    kinds.insert(NodeKind::object);
    kinds.insert(NodeKind::array);
    if (has(kinds, NodeKind::dom_exception)) // implementations confuse the two
        kinds.insert(NodeKind::error);
    bool const views = has_any(kinds, { NodeKind::typed_array, NodeKind::data_view });
    if (views)
        kinds.insert(NodeKind::array_buffer);
    bool const reads = needs.reads_result;
    bool const result_ports = reads && has(kinds, NodeKind::message_port);
    bool const input_ports = needs.inputs.contains(NodeKind::message_port);
    bool const ports = result_ports || input_ports;
    bool const proxies = reads && has_any(kinds, { NodeKind::proxy, NodeKind::callable_proxy });

    std::string s
        = "\n// "
          "---------------------------------------------------------------------------------------------\n"
          "// How this file reads what happened: a pmconf protocol v1 Observation (docs/protocol.md), by "
          "its\n"
          "// own code (not the adapter's), for the kinds of value this case can hold.\n";
    s += common;
    s += error_name;

    // observe(): the Observation, then the probes that change things.
    s += "// What happened: the result (or what was thrown), the transferables' state and the getter calls;\n"
         "// then the probes that change things, in this order: views (resizes result buffers), ports.\n"
         "async function observe(call) {\n";
    if (reads)
        s += std::string("  const found = { views: [], ports: [], regexps: call.regexps ?? []")
            + (proxies ? ", isProxy: (await import('node:util')).types.isProxy" : "") + " };\n";
    s += "  const o = { threw: call.threw, getterCalls: [...(call.getterCalls ?? [])] };\n";
    if (needs.message_channel)
        s += "  if (call.error) o.error = call.error; // a messageerror event, or no message\n  else ";
    else
        s += "  ";
    s += "if (call.threw) o.error = { name: errorName(call.thrown), domException: brand(() => "
         "slot(DOMException, 'name', call.thrown)) };\n";
    if (reads)
        s += "  else o.result = readGraph(call.result, found);\n";
    else // the spec throws, and so did the implementation in the run
        s += "  else o.result = { root: { t: 'undefined' }, nodes: [] }; // (the spec throws here: what came "
             "back is not read)\n";
    if (needs.getters_throw)
        s += "  if (call.threw && call.thrownByGetters.some(v => Object.is(v, call.thrown))) // what a "
             "getter threw\n"
             "    [o.error, o.thrownValue] = [{ name: 'user value' }, Object(call.thrown) === call.thrown || "
             "typeof call.thrown === 'symbol' ? '<object>' : primitive(call.thrown)];\n";
    // One state per input ArrayBuffer, ImageBitmap and MessagePort (a port's is probed last).
    std::vector<std::string> branches;
    if (needs.inputs.contains(NodeKind::array_buffer))
        branches.push_back("kind === 'ArrayBuffer' ? { node, detached: isDetached(x), byteLength: "
                           "slot(ArrayBuffer, 'byteLength', x) }");
    if (needs.inputs.contains(NodeKind::image_bitmap))
        branches.push_back("kind === 'ImageBitmap' ? { node, detached: slot(ImageBitmap, 'width', x) === 0 "
                           "&& slot(ImageBitmap, 'height', x) === 0 }");
    if (input_ports)
        branches.push_back("kind === 'MessagePort' ? { node, port: x }");
    if (!branches.empty()) {
        auto& last = branches.back(); // the last needs no test: it is what is left
        last = last.substr(last.find("? ") + 2);
        s += std::string("  ") + (ports ? "const states" : "o.transferables")
            + " = call.inputs.map(([node, kind, x]) => (";
        for (std::size_t i = 0; i < branches.size(); ++i)
            s += (i ? "\n    : " : "") + branches[i];
        s += "));\n";
    }
    if (reads && views && needs.length_tracking)
        s += "  probeLengthTracking(found.views);\n";
    if (result_ports)
        s += "  await identifyPorts(found.ports, call.inputPorts ?? []);\n";
    if (ports) {
        if (branches.empty())
            s += "  const states = [];\n";
        s += R"(  const probed = new Map(); // port -> detached
  const detached = p => (probed.has(p) ? probed.get(p) : probed.set(p, isDetachedPort(p)).get(p));
  o.transferables = states.map(s => (s.port ? { node: s.node, detached: detached(s.port) } : s));
)";
        if (result_ports)
            s += "  for (const [node, port] of found.ports) if (detached(port)) node.detached = true;\n";
    } else if (branches.empty()) {
        s += "  o.transferables = [];\n";
    }
    s += "  return o;\n}\n";

    if (reads) {
        s += graph_head;
        if (has(kinds, NodeKind::symbol))
            s += "  if (kind === 'Symbol') return x.description === undefined ? { kind } : { kind, "
                 "description: primitive(x.description) };\n";
        // The own keys a node's fields already say.
        s += "  const fieldKey = key => (kind === 'Array' && key === 'length')";
        if (has(kinds, NodeKind::string_object))
            s += "\n    || (kind === 'String' && (key === 'length' || (/^(0|[1-9][0-9]*)$/.test(key) && "
                 "Number(key) < String.prototype.valueOf.call(x).length)))";
        if (has(kinds, NodeKind::regexp))
            s += "\n    || (kind === 'RegExp' && key === 'lastIndex')";
        if (has(kinds, NodeKind::typed_array))
            s += "\n    || (kind === 'TypedArray' && (key === '-0' || String(Number(key)) === key))";
        s += ";\n";
        s += graph_props;
        for (auto const& c : node_cases)
            if (wanted(kinds, c.kinds))
                s += c.line;
        s += "  }\n  return node;\n}\n";
        s += "function kindOf(x, found) {\n  if (typeof x === 'symbol') return 'Symbol';\n";
        for (auto const& c : kind_checks)
            if (wanted(kinds, c.kinds))
                s += c.line;
        s += "  return 'Object';\n}\n";
    }
    bool const buffers = reads && has_any(kinds, { NodeKind::array_buffer, NodeKind::shared_array_buffer });
    if (buffers || needs.inputs.contains(NodeKind::array_buffer))
        s += "function isDetached(b) { return !brand(() => new Uint8Array(b)); }\n";
    if (buffers)
        s += R"(function bufferFields(x, C) {
  const detached = C === ArrayBuffer && isDetached(x);
  const fields = { byteLength: slot(C, 'byteLength', x), bytes: detached ? '' : Array.from(new Uint8Array(x), b => b.toString(16).padStart(2, '0')).join('') };
  if (slot(C, C === ArrayBuffer ? 'resizable' : 'growable', x)) fields.maxByteLength = slot(C, 'maxByteLength', x);
  return detached ? { ...fields, detached } : fields;
}
)";
    if (reads && views)
        s += R"(function viewFields(x, kind, value) {
  const C = kind === 'DataView' ? DataView : Object.getPrototypeOf(Int8Array);
  const fields = { viewType: kind === 'DataView' ? kind : slot(C, Symbol.toStringTag, x), byteOffset: 0, length: 0 };
  try { // a DataView out of bounds throws (a typed array reads 0, 0)
    [fields.byteOffset, fields.length] = [slot(C, 'byteOffset', x), slot(C, kind === 'DataView' ? 'byteLength' : 'length', x)];
  } catch { /* 0, 0 */ }
  fields.buffer = value(slot(C, 'buffer', x)).ref;
  return fields;
}
)";
    if (reads && views && needs.length_tracking)
        s += R"(// A length-tracking view reads like a fixed-length one: resize (or grow) its buffer and watch the
// view. It changes the result, so it runs once everything is read.
function probeLengthTracking(views) {
  for (const [node, view] of views) {
    const dataView = node.viewType === 'DataView', C = dataView ? DataView : Object.getPrototypeOf(Int8Array);
    const size = dataView ? 1 : globalThis[node.viewType].BYTES_PER_ELEMENT, end = node.byteOffset + (node.length + 1) * size;
    const length = () => slot(C, dataView ? 'byteLength' : 'length', view);
    const inBounds = () => brand(() => (dataView ? length() : C.prototype.entries.call(view)));
    const buffer = slot(C, 'buffer', view);
    try {
      if (brand(() => slot(ArrayBuffer, 'byteLength', buffer))) {
        if (!slot(ArrayBuffer, 'resizable', buffer) || isDetached(buffer)) continue;
        const was = slot(ArrayBuffer, 'byteLength', buffer), max = slot(ArrayBuffer, 'maxByteLength', buffer);
        let tracking = false;
        if (max >= end) {
          ArrayBuffer.prototype.resize.call(buffer, max);
          tracking = length() !== node.length;
        } else if (node.length >= 1) { // shrunk by one byte, a fixed-length view goes out of bounds
          ArrayBuffer.prototype.resize.call(buffer, end - size - 1);
          tracking = inBounds();
        }
        ArrayBuffer.prototype.resize.call(buffer, was);
        if (tracking) node.length = null;
      } else if (slot(SharedArrayBuffer, 'growable', buffer) && slot(SharedArrayBuffer, 'maxByteLength', buffer) >= end) {
        SharedArrayBuffer.prototype.grow.call(buffer, slot(SharedArrayBuffer, 'maxByteLength', buffer));
        if (length() !== node.length) node.length = null;
      }
    } catch { /* it stays fixed-length */ }
  }
}
)";
    if (reads && has(kinds, NodeKind::regexp))
        s += R"(// A RegExp's getters show its source escaped and its flags sorted: a result that reads like an
// input RegExp is given that input's source and flags as written.
function regexpFields(x, inputs) {
  const source = slot(RegExp, 'source', x), flags = slot(RegExp, 'flags', x);
  const input = inputs.find(([r]) => slot(RegExp, 'source', r) === source && slot(RegExp, 'flags', r) === flags);
  return { source: primitive(input ? input[1] : source), flags: input ? input[2] : flags, lastIndex: primitive(x.lastIndex) };
}
)";
    if (reads && has(kinds, NodeKind::error))
        s += R"(function errorPrototype(x) {
  const p = Object.getPrototypeOf(x);
  return ['Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError'].find(n => globalThis[n].prototype === p)
    ?? (p === null ? 'null' : p === Object.prototype ? 'Object' : 'other');
}
)";
    if (result_ports)
        s += R"(// Which input port is each result port? Each input port's partner posts the port's id; the result
// port transferred from it receives it. A result port that is an input port is that port.
async function identifyPorts(resultPorts, inputPorts) {
  const pending = [];
  for (const [node, port] of resultPorts) {
    const same = inputPorts.find(([p]) => p === port);
    if (same) node.portId = same[2]; else pending.push([node, port]);
  }
  if (pending.length === 0) return;
  await new Promise(resolve => {
    let left = pending.length;
    for (const [node, port] of pending)
      port.onmessage = e => { if (node.portId === 0 && typeof e.data === 'number') { node.portId = e.data; if (--left === 0) resolve(); } };
    for (const [, partner, id] of inputPorts) try { partner.postMessage(id); } catch { /* closed */ }
    setTimeout(resolve, 1000);
  });
}
)";
    if (ports)
        s += R"(// A port is detached when transferring it throws a "DataCloneError" DOMException.
function isDetachedPort(port) {
  const { port1, port2 } = new MessageChannel();
  try { port1.postMessage(null, [port]); return false; } catch (e) { return e instanceof DOMException && e.name === 'DataCloneError'; } finally { port1.close(); port2.close(); }
}
)";
    return s;
}

} // namespace pmconf::reports::reproducer
