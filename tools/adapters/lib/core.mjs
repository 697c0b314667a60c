// pmconf IUT core: builds a Scenario's live values from their protocol v1 encoding
// (docs/protocol.md), runs it on the implementation under test (structuredClone or MessageChannel
// mode), encodes what happened as an Observation, and probes capabilities; or runs a sequence of
// messaging operations (operations mode) and reports their outcomes and the events they caused.
// Runs unchanged under Node.js, Deno and Bun.
//
// Used two ways: imported by pmconf-adapter.mjs (the protocol main), and inlined verbatim by
// pmconf into standalone reproducer files (repro/template.mjs). Hence the rules for this file:
// no static `import` statement (dynamic import() only), the host's `process` only as
// globalThis.process, and no top-level name that the reproducer template or lib/compare.mjs
// also declares.
//
//   await setImplementation('native' | 'ungap' | 'core-js' | 'core-js-pure', { adaptersDir })
//   describeImplementation()  -> { implementation, version, runtime, runtimeVersion }
//   await probeCapabilities() -> { 'structured-clone': true, ... }
//   await runScenario(json)   -> an Observation (JSON-ready object); throws AdapterError when the
//                                Scenario is malformed or cannot exist in a real realm
//   parseScenario(json, where) and runParsedScenario(parsed, where): the same in two halves, so
//                                that a batch can be parsed whole before anything runs
//   await runParsedScenarios(parsedList, { where, before, reuseChannels }) -> the Observations
//                                of a batch, in order, as if each ran alone (waits for messages
//                                overlap; with reuseChannels, MessageChannels are pooled; see there)
//   closeChannelPool()        closes the pooled MessageChannels
//
// A Scenario of mode `operations` (docs/protocol.md, "Operation sequences (messaging)") goes
// through the same entry points; its Observation is {outcomes, events} (see "Operation
// sequences" below).
//
// It never trusts the runtime's own deep-equality: every result node is read back with brand
// checks on intrinsics captured when this file is evaluated, before any Scenario can touch them.
//
// Design notes (see also README.md):
//
// * A Scenario whose graph cannot exist in a real JavaScript realm (a Date holding -0, an
//   out-of-bounds view of a fixed-length buffer, a detach-key buffer that is not a whole number of
//   WebAssembly pages, ...) or that is malformed throws an AdapterError naming the Scenario and
//   the node; the protocol main fails the whole batch with {"pmconf":"error"}: protocol v1 has no
//   per-Scenario "not runnable" answer.
//
// * MessagePort identity. Each MessagePort node is port1 of its own `new MessageChannel()`; a side
//   table maps the port object to the node's portId and keeps port2 (its partner). A port in the
//   result is normally a different object, so after the call the adapter asks the ports
//   themselves: each input port's partner posts its portId, and a result port that receives N is
//   the port that was entangled with input port N, i.e. the transfer of that input port. A result
//   port that is the very same object as an input port (an implementation that did not transfer)
//   is identified through the side table. A result port that hears nothing within the probe time
//   gets portId 0 (no generated port has id 0). This uses no ordering assumption at all, so it
//   also catches an implementation that swaps ports.
//
// * Detached state of a MessagePort is probed by trying to transfer it through a scratch
//   MessageChannel: HTML's postMessage throws a "DataCloneError" DOMException for a detached port.
//   The probe transfers a live port away, so it runs last, after everything else is recorded.
//
// * A length-tracking view cannot be told from a fixed-length one by reading it; for a result view
//   on a resizable or growable buffer the adapter resizes (or grows) the result buffer after the
//   whole result is encoded and watches the view's length. If no reachable buffer size tells the
//   two apart they are equivalent and the view is reported fixed-length.
//
// * A getter a Scenario throws from is recognised by identity (Object.is) with the values the
//   Scenario's getters threw; anything else is classified by brand: a DOMException's name, or the
//   native error constructor whose prototype the thrown object has.
//
// * Getters may define or delete properties of %Object.prototype%. Its own properties are
//   snapshotted at start-up and restored after every Scenario that can change it (parseScenario
//   knows which); while a Scenario runs the adapter reads only own properties of its own records,
//   so a polluted prototype cannot reach it. Such a Scenario runs alone, never overlapped with
//   another.
//
// * thrownValue: an object or symbol a getter threw is encoded as the string "<object>" (as the
//   reference model does): an Observation that threw has no result graph to point into.

// ---------------------------------------------------------------------------------------------
// Intrinsics, captured before anything else runs.

const G = globalThis;
const R = Reflect;
const hasOwn = Object.hasOwn ?? ((o, k) => Object.prototype.hasOwnProperty.call(o, k));
const noArgs = [];
function call(fn, thisArg, a, b) { // R.apply without a rest-parameter array for the usual arities
    switch (arguments.length) {
    case 2: return R.apply(fn, thisArg, noArgs);
    case 3: return R.apply(fn, thisArg, [a]);
    default: return R.apply(fn, thisArg, [a, b]);
    }
}
const getterOf = (proto, key) => {
    if (!proto)
        return undefined;
    const d = R.getOwnPropertyDescriptor(proto, key);
    return d && hasOwn(d, 'get') ? d.get : undefined;
};
const methodOf = (proto, key) => {
    if (!proto)
        return undefined;
    const d = R.getOwnPropertyDescriptor(proto, key);
    return d && hasOwn(d, 'value') ? d.value : undefined;
};

const TypedArrayPrototype = Object.getPrototypeOf(Int8Array.prototype);
const typedArrayNames = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
    'Uint32Array', 'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array'];
const errorNames = ['Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError'];

const I = {
    structuredClone: typeof G.structuredClone === 'function' ? G.structuredClone : undefined,
    MessageChannel: typeof G.MessageChannel === 'function' ? G.MessageChannel : undefined,
    MessagePort: typeof G.MessagePort === 'function' ? G.MessagePort : undefined,
    BroadcastChannel: typeof G.BroadcastChannel === 'function' ? G.BroadcastChannel : undefined,
    DOMException: typeof G.DOMException === 'function' ? G.DOMException : undefined,
    ImageBitmap: typeof G.ImageBitmap === 'function' ? G.ImageBitmap : undefined,
    createImageBitmap: typeof G.createImageBitmap === 'function' ? G.createImageBitmap : undefined,
    ImageData: typeof G.ImageData === 'function' ? G.ImageData : undefined,
    EventTarget: typeof G.EventTarget === 'function' ? G.EventTarget : undefined,
    AbortController: typeof G.AbortController === 'function' ? G.AbortController : undefined,
    SharedArrayBuffer: typeof G.SharedArrayBuffer === 'function' ? G.SharedArrayBuffer : undefined,
    WeakRef: typeof G.WeakRef === 'function' ? G.WeakRef : undefined,
    WasmMemory: typeof G.WebAssembly === 'object' && G.WebAssembly && typeof G.WebAssembly.Memory === 'function'
        ? G.WebAssembly.Memory : undefined,
    ObjectPrototype: Object.prototype,
    objectToString: Object.prototype.toString,
    isArray: Array.isArray,
    isView: ArrayBuffer.isView,
    isError: typeof Error.isError === 'function' ? Error.isError : undefined,
    getPrototypeOf: Object.getPrototypeOf,
    defineProperty: Object.defineProperty,
    fromCharCode: String.fromCharCode,
    charCodeAt: String.prototype.charCodeAt,
    BigInt: G.BigInt,
    Symbol: G.Symbol,
    abByteLength: getterOf(ArrayBuffer.prototype, 'byteLength'),
    abMaxByteLength: getterOf(ArrayBuffer.prototype, 'maxByteLength'),
    abResizable: getterOf(ArrayBuffer.prototype, 'resizable'),
    abDetached: getterOf(ArrayBuffer.prototype, 'detached'),
    abResize: methodOf(ArrayBuffer.prototype, 'resize'),
    sabByteLength: G.SharedArrayBuffer ? getterOf(G.SharedArrayBuffer.prototype, 'byteLength') : undefined,
    sabMaxByteLength: G.SharedArrayBuffer ? getterOf(G.SharedArrayBuffer.prototype, 'maxByteLength') : undefined,
    sabGrowable: G.SharedArrayBuffer ? getterOf(G.SharedArrayBuffer.prototype, 'growable') : undefined,
    sabGrow: G.SharedArrayBuffer ? methodOf(G.SharedArrayBuffer.prototype, 'grow') : undefined,
    taTag: getterOf(TypedArrayPrototype, Symbol.toStringTag),
    taBuffer: getterOf(TypedArrayPrototype, 'buffer'),
    taByteOffset: getterOf(TypedArrayPrototype, 'byteOffset'),
    taLength: getterOf(TypedArrayPrototype, 'length'),
    taEntries: methodOf(TypedArrayPrototype, 'entries'),
    dvBuffer: getterOf(DataView.prototype, 'buffer'),
    dvByteOffset: getterOf(DataView.prototype, 'byteOffset'),
    dvByteLength: getterOf(DataView.prototype, 'byteLength'),
    booleanValueOf: Boolean.prototype.valueOf,
    numberValueOf: Number.prototype.valueOf,
    stringValueOf: String.prototype.valueOf,
    bigintValueOf: BigInt.prototype.valueOf,
    symbolValueOf: Symbol.prototype.valueOf,
    symbolDescription: getterOf(Symbol.prototype, 'description'),
    dateGetTime: Date.prototype.getTime,
    regexpGlobal: getterOf(RegExp.prototype, 'global'),
    regexpSource: getterOf(RegExp.prototype, 'source'),
    regexpFlags: getterOf(RegExp.prototype, 'flags'),
    mapSize: getterOf(Map.prototype, 'size'),
    mapForEach: Map.prototype.forEach,
    mapSet: Map.prototype.set,
    mapDelete: Map.prototype.delete,
    setSize: getterOf(Set.prototype, 'size'),
    setForEach: Set.prototype.forEach,
    setAdd: Set.prototype.add,
    setDelete: Set.prototype.delete,
    weakMapHas: WeakMap.prototype.has,
    weakSetHas: WeakSet.prototype.has,
    weakRefDeref: G.WeakRef ? G.WeakRef.prototype.deref : undefined,
    promiseThen: Promise.prototype.then,
    domName: G.DOMException ? getterOf(G.DOMException.prototype, 'name') : undefined,
    domMessage: G.DOMException ? getterOf(G.DOMException.prototype, 'message') : undefined,
    bitmapWidth: G.ImageBitmap ? getterOf(G.ImageBitmap.prototype, 'width') : undefined,
    bitmapHeight: G.ImageBitmap ? getterOf(G.ImageBitmap.prototype, 'height') : undefined,
    bitmapClose: G.ImageBitmap ? methodOf(G.ImageBitmap.prototype, 'close') : undefined,
    setTimeout: G.setTimeout,
    clearTimeout: G.clearTimeout,
    setImmediate: typeof G.setImmediate === 'function' ? G.setImmediate : undefined,
    // Dedicated workers (operation sequences): a web Worker from a Blob URL, driven through a
    // SharedArrayBuffer with Atomics (see "Dedicated workers" below).
    Worker: typeof G.Worker === 'function' ? G.Worker : undefined,
    Blob: typeof G.Blob === 'function' ? G.Blob : undefined,
    createObjectURL: typeof G.URL === 'function' && typeof G.URL.createObjectURL === 'function' ? G.URL.createObjectURL : undefined,
    URL: typeof G.URL === 'function' ? G.URL : undefined,
    TextEncoder: typeof G.TextEncoder === 'function' ? G.TextEncoder : undefined,
    TextDecoder: typeof G.TextDecoder === 'function' ? G.TextDecoder : undefined,
    atomicsWait: typeof G.Atomics === 'object' && G.Atomics ? G.Atomics.wait : undefined,
    atomicsLoad: typeof G.Atomics === 'object' && G.Atomics ? G.Atomics.load : undefined,
    atomicsStore: typeof G.Atomics === 'object' && G.Atomics ? G.Atomics.store : undefined,
    atomicsNotify: typeof G.Atomics === 'object' && G.Atomics ? G.Atomics.notify : undefined,
    performance: G.performance,
    performanceNow: G.performance && typeof G.performance.now === 'function' ? G.performance.now : undefined,
    errorPrototypes: errorNames.map(n => [n, G[n].prototype]),
    otherErrorPrototypes: [
        ['AggregateError', G.AggregateError], ['SuppressedError', G.SuppressedError],
        ['WebAssembly.CompileError', G.WebAssembly?.CompileError], ['WebAssembly.LinkError', G.WebAssembly?.LinkError],
        ['WebAssembly.RuntimeError', G.WebAssembly?.RuntimeError],
    ].filter(([, c]) => typeof c === 'function').map(([n, c]) => [n, c.prototype]),
    typedArrays: typedArrayNames.filter(n => typeof G[n] === 'function').map(n => [n, G[n]]),
};
const typedArrayCtor = new Map(I.typedArrays);
const elementSize = name => name === 'DataView' ? 1 : typedArrayCtor.get(name).BYTES_PER_ELEMENT;

let isProxy = () => false;
let isPromise = x => {
    try {
        call(I.promiseThen, x, undefined, undefined);
        return true;
    } catch {
        return false;
    }
};
try {
    const util = await import('node:util');
    if (util.types && typeof util.types.isProxy === 'function')
        isProxy = util.types.isProxy;
    if (util.types && typeof util.types.isPromise === 'function')
        isPromise = util.types.isPromise;
} catch { /* no node:util: proxies are not detectable, promises by brand */ }

// ---------------------------------------------------------------------------------------------
// Which runtime, which implementation.

const runtime = typeof G.Bun !== 'undefined' ? 'bun' : typeof G.Deno !== 'undefined' ? 'deno' : 'node';
const runtimeVersion = runtime === 'bun' ? G.Bun.version : runtime === 'deno' ? G.Deno.version.deno : G.process.version;

// Imports a polyfill with the runtime's own structuredClone (and PerformanceMark, which core-js
// would use as a native cloner) hidden, so that the polyfill cannot hand the work to the
// runtime: the point is to test the polyfill. The globals are restored afterwards; what the
// module installed on globalThis.structuredClone meanwhile is returned as `installed`.
async function importWithoutNative(specifier) {
    const hidden = ['structuredClone', 'PerformanceMark'];
    const saved = hidden.map(k => [k, R.getOwnPropertyDescriptor(G, k)]);
    for (const k of hidden)
        delete G[k];
    try {
        const module = await import(specifier);
        const d = R.getOwnPropertyDescriptor(G, 'structuredClone');
        return { module, installed: d && hasOwn(d, 'value') ? d.value : undefined };
    } finally {
        for (const k of hidden)
            delete G[k];
        for (const [k, d] of saved)
            if (d)
                R.defineProperty(G, k, d);
    }
}

// The directory that holds node_modules with the polyfills, as a file URL ending in '/'. A
// relative path is taken from the process's working directory (reproducers run from the
// repository root, where the default 'tools/adapters' points).
async function adaptersDirUrl(adaptersDir) {
    if (adaptersDir instanceof URL)
        return new URL(adaptersDir.href.endsWith('/') ? adaptersDir.href : `${adaptersDir.href}/`);
    const dir = String(adaptersDir);
    if (/^file:/.test(dir))
        return new URL(dir.endsWith('/') ? dir : `${dir}/`);
    const path = await import('node:path');
    const url = await import('node:url');
    const cwd = G.process && typeof G.process.cwd === 'function' ? G.process.cwd() : G.Deno.cwd();
    return url.pathToFileURL(`${path.resolve(cwd, dir)}/`);
}

// The polyfills' entry points, as files inside their packages (not bare specifiers, which would
// resolve from wherever this text happens to live).
const polyfills = {
    ungap: { pkg: '@ungap/structured-clone', entry: 'esm/index.js' },
    'core-js': { pkg: 'core-js', entry: 'actual/structured-clone.js' },
    'core-js-pure': { pkg: 'core-js-pure', entry: 'actual/structured-clone.js' },
};

async function packageVersion(base, name) {
    const m = await import(new URL(`node_modules/${name}/package.json`, base).href, { with: { type: 'json' } });
    return String(m.default.version);
}

let clone = I.structuredClone; // (value, options) => result: the implementation under test
let implementation = runtime;
let version = runtimeVersion;
let nativeImpl = true;

// Selects the implementation under test. Throws an AdapterError for an unknown name or one that
// gives no structuredClone function; a polyfill that is not installed makes import() throw.
export async function setImplementation(impl = 'native', { adaptersDir = 'tools/adapters' } = {}) {
    if (impl === 'native') {
        if (!I.structuredClone)
            fail(`${runtime} has no structuredClone`);
        clone = I.structuredClone;
        implementation = runtime;
        version = runtimeVersion;
        nativeImpl = true;
        return describeImplementation();
    }
    if (!hasOwn(polyfills, impl))
        fail(`unknown implementation ${JSON.stringify(impl)}`);
    const { pkg, entry } = polyfills[impl];
    const base = await adaptersDirUrl(adaptersDir);
    const loaded = await importWithoutNative(new URL(`node_modules/${pkg}/${entry}`, base).href);
    // ungap: the default export. core-js: the global build installs its structuredClone on
    // globalThis (forced, as the native one is hidden while it loads); take it, and the runtime's
    // own is put back. core-js-pure: the "pure" build (no global changes), whose clones of Maps
    // and Sets are core-js's own collection objects, not the realm's Map and Set.
    const fn = impl === 'core-js' ? loaded.installed : loaded.module.default;
    if (typeof fn !== 'function')
        fail(`${impl}: no structuredClone function`);
    clone = fn;
    implementation = impl;
    version = await packageVersion(base, pkg);
    nativeImpl = false;
    return describeImplementation();
}

export function describeImplementation() {
    return { implementation, version, runtime, runtimeVersion };
}

// A deliberate adapter bug, for pmconf's own tests only (pmconf-adapter.mjs --plant NAME): they
// show that a reproducer, which builds its values with its own code, does not confirm an artefact
// of the adapter. 'zero-buffer-bytes': the first byte of every non-empty, non-detached
// ArrayBuffer node is zeroed once it is built (finishBuffer). null: none (the default).
const plantableArtefacts = ['zero-buffer-bytes'];
let plantedArtefact = null;
export function plantArtefact(name) {
    if (name !== null && !plantableArtefacts.includes(name))
        fail(`unknown artefact ${JSON.stringify(name)} (known: ${plantableArtefacts.join(', ')})`);
    plantedArtefact = name;
}

// ---------------------------------------------------------------------------------------------
// Small helpers that are safe while %Object.prototype% is polluted: no reads of absent keys, no
// [[Set]] on arrays (an accessor without a setter on %Object.prototype% would make it throw).
//
// The adapter's own records are object literals (or class instances) that define every field
// they will ever have up front, with undefined for "absent": defining (CreateDataProperty),
// reading an own field and assigning to an own data field never consult the prototype chain, so
// they are safe whatever %Object.prototype% holds, and V8 keeps them in fast mode. Records that
// end up in an Observation skip their undefined fields when stringified (JSON.stringify omits
// them), and the exported single-Scenario entry points return the Observation as JSON-parsed.
//
// Only a Scenario that can change %Object.prototype% (a node of that kind with properties, or a
// getter effect on it; see mayPolluteObjectPrototype) runs with `guarded` set: then `append`
// defines array elements instead of [[Set]]-ing them (push would consult %Object.prototype% for
// the index). Such a Scenario runs alone, never overlapped with another (runParsedScenarios).

let guarded = false;
function append(array, value) {
    if (guarded)
        I.defineProperty(array, array.length, { value, writable: true, enumerable: true, configurable: true });
    else
        array.push(value);
}

export class AdapterError extends Error { }
const fail = message => { throw new AdapterError(message); };


function nativeDetachBuffer(buffer) {
    // Author code detaches by transferring. Never through the IUT: a polyfill may not detach.
    I.structuredClone(buffer, { transfer: [buffer] });
}

function isDetachedBuffer(buffer) {
    if (I.abDetached)
        return call(I.abDetached, buffer);
    try {
        new Uint8Array(buffer);
        return false;
    } catch {
        return true;
    }
}

// A port is detached when transferring it throws a "DataCloneError" DOMException (HTML's
// postMessage, StructuredSerializeWithTransfer step 5.2). Any other exception does not count:
// Deno, for one, throws a TypeError ("not ready for transfer") for a live port that has been
// started. The probe transfers a live port away (to a scratch channel that is closed at once),
// so it is only used after everything else has been recorded.
function probePortDetached(port) {
    const scratch = new I.MessageChannel();
    try {
        scratch.port1.postMessage(null, [port]);
        return false;
    } catch (e) {
        return isDOMException(e) && call(I.domName, e) === 'DataCloneError';
    } finally {
        scratch.port1.close();
        scratch.port2.close();
    }
}

function detachPort(port, ctx) {
    // Transfer the port to a scratch channel (kept open until the Scenario's clean-up).
    const scratch = new I.MessageChannel();
    append(ctx.closers, scratch.port1);
    append(ctx.closers, scratch.port2);
    scratch.port1.postMessage(null, [port]);
}

// ---------------------------------------------------------------------------------------------
// JSON values <-> JS values.

function isWellFormed(s) {
    for (let i = 0; i < s.length; ++i) {
        const c = call(I.charCodeAt, s, i);
        if (c >= 0xD800 && c <= 0xDBFF) {
            const d = i + 1 < s.length ? call(I.charCodeAt, s, i + 1) : 0;
            if (d >= 0xDC00 && d <= 0xDFFF) {
                ++i;
                continue;
            }
            return false;
        }
        if (c >= 0xDC00 && c <= 0xDFFF)
            return false;
    }
    return true;
}

function encodeString(s) {
    if (isWellFormed(s))
        return s;
    const u16 = [];
    for (let i = 0; i < s.length; ++i)
        append(u16, call(I.charCodeAt, s, i));
    return { t: 'string', u16 };
}

function encodeNumber(n) {
    if (Object.is(n, -0))
        return { t: 'number', v: '-0' };
    if (n !== n)
        return { t: 'number', v: 'NaN' };
    if (n === Infinity)
        return { t: 'number', v: 'Infinity' };
    if (n === -Infinity)
        return { t: 'number', v: '-Infinity' };
    return n;
}

// Encodes a primitive; objects and symbols go through `ref` (which may be absent).
function encodePrimitive(v, ref) {
    switch (typeof v) {
    case 'undefined': return { t: 'undefined' };
    case 'boolean': return v;
    case 'number': return encodeNumber(v);
    case 'bigint': return { t: 'bigint', v: v.toString() };
    case 'string': return encodeString(v);
    default:
        if (v === null)
            return null;
        return ref ? ref(v) : '<object>';
    }
}

function decodeString(j, what) {
    if (typeof j === 'string')
        return j;
    if (j !== null && typeof j === 'object' && !I.isArray(j) && j.t === 'string' && I.isArray(j.u16)) {
        let s = '';
        for (const c of j.u16) {
            if (!Number.isInteger(c) || c < 0 || c > 0xFFFF)
                fail(`${what}: bad UTF-16 code unit ${JSON.stringify(c)}`);
            s += I.fromCharCode(c);
        }
        return s;
    }
    fail(`${what}: expected a string, got ${JSON.stringify(j)}`);
}

// A decoded value is {node: -1, p: primitive} or {node: index, p: undefined}: node values are
// bound later. `what` is a string, or a function giving it (only called to report a failure).
const primitiveValue = p => ({ node: -1, p });
const undefinedValue = primitiveValue(undefined);
const specialNumbers = { '-0': -0, NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
const whatOf = what => (typeof what === 'function' ? what() : what);
function parseValue(j, nodeCount, what) {
    if (j === null || typeof j === 'boolean' || typeof j === 'number' || typeof j === 'string')
        return primitiveValue(j);
    if (typeof j === 'object' && !I.isArray(j)) {
        if (hasOwn(j, 'ref')) {
            if (!Number.isInteger(j.ref) || j.ref < 0 || j.ref >= nodeCount)
                fail(`${whatOf(what)}: bad node reference ${JSON.stringify(j.ref)}`);
            return { node: j.ref, p: undefined };
        }
        switch (j.t) {
        case 'undefined': return undefinedValue;
        case 'number': {
            if (!hasOwn(specialNumbers, j.v))
                fail(`${whatOf(what)}: bad special number ${JSON.stringify(j.v)}`);
            return primitiveValue(specialNumbers[j.v]);
        }
        case 'bigint':
            if (typeof j.v !== 'string' || !/^-?(0|[1-9][0-9]*)$/.test(j.v))
                fail(`${whatOf(what)}: bad BigInt ${JSON.stringify(j.v)}`);
            return primitiveValue(I.BigInt(j.v));
        case 'string': return primitiveValue(decodeString(j, whatOf(what)));
        default: break;
        }
    }
    fail(`${whatOf(what)}: not a value: ${JSON.stringify(j)}`);
}

function parsePrimitive(j, what) {
    const v = parseValue(j, 0, what);
    return v.p;
}

// ---------------------------------------------------------------------------------------------
// Parsing a Scenario (before anything runs: %Object.prototype% is clean here).

const nodeKinds = new Set(['Object', 'Array', 'Boolean', 'Number', 'BigInt', 'String', 'Date', 'RegExp', 'ArrayBuffer',
    'SharedArrayBuffer', 'TypedArray', 'DataView', 'Map', 'Set', 'Error', 'Object.prototype', 'MessagePort', 'ImageBitmap',
    'DOMException', 'Symbol', 'Function', 'WeakMap', 'WeakSet', 'WeakRef', 'Promise', 'Proxy', 'CallableProxy',
    'PlatformObject']);

const isObj = j => j !== null && typeof j === 'object' && !I.isArray(j);
const field = (j, k, dflt) => (hasOwn(j, k) ? j[k] : dflt);
function intField(j, k, dflt, what) {
    const v = field(j, k, dflt);
    if (!Number.isSafeInteger(v) || v < 0)
        fail(`${whatOf(what)}.${k}: expected a non-negative integer, got ${JSON.stringify(v)}`);
    return v;
}
function boolField(j, k, dflt, what) {
    const v = field(j, k, dflt);
    if (typeof v !== 'boolean')
        fail(`${whatOf(what)}.${k}: expected a boolean, got ${JSON.stringify(v)}`);
    return v;
}
function numberField(j, k, dflt, what) {
    const v = field(j, k, dflt);
    if (typeof v === 'number')
        return v;
    const p = parsePrimitive(v, `${what}.${k}`);
    if (typeof p !== 'number')
        fail(`${what}.${k}: expected a number`);
    return p;
}

function parseHex(s, what) {
    if (typeof s !== 'string' || s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s))
        fail(`${what}.bytes: expected lowercase hex, got ${JSON.stringify(s)}`);
    const bytes = new Uint8Array(s.length / 2);
    for (let i = 0; i < bytes.length; ++i)
        bytes[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
    return bytes;
}

const noList = [];
// A list field: an Array, or a TypeError as `.entries()` on anything else gives.
const listOf = x => (I.isArray(x) ? x : x.entries());
function parseGetter(j, n, what) {
    if (!isObj(j))
        fail(`${what}: a getter must be an object`);
    const effectsJ = listOf(field(j, 'effects', noList));
    const effects = [];
    for (let k = 0; k < effectsJ.length; ++k) {
        const e = effectsJ[k];
        const ew = () => `${what}.effects[${k}]`;
        if (!isObj(e))
            fail(`${ew()}: not an object`);
        const target = intField(e, 'target', 0, ew);
        if (target >= n)
            fail(`${ew()}.target: no node ${target}`);
        const kind = field(e, 'kind', undefined);
        const eff = { kind, target, key: undefined, value: undefined, entry: 0 };
        switch (kind) {
        case 'delete': eff.key = decodeString(field(e, 'key', ''), `${ew()}.key`); break;
        case 'define':
            eff.key = decodeString(field(e, 'key', ''), `${ew()}.key`);
            eff.value = hasOwn(e, 'value') ? parseValue(e.value, n, () => `${ew()}.value`) : undefinedValue;
            break;
        case 'detach': break;
        case 'delete-entry': eff.entry = intField(e, 'entry', 0, ew); break;
        default: fail(`${ew()}.kind: unknown effect ${JSON.stringify(kind)}`);
        }
        effects.push(eff);
    }
    return {
        label: intField(j, 'label', 0, what),
        effects,
        throws: boolField(j, 'throws', false, what),
        result: hasOwn(j, 'result') ? parseValue(j.result, n, `${what}.result`) : undefinedValue,
    };
}

// A parsed node: every field any kind has, so that reading one never consults a prototype.
class ParsedNode {
    kind;
    props = [];
    primitive = undefined; // Boolean, Number, BigInt, String
    date = undefined;
    source = undefined; // RegExp
    flags = undefined;
    lastIndex = undefined;
    byteLength = undefined; // ArrayBuffer, SharedArrayBuffer
    maxByteLength = undefined;
    detached = undefined; // buffers, MessagePort, ImageBitmap
    detachKey = undefined;
    bytes = undefined;
    buffer = undefined; // TypedArray, DataView
    viewType = undefined;
    byteOffset = undefined;
    length = undefined;
    arrayLength = undefined;
    mapEntries = undefined;
    setEntries = undefined;
    errorPrototype = undefined;
    portId = undefined;
    width = undefined; // ImageBitmap
    height = undefined;
    originClean = undefined;
    name = undefined; // DOMException
    message = undefined;
    description = undefined; // Symbol
    constructor(kind) {
        this.kind = kind;
    }
}

const wrapperTypes = { Boolean: 'boolean', Number: 'number', BigInt: 'bigint', String: 'string' };

function parseNode(j, i, n, where) {
    const what = `${where}node ${i}`;
    if (!isObj(j))
        fail(`${what}: not an object`);
    const kind = field(j, 'kind', undefined);
    if (!nodeKinds.has(kind))
        fail(`${what}: unknown kind ${JSON.stringify(kind)}`);
    const node = new ParsedNode(kind);
    const propsJ = field(j, 'props', noList);
    if (!I.isArray(propsJ))
        fail(`${what}.props: not an array`);
    for (let k = 0; k < propsJ.length; ++k) {
        const p = propsJ[k];
        const pw = () => `${what}.props[${k}]`;
        if (!isObj(p))
            fail(`${pw()}: not an object`);
        const prop = { key: undefined, symbol: undefined, value: undefined, getter: undefined,
            enumerable: boolField(p, 'enumerable', true, pw) };
        if (hasOwn(p, 'symbol')) {
            prop.symbol = intField(p, 'symbol', 0, pw);
            if (prop.symbol >= n)
                fail(`${pw()}.symbol: no node ${prop.symbol}`);
        } else {
            const key = field(p, 'key', undefined);
            prop.key = typeof key === 'string' ? key : decodeString(key, `${pw()}.key`);
        }
        if (hasOwn(p, 'getter'))
            prop.getter = parseGetter(p.getter, n, `${pw()}.getter`);
        else
            prop.value = hasOwn(p, 'value') ? parseValue(p.value, n, () => `${pw()}.value`) : undefinedValue;
        node.props.push(prop);
    }
    switch (kind) {
    case 'Boolean': case 'Number': case 'BigInt': case 'String': {
        node.primitive = parsePrimitive(field(j, 'primitive', undefined), `${what}.primitive`);
        const type = wrapperTypes[kind];
        if (typeof node.primitive !== type)
            fail(`${what}.primitive: a ${kind} wrapper needs a ${type}`);
        break;
    }
    case 'Date': node.date = numberField(j, 'date', 0, what); break;
    case 'RegExp':
        node.source = decodeString(field(j, 'source', '(?:)'), `${what}.source`);
        node.flags = field(j, 'flags', '');
        if (typeof node.flags !== 'string')
            fail(`${what}.flags: not a string`);
        node.lastIndex = parsePrimitive(field(j, 'lastIndex', 0), `${what}.lastIndex`);
        break;
    case 'ArrayBuffer': case 'SharedArrayBuffer':
        node.byteLength = intField(j, 'byteLength', 0, what);
        node.maxByteLength = hasOwn(j, 'maxByteLength') && j.maxByteLength !== null ? intField(j, 'maxByteLength', 0, what) : undefined;
        node.detached = boolField(j, 'detached', false, what);
        node.detachKey = boolField(j, 'detachKey', false, what);
        node.bytes = parseHex(field(j, 'bytes', ''), what);
        if (!node.detached && node.bytes.length !== node.byteLength)
            fail(`${what}: ${node.bytes.length} bytes for a byteLength of ${node.byteLength}`);
        break;
    case 'TypedArray': case 'DataView':
        node.buffer = intField(j, 'buffer', 0, what);
        if (node.buffer >= n)
            fail(`${what}.buffer: no node ${node.buffer}`);
        node.viewType = field(j, 'viewType', kind === 'DataView' ? 'DataView' : undefined);
        if (kind === 'DataView' ? node.viewType !== 'DataView' : !typedArrayNames.includes(node.viewType))
            fail(`${what}.viewType: ${JSON.stringify(node.viewType)}`);
        node.byteOffset = intField(j, 'byteOffset', 0, what);
        node.length = field(j, 'length', null) === null ? null : intField(j, 'length', 0, what);
        break;
    case 'Array': node.arrayLength = intField(j, 'arrayLength', 0, what); break;
    case 'Map': {
        node.mapEntries = [];
        const entries = listOf(field(j, 'mapEntries', noList));
        for (let k = 0; k < entries.length; ++k) {
            const e = entries[k];
            if (!I.isArray(e) || e.length !== 2)
                fail(`${what}.mapEntries[${k}]: expected [key, value]`);
            node.mapEntries.push([parseValue(e[0], n, () => `${what}.mapEntries[${k}][0]`), parseValue(e[1], n, () => `${what}.mapEntries[${k}][1]`)]);
        }
        break;
    }
    case 'Set': {
        node.setEntries = [];
        const entries = listOf(field(j, 'setEntries', noList));
        for (let k = 0; k < entries.length; ++k)
            node.setEntries.push(parseValue(entries[k], n, () => `${what}.setEntries[${k}]`));
        break;
    }
    case 'Error':
        node.errorPrototype = field(j, 'errorPrototype', 'Error');
        if (!errorNames.includes(node.errorPrototype))
            fail(`${what}.errorPrototype: ${JSON.stringify(node.errorPrototype)}`);
        break;
    case 'MessagePort':
        node.portId = intField(j, 'portId', 0, what);
        node.detached = boolField(j, 'detached', false, what);
        break;
    case 'ImageBitmap':
        node.width = intField(j, 'width', 0, what);
        node.height = intField(j, 'height', 0, what);
        node.originClean = boolField(j, 'originClean', true, what);
        node.detached = boolField(j, 'detached', false, what);
        break;
    case 'DOMException':
        node.name = decodeString(field(j, 'name', 'Error'), `${what}.name`);
        node.message = decodeString(field(j, 'message', ''), `${what}.message`);
        break;
    case 'Symbol':
        node.description = hasOwn(j, 'description') ? decodeString(j.description, `${what}.description`) : undefined;
        break;
    default: break;
    }
    return node;
}

// Whether running the Scenario can change %Object.prototype%: its node has properties (defined
// on it when the Scenario is built), or a getter's define or delete effect targets it. (An
// effect on a Symbol node acts on the getter's owner, which then has properties itself.)
function mayPolluteObjectPrototype(nodes) {
    let found = false;
    for (const node of nodes) {
        if (node.kind !== 'Object.prototype')
            continue;
        if (node.props.length !== 0)
            return true;
        found = true;
    }
    if (!found)
        return false;
    for (const node of nodes)
        for (const p of node.props)
            if (p.getter)
                for (const e of p.getter.effects)
                    if (nodes[e.target].kind === 'Object.prototype' && (e.kind === 'define' || e.kind === 'delete'))
                        return true;
    return false;
}

export function parseScenario(j, where) {
    if (!isObj(j))
        fail(`${where}not an object`);
    if (field(j, 'mode', undefined) === 'operations')
        return parseOperationSequence(j, where);
    const graph = field(j, 'graph', undefined);
    if (!isObj(graph))
        fail(`${where}graph: not an object`);
    const nodesJ = field(graph, 'nodes', noList);
    if (!I.isArray(nodesJ))
        fail(`${where}graph.nodes: not an array`);
    const n = nodesJ.length;
    const nodes = [];
    for (let i = 0; i < n; ++i)
        nodes.push(parseNode(nodesJ[i], i, n, where));
    const root = hasOwn(graph, 'root') ? parseValue(graph.root, n, `${where}graph.root`) : undefinedValue;
    const transferJ = field(j, 'transfer', noList);
    if (!I.isArray(transferJ))
        fail(`${where}transfer: not an array`);
    const transfer = transferJ.map((t, k) => parseValue(t, n, () => `${where}transfer[${k}]`));
    const mode = field(j, 'mode', 'structuredClone');
    if (mode !== 'structuredClone' && mode !== 'messageChannel')
        fail(`${where}mode: unknown mode ${JSON.stringify(mode)}`);
    let ports = false;
    let bitmaps = false;
    for (let i = 0; i < n; ++i) {
        const node = nodes[i];
        if ((node.kind === 'TypedArray' || node.kind === 'DataView')
            && nodes[node.buffer].kind !== 'ArrayBuffer' && nodes[node.buffer].kind !== 'SharedArrayBuffer')
            fail(`${where}node ${i}.buffer: node ${node.buffer} is not a buffer`);
        for (const p of node.props)
            if (p.symbol !== undefined && nodes[p.symbol].kind !== 'Symbol')
                fail(`${where}node ${i}: property key node ${p.symbol} is not a Symbol`);
        if (node.kind === 'MessagePort')
            ports = true;
        else if (node.kind === 'ImageBitmap')
            bitmaps = true;
    }
    // `alone`: the Scenario is run by itself, never overlapped with another one (see
    // runParsedScenarios): it may change %Object.prototype%, or it has ports (whose identity and
    // detached probes post messages and wait) or ImageBitmaps (made asynchronously).
    const pollutes = mayPolluteObjectPrototype(nodes);
    return { nodes, root, transfer, mode, pollutes, alone: pollutes || ports || bitmaps };
}

// ---------------------------------------------------------------------------------------------
// Building live values.

// Snapshot of %Object.prototype%'s own properties, restored after every Scenario that may have
// changed it (and, as a safety net, after any Scenario that left it with another number of own
// properties).
const objectPrototypeSnapshot = R.ownKeys(Object.prototype).map(k => [k, R.getOwnPropertyDescriptor(Object.prototype, k)]);
const objectPrototypeKeys = new Set(objectPrototypeSnapshot.map(([k]) => k));
export function restoreObjectPrototype() {
    const keep = objectPrototypeKeys;
    for (const k of R.ownKeys(Object.prototype))
        if (!keep.has(k))
            R.deleteProperty(Object.prototype, k);
    for (const [k, d] of objectPrototypeSnapshot) {
        const now = R.getOwnPropertyDescriptor(Object.prototype, k);
        const same = now && ['value', 'get', 'set', 'writable', 'enumerable', 'configurable'].every(f => Object.is(now[f], d[f]));
        if (!same) {
            R.deleteProperty(Object.prototype, k);
            R.defineProperty(Object.prototype, k, d);
        }
    }
    guarded = false;
}

// The kinds whose new objects take an enumerable data property by [[Set]] (buildProps), and the
// keys for which [[Set]] on one might not create an own data property: an accessor or a
// read-only property of their prototypes (__proto__, RegExp's flags getters, Map's and Set's
// size, @@unscopables, ...) and an Array's own "length". (Other own properties, such as a
// RegExp's lastIndex, are excluded when they are found on the object.)
const assignableKinds = new Set(['Object', 'Array', 'RegExp', 'Date', 'Map', 'Set']);
const notAssignable = new Set(['length']);
for (const proto of [Object.prototype, Array.prototype, RegExp.prototype, Date.prototype, Map.prototype, Set.prototype])
    for (const k of R.ownKeys(proto)) {
        const d = R.getOwnPropertyDescriptor(proto, k);
        if (!hasOwn(d, 'value') || !d.writable)
            notAssignable.add(k);
    }

function newContext() {
    return {
        values: [],       // node index -> live value
        log: [],          // getter labels, in call order
        thrown: [],       // values the Scenario's getters threw
        ports: new Map(), // input port object -> { id, partner }
        entryKeys: new Map(), // node index -> keys of a Map / Set in creation order (for delete-entry)
        closers: [],      // ports to close afterwards
        keepAlive: [],    // WeakRef targets, wasm memories
        regexps: new Map(), // "flags/source" as the getters show them -> [[OriginalSource]], [[OriginalFlags]]
        bitmaps: [],      // [node index, promise of the ImageBitmap] while the Scenario is built
    };
}

function valueOf(v, ctx) {
    return v.node >= 0 ? ctx.values[v.node] : v.p;
}

function keyOf(p, ctx) {
    return p.symbol !== undefined ? ctx.values[p.symbol] : p.key;
}

function applyEffect(e, owner, ctx) {
    let target = ctx.values[e.target];
    if (target === null || (typeof target !== 'object' && typeof target !== 'function'))
        target = owner; // as the reference model: an effect on a symbol node acts on the getter's owner
    switch (e.kind) {
    case 'delete':
        R.deleteProperty(target, e.key);
        break;
    case 'define':
        R.defineProperty(target, e.key, { value: valueOf(e.value, ctx), writable: true, enumerable: true, configurable: true });
        break;
    case 'detach':
        try {
            if (I.abByteLength && isArrayBuffer(target)) {
                nativeDetachBuffer(target);
            } else if (I.MessagePort && target instanceof I.MessagePort) {
                detachPort(target, ctx);
            } else if (I.bitmapClose && target instanceof I.ImageBitmap) {
                call(I.bitmapClose, target);
            }
        } catch { /* a buffer that cannot be detached (a detach key, already detached) stays as it is */ }
        break;
    case 'delete-entry': {
        const keys = ctx.entryKeys.get(e.target);
        if (keys && e.entry < keys.length) {
            if (isMap(target))
                call(I.mapDelete, target, keys[e.entry]);
            else if (isSet(target))
                call(I.setDelete, target, keys[e.entry]);
        }
        break;
    }
    default: break;
    }
}

function makeGetter(g, ownerIndex, ctx) {
    return function () {
        append(ctx.log, g.label);
        const owner = ctx.values[ownerIndex];
        for (const e of g.effects)
            applyEffect(e, owner, ctx);
        const result = valueOf(g.result, ctx);
        if (g.throws) {
            append(ctx.thrown, result);
            throw result;
        }
        return result;
    };
}

// Makes a buffer node's object at the size its views need while they are made (`need`: every
// fixed-length view within it, every length-tracking view's byteOffset at most its length).
// Nothing is written into it yet: resizing while the views are made zeroes bytes (a resizable
// buffer grown back after a shrink gets zeros), so the bytes are written once every view exists
// and the buffer has its final byteLength (finishBuffer).
function makeBuffer(node, need, what) {
    const bl = node.byteLength;
    const max = node.maxByteLength;
    if (node.kind === 'SharedArrayBuffer') {
        if (!I.SharedArrayBuffer)
            fail(`${what}: no SharedArrayBuffer here`);
        if (node.detached)
            fail(`${what}: cannot build: a SharedArrayBuffer cannot be detached`);
        if (node.detachKey)
            fail(`${what}: cannot build: a SharedArrayBuffer with a detach key`);
        if (need > bl)
            fail(`${what}: cannot build: a view reaches past the end of a SharedArrayBuffer (which cannot shrink)`);
        // A growable one starts as small as its views allow and grows to its byteLength once they
        // exist (it cannot shrink: see makeView).
        return max === undefined ? new I.SharedArrayBuffer(bl) : new I.SharedArrayBuffer(need, { maxByteLength: max });
    }
    if (node.detachKey) {
        if (!I.WasmMemory)
            fail(`${what}: no WebAssembly.Memory here for a detach key`);
        if (max !== undefined)
            fail(`${what}: cannot build: a resizable ArrayBuffer with a detach key (WebAssembly.Memory buffers are fixed-length)`);
        const page = 65536;
        const length = node.detached ? need : bl;
        if (length % page !== 0 || need > length)
            fail(`${what}: cannot build: an ArrayBuffer with a detach key comes from WebAssembly.Memory, so its byteLength must be a multiple of 65536 (got ${length}${need > length ? `, views need ${need}` : ''})`);
        return new I.WasmMemory({ initial: length / page });
    }
    if (max !== undefined && need > max)
        fail(`${what}: cannot build: views need ${need} bytes, more than maxByteLength ${max}`);
    if (max === undefined && !node.detached && need > bl)
        fail(`${what}: cannot build: a view reaches past the end of a fixed-length ArrayBuffer (${need} > ${bl})`);
    if (max !== undefined && !I.abResizable)
        fail(`${what}: resizable ArrayBuffers are not supported here`);
    const length = Math.max(bl, need);
    return max === undefined ? new ArrayBuffer(length) : new ArrayBuffer(length, { maxByteLength: max });
}

// A view node's object on its buffer's (bufferNode: the buffer's parsed node). The buffer may be
// resized or grown here; its bytes are not written yet.
function makeView(v, buffer, bufferNode) {
    const C = v.kind === 'DataView' ? DataView : typedArrayCtor.get(v.viewType);
    if (v.length !== null)
        return new C(buffer, v.byteOffset, v.length);
    // V8 (Node 20) refuses a length-tracking view whose buffer's remaining length is not a whole
    // number of elements (ECMA-262 allows it): make it at a whole length. A resizable ArrayBuffer
    // is shrunk to one and put back; a growable SharedArrayBuffer (which cannot shrink) is grown
    // to the next one, when that is within its byteLength (else the runtime decides).
    const size = elementSize(v.viewType);
    const shared = bufferNode.kind === 'SharedArrayBuffer';
    const length = call(shared ? I.sabByteLength : I.abByteLength, buffer);
    const rest = length >= v.byteOffset ? (length - v.byteOffset) % size : 0;
    if (rest === 0)
        return new C(buffer, v.byteOffset);
    if (shared) {
        if (length + size - rest <= bufferNode.byteLength)
            call(I.sabGrow, buffer, length + size - rest);
        return new C(buffer, v.byteOffset);
    }
    call(I.abResize, buffer, length - rest);
    const view = new C(buffer, v.byteOffset);
    call(I.abResize, buffer, length);
    return view;
}

// Once every view exists: the buffer's final byteLength, then its bytes, then (a deliberate
// artefact, --plant zero-buffer-bytes) its first byte zeroed, then detached if it must be.
function finishBuffer(node, buffer, memory) {
    if (node.maxByteLength !== undefined && !node.detached) {
        if (node.kind === 'ArrayBuffer' && call(I.abByteLength, buffer) !== node.byteLength)
            call(I.abResize, buffer, node.byteLength);
        else if (node.kind === 'SharedArrayBuffer' && call(I.sabByteLength, buffer) !== node.byteLength)
            call(I.sabGrow, buffer, node.byteLength);
    }
    if (!node.detached) {
        const bytes = new Uint8Array(buffer, 0, node.byteLength);
        bytes.set(node.bytes);
        if (plantedArtefact === 'zero-buffer-bytes' && node.kind === 'ArrayBuffer' && node.byteLength > 0)
            bytes[0] = 0;
    } else if (memory) {
        memory.grow(0); // refreshes memory.buffer: the old one is detached
    } else {
        nativeDetachBuffer(buffer);
    }
}

// Builds the Scenario's values in two synchronous halves: every node (ImageBitmaps only started:
// createImageBitmap is asynchronous), then, once the caller has awaited ctx.bitmaps, the
// entries, properties and detached ports.
function buildNodes(sc, ctx, where) {
    const { nodes } = sc;
    const n = nodes.length;
    ctx.values = Array.from({ length: n }, () => undefined); // own elements: no [[Set]] on holes
    const what = i => `${where}node ${i} (${nodes[i].kind})`;

    // Symbols.
    for (let i = 0; i < n; ++i)
        if (nodes[i].kind === 'Symbol')
            ctx.values[i] = nodes[i].description === undefined ? I.Symbol() : I.Symbol(nodes[i].description);

    // Buffers, at the size their views need; then the views; then each buffer's final byteLength,
    // its bytes, and detached where it must be (finishBuffer).
    const need = new Array(n).fill(0);
    for (const v of nodes)
        if (v.kind === 'TypedArray' || v.kind === 'DataView') {
            if (v.viewType !== 'DataView' && !typedArrayCtor.has(v.viewType))
                fail(`${where}${v.viewType} is not supported here`);
            need[v.buffer] = Math.max(need[v.buffer], v.byteOffset + (v.length ?? 0) * elementSize(v.viewType));
        }
    const memories = new Map();
    for (let i = 0; i < n; ++i) {
        const node = nodes[i];
        if (node.kind !== 'ArrayBuffer' && node.kind !== 'SharedArrayBuffer')
            continue;
        const made = makeBuffer(node, need[i], what(i));
        if (I.WasmMemory && made instanceof I.WasmMemory) {
            memories.set(i, made);
            append(ctx.keepAlive, made);
            ctx.values[i] = made.buffer;
        } else {
            ctx.values[i] = made;
        }
    }
    for (let i = 0; i < n; ++i) {
        const v = nodes[i];
        if (v.kind !== 'TypedArray' && v.kind !== 'DataView')
            continue;
        const b = nodes[v.buffer];
        if (v.length === null && b.maxByteLength === undefined)
            fail(`${what(i)}: cannot build: a length-tracking view needs a resizable or growable buffer`);
        try {
            ctx.values[i] = makeView(v, ctx.values[v.buffer], b);
        } catch (e) {
            fail(`${what(i)}: cannot build: ${e && e.message}`);
        }
    }
    for (let i = 0; i < n; ++i) {
        const node = nodes[i];
        if (node.kind === 'ArrayBuffer' || node.kind === 'SharedArrayBuffer')
            finishBuffer(node, ctx.values[i], memories.get(i));
    }

    // Everything else.
    for (let i = 0; i < n; ++i) {
        const node = nodes[i];
        switch (node.kind) {
        case 'Object': ctx.values[i] = {}; break;
        case 'Array': ctx.values[i] = new Array(node.arrayLength); break;
        case 'Boolean': case 'Number': case 'BigInt': case 'String': ctx.values[i] = Object(node.primitive); break;
        case 'Date': {
            const d = new Date(node.date);
            if (!Object.is(call(I.dateGetTime, d), node.date))
                fail(`${what(i)}: cannot build: ${String(encodeNumber(node.date).v ?? node.date)} is not a time value (TimeClip gives ${call(I.dateGetTime, d)})`);
            ctx.values[i] = d;
            break;
        }
        case 'RegExp': {
            let re;
            try {
                re = new RegExp(node.source, node.flags);
            } catch (e) {
                fail(`${what(i)}: cannot build: ${e && e.message}`);
            }
            re.lastIndex = node.lastIndex;
            ctx.values[i] = re;
            ctx.regexps.set(`${call(I.regexpFlags, re)}/${call(I.regexpSource, re)}`, [node.source, node.flags]);
            break;
        }
        case 'Map': case 'Set': ctx.values[i] = node.kind === 'Map' ? new Map() : new Set(); break;
        case 'Error': ctx.values[i] = new G[node.errorPrototype](); break;
        case 'Object.prototype': ctx.values[i] = Object.prototype; break;
        case 'MessagePort': {
            if (!I.MessageChannel)
                fail(`${what(i)}: no MessageChannel here`);
            const ch = new I.MessageChannel();
            append(ctx.closers, ch.port1);
            append(ctx.closers, ch.port2);
            ctx.ports.set(ch.port1, { id: node.portId, partner: ch.port2 });
            ctx.values[i] = ch.port1;
            break;
        }
        case 'ImageBitmap': {
            if (!I.ImageBitmap || !I.createImageBitmap || !I.ImageData)
                fail(`${what(i)}: no ImageBitmap here`);
            if (node.width === 0 || node.height === 0)
                fail(`${what(i)}: cannot build: createImageBitmap rejects a ${node.width}x${node.height} source`);
            if (!node.originClean)
                fail(`${what(i)}: cannot build: no origin-unclean ImageBitmap can be made here`);
            const made = I.createImageBitmap(new I.ImageData(node.width, node.height));
            made.catch(() => { /* reported when awaited, in node order */ });
            append(ctx.bitmaps, [i, made]);
            break;
        }
        case 'DOMException':
            if (!I.DOMException)
                fail(`${what(i)}: no DOMException here`);
            ctx.values[i] = new I.DOMException(node.message, node.name);
            break;
        case 'Function': ctx.values[i] = function pmconfFunction() { }; break;
        case 'WeakMap': ctx.values[i] = new WeakMap(); break;
        case 'WeakSet': ctx.values[i] = new WeakSet(); break;
        case 'WeakRef': {
            if (!I.WeakRef)
                fail(`${what(i)}: no WeakRef here`);
            const target = {};
            append(ctx.keepAlive, target);
            ctx.values[i] = new I.WeakRef(target);
            break;
        }
        case 'Promise': ctx.values[i] = new Promise(() => { }); break;
        case 'Proxy': ctx.values[i] = new Proxy({}, {}); break;
        case 'CallableProxy': ctx.values[i] = new Proxy(function pmconfProxied() { }, {}); break;
        case 'PlatformObject':
            if (I.EventTarget)
                ctx.values[i] = new I.EventTarget();
            else if (I.AbortController)
                ctx.values[i] = new I.AbortController();
            else
                fail(`${what(i)}: no non-serializable platform object here`);
            break;
        default: break;
        }
    }

}

async function awaitBitmaps(ctx) {
    for (const [i, made] of ctx.bitmaps)
        ctx.values[i] = await made;
}

function buildProps(sc, ctx, where) {
    const { nodes } = sc;
    const n = nodes.length;
    const what = i => `${where}node ${i} (${nodes[i].kind})`;

    // Entries and own properties, now that every node exists.
    for (let i = 0; i < n; ++i) {
        const node = nodes[i];
        const target = ctx.values[i];
        if (node.kind === 'Map') {
            const keys = [];
            ctx.entryKeys.set(i, keys);
            for (const [k, v] of node.mapEntries) {
                append(keys, valueOf(k, ctx));
                call(I.mapSet, target, valueOf(k, ctx), valueOf(v, ctx));
            }
            if (call(I.mapSize, target) !== node.mapEntries.length)
                fail(`${what(i)}: cannot build: Map keys are not distinct under SameValueZero`);
        } else if (node.kind === 'Set') {
            const keys = [];
            ctx.entryKeys.set(i, keys);
            for (const v of node.setEntries) {
                append(keys, valueOf(v, ctx));
                call(I.setAdd, target, valueOf(v, ctx));
            }
            if (call(I.setSize, target) !== node.setEntries.length)
                fail(`${what(i)}: cannot build: Set values are not distinct under SameValueZero`);
        }
        if (node.props.length && (target === null || (typeof target !== 'object' && typeof target !== 'function')))
            fail(`${what(i)}: a Symbol cannot have properties`);
        // A plain Object, Array, RegExp, Date, Map or Set gets an enumerable data property by
        // assignment when that is the same as defining it: the prototypes as at start-up (not
        // `guarded`), a key that is not an accessor or read-only property on them (see
        // notAssignable), and not an own property yet. Assignment adds the property through the same hidden-class
        // transition as Reflect.defineProperty, at a fraction of the cost.
        const assignable = !guarded && assignableKinds.has(node.kind);
        for (let k = 0; k < node.props.length; ++k) {
            const p = node.props[k];
            const key = keyOf(p, ctx);
            if (assignable && p.getter === undefined && p.enumerable && !notAssignable.has(key) && !hasOwn(target, key)) {
                target[key] = valueOf(p.value, ctx);
                continue;
            }
            const desc = p.getter
                ? { get: makeGetter(p.getter, i, ctx), set: undefined, enumerable: p.enumerable, configurable: true }
                : { value: valueOf(p.value, ctx), writable: true, enumerable: p.enumerable, configurable: true };
            let ok;
            try {
                ok = R.defineProperty(target, key, desc);
            } catch (e) {
                ok = false;
            }
            if (!ok)
                fail(`${what(i)}.props[${k}]: cannot build: the property ${typeof key === 'symbol' ? 'with a symbol key' : JSON.stringify(encodeString(key))} cannot be defined`);
        }
    }

    // Detached ports last: detaching needs no other node.
    for (let i = 0; i < n; ++i)
        if (nodes[i].kind === 'MessagePort' && nodes[i].detached)
            detachPort(ctx.values[i], ctx);
        else if (nodes[i].kind === 'ImageBitmap' && nodes[i].detached)
            call(I.bitmapClose, ctx.values[i]);
}

// ---------------------------------------------------------------------------------------------
// Brand checks.

const brand = (fn, x) => {
    if (!fn)
        return false;
    try {
        call(fn, x);
        return true;
    } catch {
        return false;
    }
};
const isArrayBuffer = x => brand(I.abByteLength, x);
const isSharedArrayBuffer = x => brand(I.sabByteLength, x);
const isMap = x => brand(I.mapSize, x);
const isSet = x => brand(I.setSize, x);
const isDOMException = x => brand(I.domName, x);
const isRegExp = x => {
    try {
        return typeof call(I.regexpGlobal, x) === 'boolean';
    } catch {
        return false;
    }
};

// Prototype -> [kind, exact check] for the kinds a clone usually has.
const likelyKind = new Map([
    [Array.prototype, ['Array', x => I.isArray(x)]],
    [Map.prototype, ['Map', x => isMap(x)]],
    [Set.prototype, ['Set', x => isSet(x)]],
    [Date.prototype, ['Date', x => brand(I.dateGetTime, x)]],
    [Boolean.prototype, ['Boolean', x => brand(I.booleanValueOf, x)]],
    [Number.prototype, ['Number', x => brand(I.numberValueOf, x)]],
    [String.prototype, ['String', x => brand(I.stringValueOf, x)]],
    [BigInt.prototype, ['BigInt', x => brand(I.bigintValueOf, x)]],
    [ArrayBuffer.prototype, ['ArrayBuffer', x => isArrayBuffer(x)]],
    [RegExp.prototype, ['RegExp', x => isRegExp(x)]],
    [DataView.prototype, ['DataView', x => I.isView(x) && call(I.taTag, x) === undefined]],
    ...I.typedArrays.map(([, C]) => [C.prototype, ['TypedArray', x => I.isView(x) && call(I.taTag, x) !== undefined]]),
    ...(I.SharedArrayBuffer ? [[I.SharedArrayBuffer.prototype, ['SharedArrayBuffer', x => isSharedArrayBuffer(x)]]] : []),
    ...(I.DOMException ? [[I.DOMException.prototype, ['DOMException', x => isDOMException(x)]]] : []),
    // An error: [[ErrorData]], and not a DOMException (which the full chain below tries first).
    ...[...I.errorPrototypes, ...I.otherErrorPrototypes].map(([, proto]) => [proto,
        ['Error', x => (I.isError ? I.isError(x) : call(I.objectToString, x) === '[object Error]') && !isDOMException(x)]]),
    // A port: no other brand, and MessagePort.prototype on its chain (the test the chain makes).
    ...(I.MessagePort ? [[I.MessagePort.prototype, ['MessagePort', x => x instanceof I.MessagePort && !I.isArray(x)]]] : []),
]);

function kindOf(x) {
    if (typeof x === 'symbol')
        return 'Symbol';
    if (typeof x === 'function')
        return isProxy(x) ? 'CallableProxy' : 'Function';
    if (isProxy(x))
        return 'Proxy';
    if (x === I.ObjectPrototype)
        return 'Object.prototype';
    // Fast path: the usual prototype names the likely kind, and one brand check (which does not
    // throw when it holds) confirms it. Failed brand checks throw, and a chain of them costs
    // tens of microseconds per object, more than the clone itself.
    const proto = R.getPrototypeOf(x);
    if (proto === I.ObjectPrototype || proto === null) {
        // An object with another kind's slots but this prototype would need an implementation
        // that returns, say, a Map with the wrong prototype: it shows as an Object missing its
        // entries, still a difference the comparator reports.
        if (!I.isArray(x) && !I.isView(x) && !(I.isError ? I.isError(x) : false))
            return 'Object';
    } else {
        const likely = likelyKind.get(proto);
        if (likely && likely[1](x))
            return likely[0];
    }
    if (isArrayBuffer(x))
        return 'ArrayBuffer';
    if (isSharedArrayBuffer(x))
        return 'SharedArrayBuffer';
    if (I.isView(x))
        return call(I.taTag, x) === undefined ? 'DataView' : 'TypedArray';
    if (brand(I.booleanValueOf, x))
        return 'Boolean';
    if (brand(I.numberValueOf, x))
        return 'Number';
    if (brand(I.stringValueOf, x))
        return 'String';
    if (brand(I.bigintValueOf, x))
        return 'BigInt';
    if (brand(I.dateGetTime, x))
        return 'Date';
    if (isRegExp(x))
        return 'RegExp';
    if (isMap(x))
        return 'Map';
    if (isSet(x))
        return 'Set';
    if (isDOMException(x))
        return 'DOMException';
    if (I.isError ? I.isError(x) : call(I.objectToString, x) === '[object Error]')
        return 'Error';
    if (I.isArray(x))
        return 'Array';
    if (I.MessagePort && x instanceof I.MessagePort)
        return 'MessagePort';
    if (I.ImageBitmap && x instanceof I.ImageBitmap)
        return 'ImageBitmap';
    if (I.weakRefDeref && brand(I.weakRefDeref, x))
        return 'WeakRef';
    try {
        call(I.weakMapHas, x, {});
        return 'WeakMap';
    } catch { /* not a WeakMap */ }
    try {
        call(I.weakSetHas, x, {});
        return 'WeakSet';
    } catch { /* not a WeakSet */ }
    if (isPromise(x))
        return 'Promise';
    if (I.EventTarget && x instanceof I.EventTarget)
        return 'PlatformObject';
    if (I.AbortController && x instanceof I.AbortController)
        return 'PlatformObject';
    return 'Object';
}

function errorPrototypeName(x) {
    const proto = I.getPrototypeOf(x);
    for (const [name, p] of I.errorPrototypes)
        if (proto === p)
            return name;
    for (const [name, p] of I.otherErrorPrototypes)
        if (proto === p)
            return name;
    if (proto === null)
        return 'null';
    if (proto === I.ObjectPrototype)
        return 'Object';
    return 'other';
}

// ---------------------------------------------------------------------------------------------
// Encoding a result graph.

const isCanonicalNumericKey = k => typeof k === 'string' && (k === '-0' || String(Number(k)) === k);
// Whether the string key is String(i) for an integer 0 <= i < limit.
function isIndexBelow(k, limit) {
    const c = k.length > 0 ? k.charCodeAt(0) : 0;
    if (c < 48 || c > 57 || (c === 48 && k.length > 1))
        return false;
    const i = Number(k);
    return i < limit && String(i) === k;
}

function hex(bytes) {
    let s = '';
    for (let i = 0; i < bytes.length; ++i)
        s += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    return s;
}

class Encoder {
    constructor(regexps = new Map()) {
        this.regexps = regexps;
        this.index = new Map();  // object or symbol -> node index
        this.nodes = [];
        this.queue = [];
        this.views = [];         // [node, view, buffer] for the length-tracking probe
        this.ports = [];         // [node, port]
    }

    value(v) { // encodePrimitive, with objects and symbols as references
        switch (typeof v) {
        case 'object': return v === null ? null : this.ref(v);
        case 'function': case 'symbol': return this.ref(v);
        default: return encodePrimitive(v);
        }
    }

    ref(x) {
        let i = this.index.get(x);
        if (i === undefined) {
            i = this.nodes.length;
            this.index.set(x, i);
            append(this.nodes, null);
            append(this.queue, x);
        }
        return { ref: i };
    }

    graph(root) {
        const rootValue = this.value(root);
        for (let q = 0; q < this.queue.length; ++q) {
            const x = this.queue[q];
            this.nodes[this.index.get(x)] = this.node(x);
        }
        return { root: rootValue, nodes: this.nodes };
    }

    // A result node: an object literal with every field of its kind in the protocol's order
    // (undefined ones are left out when stringified), `props` last but for a port's `detached`.
    node(x) {
        const kind = kindOf(x);
        if (kind === 'Symbol') {
            const d = call(I.symbolDescription, x);
            return { kind, description: d !== undefined ? encodeString(d) : undefined };
        }
        // Own keys a node field already says: 'length' (Array, String), 'lastIndex' (RegExp),
        // index keys below `indices` (String), canonical numeric keys (TypedArray).
        let skipLength = false;
        let skipLastIndex = false;
        let indices = 0;
        let skipNumeric = false;
        let n;
        switch (kind) {
        case 'Array':
            n = { kind, arrayLength: R.getOwnPropertyDescriptor(x, 'length').value, props: undefined };
            skipLength = true;
            break;
        case 'Boolean': n = { kind, primitive: call(I.booleanValueOf, x), props: undefined }; break;
        case 'Number': n = { kind, primitive: encodeNumber(call(I.numberValueOf, x)), props: undefined }; break;
        case 'BigInt': n = { kind, primitive: this.value(call(I.bigintValueOf, x)), props: undefined }; break;
        case 'String': {
            const s = call(I.stringValueOf, x);
            n = { kind, primitive: encodeString(s), props: undefined };
            skipLength = true;
            indices = s.length;
            break;
        }
        case 'Date': n = { kind, date: encodeNumber(call(I.dateGetTime, x)), props: undefined }; break;
        case 'RegExp': {
            // The getters show EscapeRegExpPattern([[OriginalSource]]) ("x/y" reads "x\/y", ""
            // reads "(?:)") and the flags in canonical order. Sources (and flags) that read the
            // same are indistinguishable, so a result that reads like an input RegExp is reported
            // with that input's [[OriginalSource]] and [[OriginalFlags]]; anything else as read.
            const source = call(I.regexpSource, x);
            const flags = call(I.regexpFlags, x);
            const original = this.regexps.get(`${flags}/${source}`);
            n = { kind, source: encodeString(original ? original[0] : source), flags: original ? original[1] : flags, lastIndex: undefined, props: undefined };
            const d = R.getOwnPropertyDescriptor(x, 'lastIndex');
            if (d && hasOwn(d, 'value')) {
                n.lastIndex = typeof d.value === 'number' ? encodeNumber(d.value) : this.value(d.value);
                skipLastIndex = true;
            }
            break;
        }
        case 'ArrayBuffer': {
            const detached = isDetachedBuffer(x);
            n = {
                kind, byteLength: call(I.abByteLength, x), bytes: detached ? '' : hex(new Uint8Array(x)),
                maxByteLength: I.abResizable && call(I.abResizable, x) ? call(I.abMaxByteLength, x) : undefined,
                detached: detached ? true : undefined, props: undefined,
            };
            break;
        }
        case 'SharedArrayBuffer':
            n = {
                kind, byteLength: call(I.sabByteLength, x), bytes: hex(new Uint8Array(x)),
                maxByteLength: I.sabGrowable && call(I.sabGrowable, x) ? call(I.sabMaxByteLength, x) : undefined, props: undefined,
            };
            break;
        case 'TypedArray': {
            n = { kind, buffer: this.ref(call(I.taBuffer, x)).ref, viewType: call(I.taTag, x), byteOffset: call(I.taByteOffset, x), length: call(I.taLength, x), props: undefined };
            append(this.views, [n, x, call(I.taBuffer, x)]);
            skipNumeric = true;
            break;
        }
        case 'DataView': {
            const buffer = call(I.dvBuffer, x);
            n = { kind, buffer: this.ref(buffer).ref, viewType: 'DataView', byteOffset: 0, length: 0, props: undefined };
            try {
                n.byteOffset = call(I.dvByteOffset, x);
                n.length = call(I.dvByteLength, x);
            } catch { // out of bounds or detached
                n.byteOffset = 0;
                n.length = 0;
            }
            append(this.views, [n, x, buffer]);
            break;
        }
        case 'Map': {
            const mapEntries = [];
            n = { kind, mapEntries, props: undefined };
            call(I.mapForEach, x, (v, k) => append(mapEntries, [this.value(k), this.value(v)]));
            break;
        }
        case 'Set': {
            const setEntries = [];
            n = { kind, setEntries, props: undefined };
            call(I.setForEach, x, v => append(setEntries, this.value(v)));
            break;
        }
        case 'Error': {
            n = { kind, errorPrototype: errorPrototypeName(x), stack: undefined, props: undefined };
            const d = R.getOwnPropertyDescriptor(x, 'stack');
            let stack;
            try {
                stack = d ? (hasOwn(d, 'value') ? d.value : d.get ? call(d.get, x) : undefined) : undefined;
            } catch { /* no stack */ }
            if (typeof stack === 'string')
                n.stack = encodeString(stack);
            break;
        }
        case 'DOMException':
            n = { kind, name: encodeString(String(call(I.domName, x))), message: encodeString(String(call(I.domMessage, x))), props: undefined };
            break;
        case 'MessagePort':
            n = { kind, portId: 0, props: undefined, detached: undefined }; // portId: filled in by the identity probe
            append(this.ports, [n, x]);
            break;
        case 'ImageBitmap':
            n = { kind, width: call(I.bitmapWidth, x), height: call(I.bitmapHeight, x), props: undefined };
            break;
        default: n = { kind, props: undefined }; break;
        }
        // A platform object's symbol-keyed own properties are where Node.js and Deno keep the
        // object's internal state (e.g. Deno's [[webidl.brand]]): implementation slots, not data
        // the clone produced. They are left out; string-keyed ones are listed.
        const platform = kind === 'MessagePort' || kind === 'DOMException' || kind === 'ImageBitmap' || kind === 'PlatformObject';
        let props;
        for (const key of R.ownKeys(x)) {
            if (typeof key === 'symbol') {
                if (platform)
                    continue;
            } else if ((skipLength && key === 'length') || (skipLastIndex && key === 'lastIndex')
                || (indices !== 0 && isIndexBelow(key, indices)) || (skipNumeric && isCanonicalNumericKey(key))) {
                continue;
            }
            const d = R.getOwnPropertyDescriptor(x, key);
            if (!d)
                continue;
            let p;
            if (hasOwn(d, 'get') || hasOwn(d, 'set')) {
                const getter = { label: 0, effects: [], throws: false, result: { t: 'undefined' } };
                p = typeof key === 'symbol' ? { symbol: this.ref(key).ref, getter, enumerable: undefined } : { key: encodeString(key), getter, enumerable: undefined };
            } else {
                p = typeof key === 'symbol' ? { symbol: this.ref(key).ref, value: undefined, enumerable: undefined } : { key: encodeString(key), value: undefined, enumerable: undefined };
                p.value = this.value(d.value);
            }
            if (!d.enumerable)
                p.enumerable = false;
            if (props === undefined)
                props = [];
            append(props, p);
        }
        n.props = props;
        return n;
    }

    // Destructive: resizes result buffers. Runs after every node is encoded.
    probeLengthTracking() {
        const viewLength = (view, isTA) => {
            if (isTA)
                return call(I.taLength, view);
            try {
                return call(I.dvByteLength, view);
            } catch {
                return -1;
            }
        };
        const inBounds = (view, isTA) => {
            try {
                if (isTA)
                    call(I.taEntries, view);
                else
                    call(I.dvByteLength, view);
                return true;
            } catch {
                return false;
            }
        };
        for (const [n, view, buffer] of this.views) {
            if (n.length === undefined)
                continue;
            const isTA = n.viewType !== 'DataView';
            const size = elementSize(n.viewType);
            const len0 = n.length;
            const off = n.byteOffset;
            let tracking = false;
            try {
                if (isArrayBuffer(buffer)) {
                    if (!I.abResizable || !call(I.abResizable, buffer) || isDetachedBuffer(buffer))
                        continue;
                    const bl = call(I.abByteLength, buffer);
                    const max = call(I.abMaxByteLength, buffer);
                    if (max >= off + (len0 + 1) * size) {
                        call(I.abResize, buffer, max);
                        tracking = viewLength(view, isTA) !== len0;
                    } else if (len0 >= 1) {
                        call(I.abResize, buffer, off + len0 * size - 1); // a fixed-length view goes out of bounds
                        tracking = inBounds(view, isTA);
                    }
                    call(I.abResize, buffer, bl);
                } else if (isSharedArrayBuffer(buffer)) {
                    if (!I.sabGrowable || !call(I.sabGrowable, buffer))
                        continue;
                    const max = call(I.sabMaxByteLength, buffer);
                    if (max >= off + (len0 + 1) * size) {
                        call(I.sabGrow, buffer, max); // cannot shrink back; everything is encoded already
                        tracking = viewLength(view, isTA) !== len0;
                    }
                }
            } catch { /* leave it fixed-length */ }
            if (tracking)
                n.length = null;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Running a Scenario.

function classifyThrow(e, ctx) {
    for (const t of ctx.thrown)
        if (Object.is(t, e))
            return { error: { name: 'user value' }, thrownValue: encodePrimitive(e) };
    if (e !== null && typeof e === 'object' && isDOMException(e))
        return { error: { name: String(call(I.domName, e)), domException: true }, thrownValue: undefined };
    if (e !== null && typeof e === 'object') {
        for (let proto = I.getPrototypeOf(e); proto !== null; proto = I.getPrototypeOf(proto)) {
            for (const [name, p] of I.errorPrototypes)
                if (proto === p)
                    return { error: { name, domException: false }, thrownValue: undefined };
            for (const [name, p] of I.otherErrorPrototypes)
                if (proto === p)
                    return { error: { name, domException: false }, thrownValue: undefined };
        }
        return { error: { name: `non-error object (${call(I.objectToString, e)})`, domException: false }, thrownValue: undefined };
    }
    return { error: { name: `non-error ${typeof e}`, domException: false }, thrownValue: encodePrimitive(e) };
}

const messageTimeoutMs = 2000;
const portProbeTimeoutMs = 1000;

// Posting through a MessageChannel. A Post is settled once: by the message (state 'data'), a
// messageerror event, or no message within messageTimeoutMs of the wait's start ('timeout').
const postPending = 0;
const postData = 1;
const postMessageError = 2;
const postTimeout = 3;

function settlePost(post, state, data) {
    if (post.state !== postPending)
        return;
    post.state = state;
    post.data = data;
    if (post.timer !== undefined) {
        call(I.clearTimeout, G, post.timer);
        post.timer = undefined;
    }
    if (post.wake !== null)
        post.wake();
}

// Starts the no-message timer: at once, or only when waitForPost begins (a Scenario whose
// message is waited for after other Scenarios have run; their synchronous work must not count).
function startPostTimer(post) {
    if (post.state === postPending && post.timer === undefined)
        post.timer = call(I.setTimeout, G, () => settlePost(post, postTimeout, undefined), messageTimeoutMs);
}

// MessageChannels kept for reuse by overlapped Scenarios (runParsedScenarios with
// `reuseChannels`). OPTIMIZATION: making a MessageChannel costs ~37 us in Node.js 20, five times
// a post and its delivery on an existing one, and half the Scenarios of a structured-clone
// property post. Reuse is exact: a pooled channel carries one message at a time, so the event
// that arrives on its port2 is that message's (a port delivers in order; a post that throws
// queues nothing; Scenarios with MessagePorts run alone, on channels of their own). A channel
// whose message did not arrive is closed, never reused. The ports are unref'd where the runtime
// can, so that a pool left open does not keep a process alive.
const channelPool = [];

function pooledChannel() {
    const pooled = channelPool.pop();
    if (pooled)
        return pooled;
    const ch = new I.MessageChannel();
    const entry = { ch, post: undefined };
    const settleCurrent = (state, data) => {
        const post = entry.post;
        entry.post = undefined;
        if (post === undefined)
            return;
        settlePost(post, state, data);
        append(channelPool, entry);
    };
    ch.port2.onmessage = e => settleCurrent(postData, e.data);
    ch.port2.onmessageerror = () => settleCurrent(postMessageError, undefined);
    for (const port of [ch.port1, ch.port2])
        if (typeof port.unref === 'function')
            port.unref();
    return entry;
}

// Closes the pooled channels (tests; a process that is done with runParsedScenarios).
export function closeChannelPool() {
    for (const { ch } of channelPool.splice(0)) {
        ch.port1.close();
        ch.port2.close();
    }
}

// Posts `root` on a MessageChannel's port1 (a new one, or from the pool when `reuse`); port2
// receives it. Synchronous: a throw from postMessage is in `threw` / `error`, and the message
// arrives later (waitForPost).
function postThroughChannel(root, transfer, ctx, timerNow, reuse) {
    const post = { threw: false, error: undefined, state: postPending, data: undefined, timer: undefined, wake: null, pooled: undefined };
    let port1;
    if (reuse) {
        const entry = pooledChannel();
        entry.post = post;
        post.pooled = entry;
        port1 = entry.ch.port1;
    } else {
        const ch = new I.MessageChannel();
        append(ctx.closers, ch.port1);
        append(ctx.closers, ch.port2);
        ch.port2.onmessage = e => settlePost(post, postData, e.data);
        ch.port2.onmessageerror = () => settlePost(post, postMessageError, undefined);
        port1 = ch.port1;
    }
    if (timerNow)
        startPostTimer(post);
    try {
        port1.postMessage(root, { transfer });
    } catch (e) {
        if (post.timer !== undefined)
            call(I.clearTimeout, G, post.timer);
        post.timer = undefined;
        post.threw = true;
        post.error = e;
        if (post.pooled) { // nothing was queued: the channel is free again
            post.pooled.post = undefined;
            append(channelPool, post.pooled);
        }
    }
    return post;
}

// Undefined when the Post has settled (or threw), else a promise of its settling.
function waitForPost(post) {
    if (post.threw || post.state !== postPending)
        return undefined;
    return new Promise(resolve => {
        post.wake = resolve;
        startPostTimer(post);
    });
}

// After a run: its timer stopped, and a pooled channel still waiting for the run's message
// (a timeout, or a batch that failed) closed rather than reused.
function cancelPost(post) {
    if (post && post.timer !== undefined) {
        call(I.clearTimeout, G, post.timer);
        post.timer = undefined;
    }
    if (post && post.pooled && post.pooled.post === post) {
        post.pooled.post = undefined;
        post.pooled.ch.port1.close();
        post.pooled.ch.port2.close();
    }
}

// Which input port is each result port? See the design note at the top.
async function identifyPorts(encoder, ctx) {
    const pending = [];
    for (const [n, port] of encoder.ports) {
        const known = ctx.ports.get(port);
        if (known) {
            n.portId = known.id;
            continue;
        }
        append(pending, [n, port]);
    }
    if (pending.length === 0)
        return;
    let left = pending.length;
    let done;
    const all = new Promise(resolve => { done = resolve; });
    for (const [n, port] of pending) {
        append(ctx.closers, port);
        port.onmessage = e => {
            const d = e.data;
            if (n.portId === 0 && typeof d === 'number') {
                n.portId = d;
                if (--left === 0)
                    done();
            }
        };
    }
    for (const [, { id, partner }] of ctx.ports) {
        try {
            partner.postMessage(id);
        } catch { /* a closed partner */ }
    }
    const timer = call(I.setTimeout, G, done, portProbeTimeoutMs);
    await all;
    call(I.clearTimeout, G, timer);
}

// One Scenario's run: built, invoked, then (once any message has arrived) encoded.
function newRun(sc, where) {
    return { sc, where, ctx: newContext(), post: undefined, threw: false, error: undefined, result: undefined, done: false };
}

// Builds the values (the bitmaps must have been awaited in between when there are any) and
// calls the implementation: structuredClone, or postMessage (the message arrives later).
function invoke(run, timerNow, reuseChannel = false) {
    const { sc, ctx, where } = run;
    buildProps(sc, ctx, where);
    const root = valueOf(sc.root, ctx);
    const transfer = sc.transfer.map(t => valueOf(t, ctx));
    if (sc.mode === 'structuredClone') {
        try {
            run.result = clone(root, { transfer });
        } catch (e) {
            run.threw = true;
            run.error = e;
        }
    } else {
        if (!nativeImpl || !I.MessageChannel)
            fail(`${where}mode messageChannel is not supported by ${implementation}`);
        run.post = postThroughChannel(root, transfer, ctx, timerNow, reuseChannel);
    }
}

// The Observation, once any message has arrived: the result graph, the transferables' state,
// the getter calls, then the destructive probes. A JSON-ready object except that absent fields
// are undefined (JSON.stringify leaves them out).
async function observe(run) {
    const { sc, ctx } = run;
    let threw = run.threw;
    let error = run.error;
    let result = run.result;
    let special; // messageChannel: a messageerror or no message at all
    const post = run.post;
    if (post) {
        if (post.threw) {
            threw = true;
            error = post.error;
        } else if (post.state === postMessageError) {
            special = 'messageerror';
        } else if (post.state === postTimeout) {
            special = 'no message';
        } else {
            result = post.data;
        }
    }

    const obs = { threw: false, result: undefined, error: undefined, thrownValue: undefined, transferables: undefined, getterCalls: undefined };
    let encoder;
    if (special) {
        obs.threw = true;
        obs.error = { name: special, domException: false };
    } else if (threw) {
        obs.threw = true;
        const c = classifyThrow(error, ctx);
        obs.error = c.error;
        obs.thrownValue = c.thrownValue;
    } else {
        encoder = new Encoder(ctx.regexps);
        obs.result = encoder.graph(result);
    }

    // Transferables' state, before any probe can transfer a port.
    const states = [];
    for (let i = 0; i < sc.nodes.length; ++i) {
        const kind = sc.nodes[i].kind;
        const x = ctx.values[i];
        if (kind === 'ArrayBuffer')
            append(states, { kind, state: { node: i, detached: isDetachedBuffer(x), byteLength: call(I.abByteLength, x) }, node: i, x: undefined });
        else if (kind === 'MessagePort' || kind === 'ImageBitmap')
            append(states, { kind, state: undefined, node: i, x });
    }
    obs.getterCalls = [...ctx.log];

    // Destructive probes, in this order: views (resizes result buffers), port identity (needs
    // the entanglements as the call left them), then detached states (transfers live ports
    // away; a result port that is an input port shares the input port's answer).
    if (encoder) {
        encoder.probeLengthTracking();
        if (encoder.ports.length !== 0)
            await identifyPorts(encoder, ctx);
    }
    const portDetached = new Map();
    obs.transferables = states.map(s => {
        if (s.kind === 'MessagePort') {
            const detached = probePortDetached(s.x);
            portDetached.set(s.x, detached);
            return { node: s.node, detached };
        }
        if (s.kind === 'ImageBitmap')
            return { node: s.node, detached: call(I.bitmapWidth, s.x) === 0 && call(I.bitmapHeight, s.x) === 0 };
        return s.state;
    });
    if (encoder) {
        for (const [n, port] of encoder.ports)
            if (portDetached.has(port) ? portDetached.get(port) : probePortDetached(port))
                n.detached = true;
    }
    return obs;
}

// After a run, whatever happened: its ports closed, its timer stopped, %Object.prototype% as it
// was at start-up.
function cleanUp(run) {
    if (run.done)
        return;
    run.done = true;
    cancelPost(run.post);
    for (const p of run.ctx.closers) {
        try {
            p.close();
        } catch { /* already closed */ }
    }
    if (run.sc.pollutes || R.ownKeys(Object.prototype).length !== objectPrototypeSnapshot.length)
        restoreObjectPrototype();
}

// Runs one Scenario by itself, as the only thing going on.
async function runAlone(sc, where) {
    if (sc.mode === 'operations')
        return runOperationSequence(sc, where);
    const run = newRun(sc, where);
    guarded = sc.pollutes;
    try {
        buildNodes(sc, run.ctx, where);
        if (run.ctx.bitmaps.length !== 0)
            await awaitBitmaps(run.ctx);
        invoke(run, true);
        return await observeAfterMessage(run);
    } finally {
        cleanUp(run);
        guarded = false;
    }
}

// The Observation, once the run's message (if it posted one) has arrived, or failed to.
async function observeAfterMessage(run) {
    if (run.post) {
        const wait = waitForPost(run.post);
        if (wait)
            await wait;
    }
    return observe(run);
}

// Runs a Scenario up to the point where it waits for its message (all of it in structuredClone
// mode): synchronous. Only for Scenarios that are not `alone`.
function startOverlapped(sc, where, reuseChannel) {
    const run = newRun(sc, where);
    try {
        buildNodes(sc, run.ctx, where);
        invoke(run, false, reuseChannel);
    } catch (e) {
        cleanUp(run);
        throw e;
    }
    return run;
}

async function finishOverlapped(run) {
    try {
        return await observeAfterMessage(run);
    } finally {
        cleanUp(run);
    }
}

// At most this many Scenarios wait for their messages at once.
const maxOverlapped = 64;

// Runs a batch of parsed Scenarios, in order, and gives their Observations in the same order
// (as observe() makes them: JSON.stringify them; undefined fields are absent ones).
//
// Each Scenario is observed exactly as if it ran alone, but their waits overlap: a Scenario in
// messageChannel mode is built and posted, and the batch goes on with the next Scenarios while
// its message is on its way; messages are collected, and the Observations made, in order. This
// is sound because the Scenarios share nothing: each builds its own values, its own getters and
// log, and posts on a MessageChannel of its own (a new one, or with `reuseChannels` one from the
// pool that carries nothing else meanwhile: see channelPool). The exceptions run `alone` (parseScenario says which),
// after every message before them has been collected: a Scenario that may change
// %Object.prototype% (shared by everything), and those with MessagePorts or ImageBitmaps (the
// port probes post and wait; bitmaps are made asynchronously). An overlapped Scenario's
// no-message timeout starts when the batch starts waiting for it, not when it posts.
//
// `before(k, sc)` is called right before Scenario k starts. An AdapterError (or any failure)
// stops the batch: the Scenarios still waiting are cleaned up and the error is thrown.
export async function runParsedScenarios(scenarios, { where = k => `scenario ${k}: `, before, reuseChannels = false } = {}) {
    const observations = [];
    const overlapped = [];
    let next = 0; // the first of `overlapped` not yet finished
    try {
        for (let k = 0; k < scenarios.length; ++k) {
            const sc = scenarios[k];
            if (sc.alone) {
                while (next < overlapped.length)
                    observations.push(await finishOverlapped(overlapped[next++]));
                if (before)
                    before(k, sc);
                observations.push(await runAlone(sc, where(k)));
                continue;
            }
            if (overlapped.length - next >= maxOverlapped)
                observations.push(await finishOverlapped(overlapped[next++]));
            if (before)
                before(k, sc);
            overlapped.push(startOverlapped(sc, where(k), reuseChannels));
        }
        while (next < overlapped.length)
            observations.push(await finishOverlapped(overlapped[next++]));
        return observations;
    } finally {
        for (let i = next; i < overlapped.length; ++i)
            cleanUp(overlapped[i]);
    }
}

// The Observation as a plain JSON value (absent fields absent).
const jsonReady = obs => JSON.parse(JSON.stringify(obs));

export async function runParsedScenario(sc, where = '') {
    return jsonReady(await runAlone(sc, where));
}


// ---------------------------------------------------------------------------------------------
// Operation sequences (mode `operations`): messaging operations run in order, as a script would
// run them (docs/protocol.md, "Operation sequences (messaging)"); pmconf compares what happened
// with its reference model (model/html/web_messaging/messaging.cpp).
//
// * A runtime is one agent, `windowA` (its main thread), plus at most one dedicated worker a
//   sequence where it can run one (`dedicated-workers`; see "Dedicated workers" below). An
//   operation in another agent, or on a service worker client, fails the batch with an
//   AdapterError: pmconf sends them only to IUTs that announce `messaging-agents` /
//   `service-worker-clients`.
// * Names, as the model gives them: [L, 0] and [L, 1] are port1 and port2 of the channel op L
//   made; [L, i] is the i-th port of the `ports` of the message event that delivered the message
//   op L posted (named when that event is dispatched); a BroadcastChannel is named by the op that
//   made it. An op that names a port or channel the run does not have (never made, not received
//   yet) is not run: its outcome is `skipped`. A port that was transferred or closed is still an
//   object the script holds, so it keeps its name: using it again is up to the implementation.
// * Every port made or received and every BroadcastChannel made is watched from that moment with
//   addEventListener for message, messageerror and close (listening does not enable a port's
//   queue in the spec; where a runtime's does, that is what it reports), and the events are
//   recorded in dispatch order.
// * A run's listeners record only until the run is finished: every port and channel it made or
//   received is then closed, and whatever a runtime still dispatches to them (the close events of
//   that very clean-up, a message queued on a closed port) is dropped, any port such an event
//   carries closed at once; the next Scenario begins a few turns later (afterClosing), when the
//   runtime has finished closing them. Nothing of one run reaches the next.

const agentNames = ['windowA', 'windowB', 'windowOtherSite', 'serviceWorker'];
const clientCount = 4; // the three windows and the dedicated worker (a service worker client)
const maxLabel = 2 ** 32 - 1; // labels and port indices are the model's uint32

// The fields of each op besides `op` and `label`, all required (docs/protocol.md's table).
const operationFields = {
    newChannel: ['agent'],
    portPost: ['port', 'transfer', 'overload', 'message'],
    portStart: ['port'],
    portSetOnmessage: ['port'],
    portAddListener: ['port'],
    portClose: ['port'],
    newBroadcastChannel: ['agent', 'name'],
    broadcastPost: ['channel', 'message'],
    broadcastClose: ['channel'],
    clientPost: ['client', 'transfer', 'overload', 'message'],
    clientGone: ['client'],
    containerStartMessages: ['client'],
    containerSetOnmessage: ['client'],
    containerAddListener: ['client'],
    documentParsed: ['client'],
    runEventLoops: [],
    newWorker: [],
    workerRuns: ['worker'],
    workerPost: ['worker', 'transfer', 'overload', 'message'],
    workerGlobalPost: ['worker', 'transfer', 'overload', 'message'],
};
const workerOperations = new Set(['newWorker', 'workerRuns', 'workerPost', 'workerGlobalPost']);

class ParsedOperation {
    constructor(op, label) {
        this.op = op;
        this.label = label;
        this.agent = undefined;     // newChannel, newBroadcastChannel
        this.port = undefined;      // port*: a PortName
        this.transfer = undefined;  // portPost, clientPost: PortNames
        this.sequence = false;      // portPost, clientPost: the (message, transfer) overload
        this.message = undefined;   // { sharedArrayBuffer, symbol }
        this.channel = undefined;   // broadcastPost, broadcastClose: a label
        this.name = undefined;      // newBroadcastChannel: the channel name
        this.client = undefined;    // client and container ops
        this.worker = undefined;    // workerRuns, workerPost, workerGlobalPost: the newWorker's label
        this.unparsableURL = false; // newWorker: a script URL that does not parse
    }
}

// [label, index] -> { label, index, key }
function parsePortName(j, what) {
    if (!I.isArray(j) || j.length !== 2 || !j.every(x => Number.isSafeInteger(x) && x >= 0 && x <= maxLabel))
        fail(`${what}: expected a port [label, index] of two integers in [0, 2^32 - 1], got ${JSON.stringify(j)}`);
    return { label: j[0], index: j[1], key: `${j[0]}.${j[1]}` };
}

function labelField(j, k, what) {
    const v = j[k];
    if (!Number.isSafeInteger(v) || v < 0 || v > maxLabel)
        fail(`${what}.${k}: expected an integer in [0, 2^32 - 1], got ${JSON.stringify(v)}`);
    return v;
}

function parseOperation(j, what) {
    if (!isObj(j))
        fail(`${what}: not an object`);
    const op = field(j, 'op', undefined);
    if (typeof op !== 'string' || !hasOwn(operationFields, op))
        fail(`${what}: unknown op ${JSON.stringify(op)}`);
    const named = `${what} (${op})`;
    const missing = ['label', ...operationFields[op]].find(k => !hasOwn(j, k));
    if (missing !== undefined)
        fail(`${named}: no ${missing}`);
    const parsed = new ParsedOperation(op, labelField(j, 'label', named));
    for (const k of operationFields[op]) {
        const v = j[k];
        switch (k) {
        case 'agent':
            if (!agentNames.includes(v))
                fail(`${named}.agent: expected one of ${agentNames.join(', ')}, got ${JSON.stringify(v)}`);
            parsed.agent = v;
            break;
        case 'port':
            parsed.port = parsePortName(v, `${named}.port`);
            break;
        case 'transfer':
            if (!I.isArray(v))
                fail(`${named}.transfer: expected an array of ports, got ${JSON.stringify(v)}`);
            parsed.transfer = v.map((p, t) => parsePortName(p, `${named}.transfer[${t}]`));
            break;
        case 'overload':
            if (v !== 'options' && v !== 'sequence')
                fail(`${named}.overload: expected "options" or "sequence", got ${JSON.stringify(v)}`);
            parsed.sequence = v === 'sequence';
            break;
        case 'message':
            if (!isObj(v))
                fail(`${named}.message: expected an object, got ${JSON.stringify(v)}`);
            parsed.message = {
                sharedArrayBuffer: boolField(v, 'sharedArrayBuffer', false, `${named}.message`),
                symbol: boolField(v, 'symbol', false, `${named}.message`),
            };
            break;
        case 'channel':
            parsed.channel = labelField(j, k, named);
            break;
        case 'worker':
            parsed.worker = labelField(j, k, named);
            break;
        case 'name':
            if (typeof v !== 'string')
                fail(`${named}.name: expected a string, got ${JSON.stringify(v)}`);
            parsed.name = v;
            break;
        case 'client':
            if (!Number.isSafeInteger(v) || v < 0 || v >= clientCount)
                fail(`${named}.client: expected 0, 1, 2 or 3, got ${JSON.stringify(v)}`);
            parsed.client = v;
            break;
        default:
            break;
        }
    }
    if (op === 'newWorker')
        parsed.unparsableURL = boolField(j, 'unparsableURL', false, named);
    return parsed;
}

// An operation sequence needs no graph and always runs alone (its waits are event-loop turns of
// the whole process). `nodes` is empty for the code that looks at every Scenario's nodes.
function parseOperationSequence(j, where) {
    const operationsJ = field(j, 'operations', undefined);
    if (!I.isArray(operationsJ))
        fail(`${where}operations: not an array`);
    const operations = [];
    const labelAt = new Map();
    for (let i = 0; i < operationsJ.length; ++i) {
        const op = parseOperation(operationsJ[i], `${where}operation ${i}`);
        if (labelAt.has(op.label))
            fail(`${where}operation ${i} (${op.op}): label ${op.label} is already operation ${labelAt.get(op.label)}'s`);
        labelAt.set(op.label, i);
        operations.push(op);
    }
    return { mode: 'operations', operations, nodes: noList, pollutes: false, alone: true };
}

// What this runtime cannot run fails the batch before any operation runs.
function checkRunnable(sc, where) {
    if (!nativeImpl)
        fail(`${where}mode operations is not supported by ${implementation} (a structuredClone polyfill)`);
    for (let i = 0; i < sc.operations.length; ++i) {
        const op = sc.operations[i];
        const named = `${where}operation ${i} (${op.op})`;
        if (op.client !== undefined)
            fail(`${named}: ${runtime} has no service worker clients (pmconf sends client operations only to IUTs announcing service-worker-clients)`);
        if (op.agent !== undefined && op.agent !== 'windowA')
            fail(`${named}: agent ${op.agent}: ${runtime} has one agent, windowA (pmconf sends other agents only to IUTs announcing messaging-agents)`);
        if (op.op === 'newChannel' && !I.MessageChannel)
            fail(`${named}: ${runtime} has no MessageChannel`);
        if (op.op === 'newBroadcastChannel' && !I.BroadcastChannel)
            fail(`${named}: ${runtime} has no BroadcastChannel`);
        if (workerOperations.has(op.op) && !workersUsable())
            fail(`${named}: ${runtime} cannot run dedicated workers here (it needs a web Worker, Blob URLs, SharedArrayBuffer and Atomics.wait on the main thread; pmconf sends worker operations only to IUTs announcing dedicated-workers)`);
        if (op.message !== undefined && op.message.sharedArrayBuffer && !I.SharedArrayBuffer)
            fail(`${named}: ${runtime} has no SharedArrayBuffer`);
    }
}

class OperationRun {
    constructor(where) {
        this.where = where;
        this.outcomes = [];
        this.events = [];
        this.ports = new Map();      // "L.i" -> the MessagePort of that name (the first one)
        this.watched = new Set();    // the ports and channels watched
        this.channels = new Map();   // label -> the BroadcastChannel that op made
        this.closers = [];           // every port and channel made or received, to close at the end
        this.finished = false;
        this.failure = undefined;    // what a listener found that the protocol cannot say
        this.waitedMs = 0;           // all runEventLoops waits so far
        this.workerMade = false;     // a newWorker ran (the model has at most one worker)
        this.worker = undefined;     // the WorkerDriver of that newWorker, when new Worker returned
    }
}

const watchedTypes = ['message', 'messageerror', 'close'];

function closeQuietly(x) {
    try {
        x.close();
    } catch { /* already closed, or not closable */ }
}

function watch(run, object, target) {
    if (run.watched.has(object))
        return;
    run.watched.add(object);
    append(run.closers, object);
    for (const type of watchedTypes)
        object.addEventListener(type, e => recordEvent(run, target, type, e));
}

// A port made (newChannel) or received (a message event's ports): named and watched at once.
function namePort(run, port, label, index) {
    const key = `${label}.${index}`;
    if (!run.ports.has(key))
        run.ports.set(key, port);
    watch(run, port, { port: [label, index] });
}

function eventPorts(e) {
    const ports = e.ports;
    return ports !== null && typeof ports === 'object' && typeof ports.length === 'number' ? ports : noList;
}

function recordEvent(run, target, type, e) {
    const ports = type === 'message' ? eventPorts(e) : noList;
    if (run.finished) {
        for (let i = 0; i < ports.length; ++i)
            closeQuietly(ports[i]);
        return;
    }
    const event = { target, type, message: undefined, ports: undefined, origin: undefined };
    if (type === 'message') {
        // The message: [label], maybe followed by a SharedArrayBuffer and a Symbol.
        const data = e.data;
        const label = I.isArray(data) && data.length !== 0 ? data[0] : undefined;
        if (!Number.isSafeInteger(label) || label < 0 || label > maxLabel) {
            if (run.failure === undefined)
                run.failure = `${run.where}a message event at ${JSON.stringify(target)} whose data is not [label, ...]`;
            for (let i = 0; i < ports.length; ++i)
                closeQuietly(ports[i]);
            return;
        }
        event.message = label;
        event.ports = [];
        for (let i = 0; i < ports.length; ++i) {
            append(event.ports, [label, i]);
            namePort(run, ports[i], label, i);
        }
    }
    // Where a runtime gives an origin (BroadcastChannel), it is reported; pmconf does not compare it.
    if (type !== 'close' && typeof e.origin === 'string' && e.origin !== '')
        event.origin = e.origin;
    append(run.events, event);
}

// The message of op L: [L], then a 4-byte SharedArrayBuffer of L mod 256, then Symbol("s").
function makeMessage(op) {
    const m = [op.label];
    if (op.message.sharedArrayBuffer) {
        const sab = new I.SharedArrayBuffer(4);
        new Uint8Array(sab).fill(op.label % 256);
        append(m, sab);
    }
    if (op.message.symbol)
        append(m, I.Symbol('s'));
    return m;
}

const returnedOutcome = () => ({ threw: undefined, error: undefined, skipped: undefined });
const skippedOutcome = () => ({ threw: undefined, error: undefined, skipped: true });
const noErrors = { thrown: noList };

function attempt(f) {
    try {
        f();
        return returnedOutcome();
    } catch (e) {
        return { threw: true, error: classifyThrow(e, noErrors).error.name, skipped: undefined };
    }
}

// portPost and workerPost: target.postMessage(m, {transfer}) or (m, transfer) with the ports op
// names; skipped when one of them is not held here.
function postTo(run, target, op) {
    const transfer = [];
    for (const name of op.transfer) {
        const p = run.ports.get(name.key);
        if (p === undefined)
            return skippedOutcome();
        append(transfer, p);
    }
    const message = makeMessage(op);
    return attempt(() => (op.sequence ? target.postMessage(message, transfer) : target.postMessage(message, { transfer })));
}

// Runs one operation other than runEventLoops: synchronous, as a script's call is.
function runOperation(run, op) {
    const port = op.port === undefined ? undefined : run.ports.get(op.port.key);
    if (op.port !== undefined && port === undefined)
        return skippedOutcome();
    switch (op.op) {
    case 'newChannel':
        return attempt(() => {
            const ch = new I.MessageChannel();
            namePort(run, ch.port1, op.label, 0);
            namePort(run, ch.port2, op.label, 1);
        });
    case 'portPost':
        return postTo(run, port, op);
    case 'portStart':
        return attempt(() => port.start());
    case 'portSetOnmessage':
        // The handler does nothing: the events are recorded by the listeners watch() added.
        return attempt(() => { port.onmessage = () => {}; });
    case 'portAddListener':
        return attempt(() => port.addEventListener('message', () => {}));
    case 'portClose':
        return attempt(() => port.close());
    case 'newBroadcastChannel':
        return attempt(() => {
            const channel = new I.BroadcastChannel(op.name);
            run.channels.set(op.label, channel);
            watch(run, channel, { broadcast: op.label });
        });
    case 'broadcastPost':
    case 'broadcastClose': {
        const channel = run.channels.get(op.channel);
        if (channel === undefined)
            return skippedOutcome();
        if (op.op === 'broadcastClose')
            return attempt(() => channel.close());
        const message = makeMessage(op);
        return attempt(() => channel.postMessage(message));
    }
    case 'newWorker':
        if (run.workerMade)
            return skippedOutcome(); // at most one worker a sequence (as the model)
        if (op.unparsableURL) {
            // HTML's new Worker() steps 3-4: a URL that does not parse throws (a SyntaxError
            // DOMException) and makes no worker. A Worker a runtime makes anyway is of no use to
            // the operations after (its script cannot load): terminated at once, and not counted.
            return attempt(() => {
                const w = new I.Worker(unparsableWorkerUrl, { type: 'module' });
                try {
                    w.terminate();
                } catch { /* already gone */ }
            });
        }
        run.workerMade = true;
        return attempt(() => makeWorker(run, op.label));
    case 'workerRuns': {
        const w = run.worker;
        if (w === undefined || w.label !== op.worker || w.running)
            return skippedOutcome();
        workerStarts(run, w);
        return returnedOutcome();
    }
    case 'workerPost': {
        const w = run.worker;
        if (w === undefined || w.label !== op.worker)
            return skippedOutcome();
        const outcome = postTo(run, w.worker, op);
        if (!outcome.threw && !outcome.skipped)
            ++w.posted;
        return outcome;
    }
    case 'workerGlobalPost': {
        const w = run.worker;
        if (w === undefined || w.label !== op.worker || !w.running)
            return skippedOutcome();
        return workerGlobalPost(run, op);
    }
    default:
        return fail(`${run.where}operation ${op.op} cannot run here`); // checkRunnable let it through
    }
}

// ---------------------------------------------------------------------------------------------
// Dedicated workers (newWorker, workerRuns, workerPost, workerGlobalPost).
//
// In the reference model, tasks run only during runEventLoops and operations are synchronous
// calls; the main thread honours that by running operations synchronously. The worker must too:
// its event loop must not turn between operations, or messages would be dispatched at it at
// arbitrary times. So the worker is driven synchronously through a SharedArrayBuffer:
//
// * Its script is workerScript below, whose source text becomes a Blob URL module (reproducers
//   stay standalone; it sees none of this file's names). newWorker makes the Worker and posts it
//   the control buffer as its first message. The worker's first message event takes it (it is
//   not recorded; every later one is), marks the header `ready` and serves commands in a loop
//   blocked in Atomics.wait, inside that listener: its event loop does not turn, so nothing is
//   dispatched at it ("the worker's script has not run yet", or "between two operations").
// * workerRuns waits (Atomics.wait, bounded) for `ready`. workerGlobalPost is the command
//   `post` (a synchronous call: the main thread waits for the reply). runEventLoops sends
//   `loop`: the worker answers, leaves its command loop and lets its event loop turn, recording
//   events and publishing their count and its turn count in the header, until it sees the next
//   command; the main thread turns its own loop until both are quiet, then sends `collect` (the
//   worker's events since the last collect, appended to the run's: pmconf compares events per
//   target, and a target lives in one thread). At the end of the run the main thread sets the
//   header's `exit` (the worker closes its ports and itself) and terminates the Worker.
//
// The header: Int32 slots (workerSlots), then a command region and a reply region of JSON text.

const workerSlots = { command: 0, reply: 1, commandLength: 2, replyLength: 3, ready: 4, events: 5, turns: 6, exit: 7, posted: 8, received: 9 };
const workerHeaderBytes = 64;
const workerCommandBytes = 64 * 1024;
const workerReplyBytes = 1024 * 1024;
const workerReadyMs = 5000;    // newWorker to `ready`, at most (workerRuns waits this long)
const workerReplyMs = 2000;    // a command's reply, at most
const workerIdleMs = 30000;    // a worker with no command for this long ends itself

// The worker's script: self-contained (its text is all the worker gets).
function workerScript() {
    const G = globalThis;
    const A = G.Atomics;
    const encoder = new G.TextEncoder();
    const decoder = new G.TextDecoder();
    const nextTurn = typeof G.setImmediate === 'function' ? f => G.setImmediate(f) : f => G.setTimeout(f, 0);
    const maxLabel = 2 ** 32 - 1;
    const errorNames = ['TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'Error'];
    let S;          // workerSlots, from the control message
    let h;          // the header (Int32Array)
    let bytes;      // the whole buffer (Uint8Array)
    let label;      // the newWorker's label: message events at this global are {workerGlobal: label}
    let seen = 0;   // the last command served
    let finished = false;
    let failure;    // what a listener found that the protocol cannot say
    let events = [];
    let eventCount = 0;
    const ports = new Map();   // "L.i" -> a port received here (the first of that name)
    const closers = [];

    function closeQuietly(p) {
        try {
            p.close();
        } catch { /* already closed */ }
    }
    function eventPorts(e) {
        const p = e.ports;
        return p !== null && typeof p === 'object' && typeof p.length === 'number' ? p : [];
    }
    function namePort(port, l, i) {
        const key = `${l}.${i}`;
        if (ports.has(key))
            return;
        ports.set(key, port);
        closers.push(port);
        for (const type of ['message', 'messageerror', 'close'])
            port.addEventListener(type, e => record({ port: [l, i] }, type, e));
    }
    function record(target, type, e) {
        const received = type === 'message' ? eventPorts(e) : [];
        if (finished) {
            for (let i = 0; i < received.length; ++i)
                closeQuietly(received[i]);
            return;
        }
        const event = { target, type };
        if (type === 'message') {
            const data = e.data;
            const l = Array.isArray(data) && data.length !== 0 ? data[0] : undefined;
            if (!Number.isSafeInteger(l) || l < 0 || l > maxLabel) {
                if (failure === undefined)
                    failure = `a message event in the worker at ${JSON.stringify(target)} whose data is not [label, ...]`;
                for (let i = 0; i < received.length; ++i)
                    closeQuietly(received[i]);
                return;
            }
            event.message = l;
            event.ports = [];
            for (let i = 0; i < received.length; ++i) {
                event.ports.push([l, i]);
                namePort(received[i], l, i);
            }
        }
        if (type !== 'close' && typeof e.origin === 'string' && e.origin !== '')
            event.origin = e.origin;
        events.push(event);
        A.store(h, S.events, ++eventCount);
    }
    function errorName(e) {
        if (typeof G.DOMException === 'function' && e instanceof G.DOMException)
            return String(e.name);
        if (e !== null && typeof e === 'object')
            for (const n of errorNames)
                if (e instanceof G[n])
                    return n;
        return `non-error ${typeof e}`;
    }
    // workerGlobalPost: self.postMessage(m, ...) with the ports received here.
    function post(c) {
        const transfer = [];
        for (const key of c.transfer) {
            const p = ports.get(key);
            if (p === undefined)
                return { skipped: true };
            transfer.push(p);
        }
        const m = [c.label];
        if (c.sharedArrayBuffer) {
            const sab = new G.SharedArrayBuffer(4);
            new Uint8Array(sab).fill(c.label % 256);
            m.push(sab);
        }
        if (c.symbol)
            m.push(G.Symbol('s'));
        try {
            if (c.sequence)
                G.postMessage(m, transfer);
            else
                G.postMessage(m, { transfer });
            A.add(h, S.posted, 1);
            return {};
        } catch (e) {
            return { threw: true, error: errorName(e) };
        }
    }
    function reply(value) {
        let b = encoder.encode(JSON.stringify(value));
        if (b.length > S.replyBytes)
            b = encoder.encode(JSON.stringify({ failure: `the worker's reply is longer than ${S.replyBytes} bytes` }));
        bytes.set(b, S.replyAt);
        A.store(h, S.replyLength, b.length);
        A.store(h, S.reply, seen);
        A.notify(h, S.reply);
    }
    function finish() {
        finished = true;
        for (const p of closers)
            closeQuietly(p);
        A.store(h, S.ready, 2);
        A.notify(h, S.ready);
        G.close();
    }
    // Serves commands, blocked, until one lets the event loop turn (loop) or ends the worker.
    function serve() {
        let idleSince = Date.now();
        for (;;) {
            if (A.load(h, S.exit) !== 0)
                return finish();
            const seq = A.load(h, S.command);
            if (seq === seen) {
                A.wait(h, S.command, seen, 50);
                if (Date.now() - idleSince > S.idleMs)
                    return finish();
                continue;
            }
            seen = seq;
            idleSince = Date.now();
            const length = A.load(h, S.commandLength);
            const c = JSON.parse(decoder.decode(bytes.slice(S.commandAt, S.commandAt + length)));
            switch (c.command) {
            case 'post':
                reply(post(c));
                break;
            case 'collect':
                reply({ events, failure });
                events = [];
                break;
            case 'loop':
                reply({});
                nextTurn(turn);
                return undefined;
            default:
                reply({ failure: `unknown command ${JSON.stringify(c.command)}` });
                break;
            }
        }
    }
    // One turn of the event loop in loop mode; a new command (or exit) ends loop mode.
    function turn() {
        if (A.load(h, S.exit) !== 0 || A.load(h, S.command) !== seen)
            return serve();
        A.store(h, S.turns, A.load(h, S.turns) + 1);
        nextTurn(turn);
        return undefined;
    }
    G.addEventListener('message', e => {
        if (h === undefined) {
            // The first message: the control buffer. Ready, and blocked until told otherwise.
            const c = e.data;
            S = c.slots;
            h = new Int32Array(c.buffer, 0, S.headerSlots);
            bytes = new Uint8Array(c.buffer);
            label = c.label;
            A.store(h, S.ready, 1);
            A.notify(h, S.ready);
            serve();
            return;
        }
        A.add(h, S.received, 1);
        record({ workerGlobal: label }, 'message', e);
    });
    G.addEventListener('messageerror', e => {
        A.add(h, S.received, 1);
        record({ workerGlobal: label }, 'messageerror', e);
    });
}

const unparsableWorkerUrl = 'http://['; // the URL Standard's parser fails on it (an unclosed IPv6 host)
let workerUrl;         // the Blob URL of workerScript's module, made once
let workerEncoder;     // a TextEncoder and a TextDecoder for the commands, made once
let workerDecoder;
let workersUsableNow;  // workersUsable(), once known

// Whether this runtime can run the worker operations as above.
function workersUsable() {
    if (workersUsableNow === undefined) {
        workersUsableNow = nativeImpl && !!(I.Worker && I.Blob && I.createObjectURL && I.SharedArrayBuffer
            && I.TextEncoder && I.TextDecoder && I.atomicsWait)
            && tryOr(() => R.apply(I.atomicsWait, G.Atomics, [new Int32Array(new I.SharedArrayBuffer(4)), 0, 1, 0]) === 'not-equal', false);
    }
    return workersUsableNow;
}

class WorkerDriver {
    constructor(label, worker, buffer) {
        this.label = label;
        this.worker = worker;
        this.header = new Int32Array(buffer, 0, workerHeaderBytes / 4);
        this.bytes = new Uint8Array(buffer);
        this.sequence = 0;     // the last command sent
        this.running = false;  // after its workerRuns
        this.terminated = false;
        this.posted = 0;       // workerPost calls that returned
        this.received = 0;     // message and messageerror events at the Worker
    }

    // Messages on the implicit ports that were posted and not dispatched yet.
    inFlight() {
        const header = this.header;
        return this.received < R.apply(I.atomicsLoad, G.Atomics, [header, workerSlots.posted])
            || (this.running && R.apply(I.atomicsLoad, G.Atomics, [header, workerSlots.received]) < this.posted);
    }
}

const atomicLoad = (w, slot) => R.apply(I.atomicsLoad, G.Atomics, [w.header, slot]);

// Atomics.wait until slot is no longer `value`, at most ms; whether it changed.
function waitWhile(w, slot, value, ms) {
    const deadline = nowMs() + ms;
    for (;;) {
        if (atomicLoad(w, slot) !== value)
            return true;
        const left = deadline - nowMs();
        if (left <= 0)
            return false;
        R.apply(I.atomicsWait, G.Atomics, [w.header, slot, value, left]);
    }
}

// newWorker: the Worker, its observers, and the control buffer as its first message.
function makeWorker(run, label) {
    if (workerUrl === undefined)
        workerUrl = call(I.createObjectURL, I.URL, new I.Blob([`(${workerScript.toString()})();\n`], { type: 'text/javascript' }));
    const buffer = new I.SharedArrayBuffer(workerHeaderBytes + workerCommandBytes + workerReplyBytes);
    const worker = new I.Worker(workerUrl, { type: 'module' });
    const w = new WorkerDriver(label, worker, buffer);
    run.worker = w;
    const target = { worker: label };
    // A Worker has no close event; it is not closed with the ports but terminated (finishWorker).
    for (const type of ['message', 'messageerror']) {
        worker.addEventListener(type, e => {
            ++w.received;
            recordEvent(run, target, type, e);
        });
    }
    worker.postMessage({
        buffer, label,
        slots: {
            ...workerSlots, headerSlots: workerHeaderBytes / 4, commandAt: workerHeaderBytes, replyAt: workerHeaderBytes + workerCommandBytes,
            replyBytes: workerReplyBytes, idleMs: workerIdleMs,
        },
    });
}

// workerRuns: the worker has taken its control buffer and waits for commands.
function workerStarts(run, w) {
    if (!waitWhile(w, workerSlots.ready, 0, workerReadyMs))
        fail(`${run.where}the dedicated worker did not start within ${workerReadyMs / 1000} s (${runtime} ${runtimeVersion})`);
    if (atomicLoad(w, workerSlots.ready) !== 1)
        fail(`${run.where}the dedicated worker ended before it ran (${runtime} ${runtimeVersion})`);
    w.running = true;
}

// A command to the running worker, and its reply (synchronous).
function workerCommand(run, command) {
    const w = run.worker;
    workerEncoder ??= new I.TextEncoder();
    workerDecoder ??= new I.TextDecoder();
    const text = workerEncoder.encode(JSON.stringify(command));
    if (text.length > workerCommandBytes)
        fail(`${run.where}a worker command longer than ${workerCommandBytes} bytes`);
    w.bytes.set(text, workerHeaderBytes);
    R.apply(I.atomicsStore, G.Atomics, [w.header, workerSlots.commandLength, text.length]);
    const seq = ++w.sequence;
    R.apply(I.atomicsStore, G.Atomics, [w.header, workerSlots.command, seq]);
    R.apply(I.atomicsNotify, G.Atomics, [w.header, workerSlots.command]);
    const deadline = nowMs() + workerReplyMs;
    for (;;) {
        const replied = atomicLoad(w, workerSlots.reply);
        if (replied === seq)
            break;
        const left = deadline - nowMs();
        if (left <= 0)
            fail(`${run.where}the dedicated worker did not answer the command ${command.command} within ${workerReplyMs / 1000} s (${runtime} ${runtimeVersion})`);
        R.apply(I.atomicsWait, G.Atomics, [w.header, workerSlots.reply, replied, left]);
    }
    const length = atomicLoad(w, workerSlots.replyLength);
    const start = workerHeaderBytes + workerCommandBytes;
    const answer = JSON.parse(workerDecoder.decode(w.bytes.slice(start, start + length)));
    if (answer.failure !== undefined && run.failure === undefined)
        run.failure = `${run.where}${answer.failure}`;
    return answer;
}

// workerGlobalPost, in the worker.
function workerGlobalPost(run, op) {
    const answer = workerCommand(run, {
        command: 'post', label: op.label, transfer: op.transfer.map(p => p.key), sequence: op.sequence,
        sharedArrayBuffer: op.message.sharedArrayBuffer, symbol: op.message.symbol,
    });
    if (answer.skipped)
        return skippedOutcome();
    if (answer.threw)
        return { threw: true, error: String(answer.error), skipped: undefined };
    return returnedOutcome();
}

// The worker's events since the last collect, appended to the run's.
function collectWorkerEvents(run) {
    const answer = workerCommand(run, { command: 'collect' });
    for (const e of answer.events ?? noList)
        append(run.events, { target: e.target, type: e.type, message: e.message, ports: e.ports, origin: e.origin });
}

// At the end of a run: the worker closes its ports and itself (it also ends itself when blocked
// for workerIdleMs), then the Worker is terminated.
function finishWorker(run) {
    const w = run.worker;
    if (w === undefined || w.terminated)
        return;
    w.terminated = true;
    R.apply(I.atomicsStore, G.Atomics, [w.header, workerSlots.exit, 1]);
    R.apply(I.atomicsNotify, G.Atomics, [w.header, workerSlots.command]);
    if (w.running)
        waitWhile(w, workerSlots.ready, 1, 500);
    try {
        w.worker.terminate();
    } catch { /* already gone */ }
}

// runEventLoops: "let every agent run its tasks until none is left to run". A script cannot see
// the runtime's queues, so the adapter lets the event loop turn (setImmediate where the runtime
// has it: one pass of the loop, I/O and the other threads' messages included; else setTimeout 0)
// until it is quiet: no new event for settleQuietTurns turns in a row, and at least settleMinMs
// since it began. Bounded: settleMaxMs for one runEventLoops, settleBudgetMs for all of a
// Scenario's (past the budget, a runEventLoops turns the loop settleQuietTurns times and no more).
//
// Measured (README.md, "Operation sequences"; node 20.20, deno 2.9.6, bun 1.4.5): once the
// capability probes have made a first channel of each kind, a post is delivered in the first or
// second turn (300 posts each, MessagePort and BroadcastChannel alike), the slowest in 9 ms
// (Node.js, BroadcastChannel: one slow turn, not many). On 600 random sequences per runtime
// (about 3 runEventLoops each) every event came within 3 turns of its runEventLoops' start
// (node; deno and bun: 1), at most 7.4 ms after it, and these settings gave the same
// Observations as a 200 ms wait at every runEventLoops; so did 400 more with the three
// runtimes running at once on 2 cores (at most 13 ms, still within 3 turns). Hence 4 quiet
// turns, one more than was ever needed, and 5 ms as a floor in case a delivery is not bound to
// turns (none measured was). A runEventLoops with nothing to deliver costs those 5 ms. The
// budget keeps a sequence of hundreds of runEventLoops near 1 s, inside pmconf's batch timeout
// (2 s + 0.1 s a Scenario) for a batch of one.
const settleQuietTurns = 4;
const settleMinMs = 5;
const settleMaxMs = 500;
const settleBudgetMs = 1000;

const nowMs = () => (I.performanceNow ? call(I.performanceNow, I.performance) : Date.now());
const nextTurn = () => new Promise(resolve => {
    if (I.setImmediate)
        call(I.setImmediate, G, resolve);
    else
        call(I.setTimeout, G, resolve, 0);
});

//
// With a running worker, the worker's event loop turns too (the `loop` command), and quiet means
// also no new event in the worker, with the worker's own turns counted as the main thread's are:
// settleQuietTurns of them since its last event (or since the start), so that it really had its
// turns. A message between the threads is not bound to either's turns, so the implicit ports
// are counted: quiet also needs every message posted on them (workerPost calls that returned,
// the worker's postMessage calls that returned) dispatched on the other side (as message or
// messageerror); while the worker does not run, only the worker's side counts. (Measured: a
// message the worker posted before a runEventLoops could reach the main thread after 4 quiet
// turns and 5 ms.) Past the limit the worker still gets its settleQuietTurns turns, unless it is
// stuck for settleMaxMs more; what is still in flight then is not waited for.
async function runEventLoops(run) {
    const started = nowMs();
    const limitMs = Math.max(0, Math.min(settleMaxMs, settleBudgetMs - run.waitedMs));
    const minMs = Math.min(settleMinMs, limitMs);
    const w = run.worker !== undefined && run.worker.running && !run.worker.terminated ? run.worker : undefined;
    if (w !== undefined)
        workerCommand(run, { command: 'loop' });
    let seen = run.events.length;
    let workerSeen = w === undefined ? 0 : atomicLoad(w, workerSlots.events);
    let workerQuietFrom = w === undefined ? 0 : atomicLoad(w, workerSlots.turns);
    const workerQuiet = () => w === undefined || atomicLoad(w, workerSlots.turns) - workerQuietFrom >= settleQuietTurns;
    const nothingInFlight = () => run.worker === undefined || run.worker.terminated || !run.worker.inFlight();
    for (let turns = 1, quiet = 0; ; ++turns) {
        await nextTurn();
        let changed = run.events.length !== seen;
        seen = run.events.length;
        if (w !== undefined) {
            const events = atomicLoad(w, workerSlots.events);
            if (events !== workerSeen) {
                workerSeen = events;
                workerQuietFrom = atomicLoad(w, workerSlots.turns);
                changed = true;
            }
        }
        quiet = changed ? 0 : quiet + 1;
        const elapsed = nowMs() - started;
        if (quiet >= settleQuietTurns && elapsed >= minMs && workerQuiet() && nothingInFlight())
            break;
        if (elapsed >= limitMs && turns >= settleQuietTurns && (workerQuiet() || elapsed >= limitMs + settleMaxMs))
            break;
    }
    if (w !== undefined)
        collectWorkerEvents(run);
    run.waitedMs += nowMs() - started;
    return returnedOutcome();
}

// A few turns of the event loop, for a runtime's own asynchronous clean-up after channels are
// closed. Deno ends its BroadcastChannel receive loop a turn after the last channel is closed; a
// channel made before that is broken (its postMessage throws "TypeError: expected i32" once the
// loop has ended), so the next Scenario (or the first, after the capability probe) must not
// begin in the same turn as the clean-up. One turn is enough there; settleQuietTurns are taken.
async function afterClosing() {
    for (let i = 0; i < settleQuietTurns; ++i)
        await nextTurn();
}

// After a run, whatever happened: its listeners stop recording, its ports and channels closed,
// and the runtime given the turns to finish closing them.
async function finishOperationRun(run) {
    run.finished = true;
    finishWorker(run);
    for (const x of run.closers)
        closeQuietly(x);
    await afterClosing();
}

// Runs an operation sequence; its Observation is {outcomes, events} (see the protocol).
async function runOperationSequence(sc, where) {
    checkRunnable(sc, where);
    const run = new OperationRun(where);
    try {
        for (const op of sc.operations) {
            append(run.outcomes, op.op === 'runEventLoops' ? await runEventLoops(run) : runOperation(run, op));
            if (run.failure !== undefined)
                fail(run.failure);
        }
        if (run.failure !== undefined)
            fail(run.failure);
        return { outcomes: run.outcomes, events: run.events };
    } finally {
        await finishOperationRun(run);
    }
}

// ---------------------------------------------------------------------------------------------
// Capabilities, probed.

function tryOr(f, fallback) {
    try {
        return f();
    } catch {
        return fallback;
    }
}

async function probeBroadcastChannel() {
    const name = `pmconf-probe-${nowMs()}-${Math.random()}`;
    const channels = [];
    let timer;
    try {
        const a = new I.BroadcastChannel(name);
        append(channels, a);
        const b = new I.BroadcastChannel(name);
        append(channels, b);
        const arrived = new Promise(resolve => {
            b.onmessage = e => resolve(I.isArray(e.data) && e.data[0] === 1);
            timer = call(I.setTimeout, G, () => resolve(false), portProbeTimeoutMs);
        });
        a.postMessage([1]);
        return await arrived;
    } catch {
        return false;
    } finally {
        if (timer !== undefined)
            call(I.clearTimeout, G, timer);
        for (const c of channels)
            closeQuietly(c);
        await afterClosing();
    }
}

// A dedicated worker runs and messages go both ways, through the very code the operations use:
// newWorker, workerRuns, workerPost (main to worker), workerGlobalPost (worker to main), then
// runEventLoops until both messages are in (at most 3 s), then the usual clean-up.
async function probeDedicatedWorker() {
    if (!workersUsable())
        return false;
    const run = new OperationRun('dedicated-workers probe: ');
    const op = (name, label, fields) => Object.assign(new ParsedOperation(name, label), fields);
    const message = { sharedArrayBuffer: false, symbol: false };
    const posts = { worker: 0, transfer: noList, sequence: false, message };
    const ok = o => !o.threw && !o.skipped;
    try {
        if (!ok(runOperation(run, op('newWorker', 0, {}))) || !ok(runOperation(run, op('workerRuns', 1, { worker: 0 })))
            || !ok(runOperation(run, op('workerPost', 2, posts))) || !ok(runOperation(run, op('workerGlobalPost', 3, posts))))
            return false;
        const arrived = (target, label) => run.events.some(e => e.type === 'message' && e.message === label
            && JSON.stringify(e.target) === JSON.stringify(target));
        const started = nowMs();
        while (!(arrived({ workerGlobal: 0 }, 2) && arrived({ worker: 0 }, 3)) && nowMs() - started < 3000)
            await runEventLoops(run);
        return run.failure === undefined && arrived({ workerGlobal: 0 }, 2) && arrived({ worker: 0 }, 3);
    } catch {
        return false;
    } finally {
        await finishOperationRun(run);
    }
}

export async function probeCapabilities() {
    const probes = {};
    probes['structured-clone'] = tryOr(() => {
        const input = { a: 1 };
        const out = clone(input, { transfer: [] });
        return out !== input && out.a === 1;
    }, false);
    probes['message-channel'] = false;
    if (nativeImpl && I.MessageChannel) {
        const ctx = newContext();
        try {
            const post = postThroughChannel({ a: 1 }, [], ctx, true);
            const wait = waitForPost(post);
            if (wait)
                await wait;
            probes['message-channel'] = post.data !== undefined && post.data.a === 1;
        } catch {
            probes['message-channel'] = false;
        } finally {
            for (const p of ctx.closers)
                p.close();
        }
    }
    // Operation sequences: ports that post and receive (the probe above; only a native IUT: a
    // polyfill is a structuredClone, not a messaging implementation), and a BroadcastChannel
    // that delivers to another of the same name in this thread.
    probes['message-ports'] = nativeImpl && probes['message-channel'];
    probes['broadcast-channel'] = nativeImpl && !!I.BroadcastChannel && await probeBroadcastChannel();
    // A web Worker driven synchronously (see "Dedicated workers"): not Node.js's worker_threads.
    probes['dedicated-workers'] = nativeImpl && await probeDedicatedWorker();
    // A SharedArrayBuffer counts only if cloning one works: a throw here means the realm is not
    // cross-origin isolated, a setting of the realm rather than a deviation.
    probes['shared-array-buffer'] = !!I.SharedArrayBuffer && tryOr(() => isSharedArrayBuffer(clone(new I.SharedArrayBuffer(1), { transfer: [] })), false);
    probes['growable-shared-array-buffer'] = probes['shared-array-buffer'] && tryOr(() => {
        const s = new I.SharedArrayBuffer(1, { maxByteLength: 2 });
        if (!call(I.sabGrowable, s))
            return false;
        clone(s, { transfer: [] });
        return true;
    }, false);
    probes['resizable-array-buffer'] = tryOr(() => call(I.abResizable, new ArrayBuffer(1, { maxByteLength: 2 })) === true, false);
    probes.float16array = typeof G.Float16Array === 'function';
    // Arrays of length up to 2^32 - 1 that are almost all holes. An implementation that copies
    // index by index needs minutes for one (measured: Bun ~186 s; the polyfills ~30 ms per 2^20
    // indices), which no batch timeout allows, so such Scenarios need this capability. Probe 1:
    // 2^20 holes cloned in under 5 ms means holes are skipped. V8 copies holey arrays of that size
    // index by index too (~50 ms) but keeps far sparser ones as dictionaries and skips their holes,
    // so on V8 (node, deno) probe 2 clones the real thing: 2^32 - 1 (~0.01 ms there).
    const sparseCloneMs = length => {
        const a = [];
        a[length - 1] = 1;
        const started = G.performance.now();
        const out = clone(a, { transfer: [] });
        return out.length === length ? G.performance.now() - started : Infinity;
    };
    probes['huge-sparse-array'] = tryOr(() => sparseCloneMs(2 ** 20) < 5
        || (nativeImpl && runtime !== 'bun' && sparseCloneMs(2 ** 32 - 1) < 50), false);
    // Ports: the realm has them and the implementation accepts one in a transfer list and gives
    // back a MessagePort (a polyfill that ignores transfer lists gives back a plain object).
    probes['message-port'] = !!(I.MessageChannel && I.MessagePort) && tryOr(() => {
        const ch = new I.MessageChannel();
        try {
            const out = clone(ch.port1, { transfer: [ch.port1] });
            const ok = out instanceof I.MessagePort;
            if (ok && out !== ch.port1)
                out.close();
            return ok;
        } finally {
            ch.port1.close();
            ch.port2.close();
        }
    }, false);
    probes['dom-exception'] = !!I.DOMException && tryOr(() => {
        clone(new I.DOMException('m', 'AbortError'), { transfer: [] });
        return true;
    }, false);
    probes['image-bitmap'] = false;
    if (I.ImageBitmap && I.createImageBitmap && I.ImageData) {
        try {
            const bitmap = await I.createImageBitmap(new I.ImageData(1, 1));
            probes['image-bitmap'] = bitmap instanceof I.ImageBitmap && tryOr(() => {
                clone(bitmap, { transfer: [] });
                return true;
            }, false);
        } catch {
            probes['image-bitmap'] = false;
        }
    }
    probes['weak-ref'] = !!I.WeakRef;
    probes['detach-key'] = !!I.WasmMemory && tryOr(() => isArrayBuffer(new I.WasmMemory({ initial: 0 }).buffer), false);
    return probes;
}

// ---------------------------------------------------------------------------------------------
// One Scenario, from its JSON to its Observation.

export async function runScenario(json, where = '') {
    return runParsedScenario(parseScenario(json, where), where);
}
