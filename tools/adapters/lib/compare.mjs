// pmconf's canonical numbering and comparator, in JavaScript, on protocol v1 JSON
// (docs/protocol.md). Mirrors conformance/canonical.cpp and conformance/compare.cpp: the same
// visit order, the same rules (what the spec leaves to implementations, such as an Error's stack
// or extra own properties of an Error or DOMException, is accepted in any form), the same field
// names and paths in a difference.
//
//   canonicalize(graph)                       -> the graph renumbered in canonical order
//   compareObservations(expected, observed)   -> null, or the first difference
//                                                {field, where, expected, observed, step}
//                                                (operation sequences too: see
//                                                compareOperationObservations)
//   operationEventRows(expected, observed)    -> both Observations' events per target, for display
//   differenceSignature(d), differenceSummary(d) as Difference::signature() / summary()
//
// Like lib/core.mjs this file has no static `import` and no top-level name that core.mjs or the
// reproducer template declares (everything private starts with `cmp`): pmconf inlines both files,
// one after the other, into reproducer files.

// ---------------------------------------------------------------------------------------------
// Values: protocol JSON -> a tagged form ({t, v}) that keeps -0, NaN, BigInts and lone surrogates.

const cmpSpecialNumbers = { '-0': -0, NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

function cmpIsPlainObject(j) {
    return j !== null && typeof j === 'object' && !Array.isArray(j);
}

function cmpDecodeString(j) {
    if (typeof j === 'string')
        return j;
    if (cmpIsPlainObject(j) && j.t === 'string' && Array.isArray(j.u16))
        return String.fromCharCode(...j.u16);
    throw new TypeError(`not a string value: ${JSON.stringify(j)}`);
}

function cmpDecodeValue(j) {
    if (j === undefined)
        return { t: 'undefined' };
    if (j === null)
        return { t: 'null' };
    if (typeof j === 'boolean')
        return { t: 'bool', v: j };
    if (typeof j === 'number')
        return { t: 'number', v: j };
    if (typeof j === 'string')
        return { t: 'string', v: j };
    if (cmpIsPlainObject(j)) {
        if (Object.hasOwn(j, 'ref'))
            return { t: 'ref', v: j.ref };
        switch (j.t) {
        case 'undefined': return { t: 'undefined' };
        case 'number':
            if (Object.hasOwn(cmpSpecialNumbers, j.v))
                return { t: 'number', v: cmpSpecialNumbers[j.v] };
            break;
        case 'bigint': return { t: 'bigint', v: String(j.v) };
        case 'string': return { t: 'string', v: cmpDecodeString(j) };
        default: break;
        }
    }
    throw new TypeError(`not a value: ${JSON.stringify(j)}`);
}

// SameValue: NaN equals NaN, -0 differs from +0.
function cmpSameValue(a, b) {
    if (a.t !== b.t)
        return false;
    if (a.t === 'number')
        return Object.is(a.v, b.v);
    return a.v === b.v;
}

// std::to_chars(double) in its shortest form: the shorter of fixed and scientific notation
// (fixed on a tie), scientific with a sign and at least two exponent digits.
function cmpNumberDisplay(d) {
    if (d !== d)
        return 'NaN';
    if (d === Infinity || d === -Infinity)
        return d < 0 ? '-Infinity' : 'Infinity';
    if (d === 0)
        return Object.is(d, -0) ? '-0' : '0';
    const sign = d < 0 ? '-' : '';
    const [mantissa, exp] = Math.abs(d).toExponential().split('e');
    const digits = mantissa.replace('.', '');
    const e = Number(exp);
    const e2 = String(Math.abs(e)).padStart(2, '0');
    const scientific = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${e < 0 ? '-' : '+'}${e2}`;
    let fixed;
    if (e < 0)
        fixed = `0.${'0'.repeat(-e - 1)}${digits}`;
    else if (digits.length <= e + 1)
        fixed = BigInt(Math.abs(d)).toString(); // an integer: to_chars prints its exact value
    else
        fixed = `${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
    return sign + (scientific.length < fixed.length ? scientific : fixed);
}

// utf16_to_display: a quoted string; lone surrogates, controls and DEL as \uXXXX.
function cmpStringDisplay(s) {
    let out = '"';
    for (let i = 0; i < s.length; ++i) {
        const c = s.charCodeAt(i);
        const high = c >= 0xD800 && c <= 0xDBFF;
        const low = c >= 0xDC00 && c <= 0xDFFF;
        if (high && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xDC00 && s.charCodeAt(i + 1) <= 0xDFFF) {
            out += s.slice(i, i + 2);
            ++i;
        } else if (c === 0x22 || c === 0x5C) {
            out += `\\${s[i]}`;
        } else if (high || low || c < 0x20 || c === 0x7F) {
            out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
        } else {
            out += s[i];
        }
    }
    return `${out}"`;
}

function cmpValueDisplay(v) {
    switch (v.t) {
    case 'undefined': return 'undefined';
    case 'null': return 'null';
    case 'bool': return v.v ? 'true' : 'false';
    case 'number': return cmpNumberDisplay(v.v);
    case 'bigint': return `${v.v}n`;
    case 'string': return cmpStringDisplay(v.v);
    default: return `#${v.v}`;
    }
}

// ---------------------------------------------------------------------------------------------
// Canonical numbering (conformance/canonical.cpp).

function cmpRefOf(j) {
    return cmpIsPlainObject(j) && Object.hasOwn(j, 'ref') ? j.ref : undefined;
}

// An array index: canonical decimal, at most 2^32 - 2.
function cmpIsArrayIndex(key) {
    return typeof key === 'string' && /^(0|[1-9][0-9]{0,9})$/.test(key) && Number(key) <= 4294967294;
}

// OrdinaryOwnPropertyKeys order: array indices ascending, then string keys, then symbol keys,
// each in creation order.
function cmpOrderedProps(props) {
    const key = p => (Object.hasOwn(p, 'symbol') ? undefined : cmpDecodeString(p.key));
    const indices = props.filter(p => cmpIsArrayIndex(key(p)));
    indices.sort((a, b) => Number(key(a)) - Number(key(b))); // stable
    return [
        ...indices,
        ...props.filter(p => !Object.hasOwn(p, 'symbol') && !cmpIsArrayIndex(key(p))),
        ...props.filter(p => Object.hasOwn(p, 'symbol')),
    ];
}

// The node indices a node refers to, in canonical order (for_each_child).
function cmpChildren(node, props) {
    const out = [];
    const value = v => {
        const r = cmpRefOf(v);
        if (r !== undefined)
            out.push(r);
    };
    for (const p of props) {
        if (Object.hasOwn(p, 'symbol'))
            out.push(p.symbol);
        value(p.value);
        if (p.getter) {
            value(p.getter.result);
            for (const e of p.getter.effects ?? []) {
                out.push(e.target ?? 0);
                value(e.value);
            }
        }
    }
    value(node.primitive);
    for (const [k, v] of node.mapEntries ?? []) {
        value(k);
        value(v);
    }
    for (const v of node.setEntries ?? [])
        value(v);
    if (node.kind === 'TypedArray' || node.kind === 'DataView')
        out.push(node.buffer ?? 0);
    return out;
}

// Renumbers the nodes reachable from the root breadth-first in order of first visit, drops the
// unreachable ones and puts properties in OrdinaryOwnPropertyKeys order. Takes and gives a
// protocol v1 graph ({root, nodes}); the input is not modified.
export function canonicalize(graph) {
    const nodes = graph.nodes ?? [];
    const newIndex = new Map();
    const order = [];
    const queue = [];
    const visit = old => {
        if (Number.isInteger(old) && old >= 0 && old < nodes.length && !newIndex.has(old)) {
            newIndex.set(old, order.length);
            order.push(old);
            queue.push(old);
        }
    };
    const rootRef = cmpRefOf(graph.root);
    if (rootRef !== undefined)
        visit(rootRef);
    const ordered = new Map();
    for (let q = 0; q < queue.length; ++q) {
        const old = queue[q];
        const props = cmpOrderedProps(nodes[old].props ?? []);
        ordered.set(old, props);
        for (const c of cmpChildren(nodes[old], props))
            visit(c);
    }
    const remap = v => {
        const r = cmpRefOf(v);
        return r === undefined ? v : { ref: newIndex.get(r) };
    };
    const out = order.map(old => {
        const node = { ...nodes[old] };
        if (Object.hasOwn(node, 'props')) {
            node.props = ordered.get(old).map(p => {
                const q = { ...p };
                if (Object.hasOwn(q, 'symbol'))
                    q.symbol = newIndex.get(q.symbol);
                if (Object.hasOwn(q, 'value'))
                    q.value = remap(q.value);
                if (q.getter) {
                    q.getter = { ...q.getter };
                    if (Object.hasOwn(q.getter, 'result'))
                        q.getter.result = remap(q.getter.result);
                    if (q.getter.effects)
                        q.getter.effects = q.getter.effects.map(e => {
                            const f = { ...e, target: newIndex.get(e.target ?? 0) };
                            if (Object.hasOwn(e, 'value'))
                                f.value = remap(e.value);
                            return f;
                        });
                }
                return q;
            });
        }
        if (Object.hasOwn(node, 'primitive'))
            node.primitive = remap(node.primitive);
        if (node.mapEntries)
            node.mapEntries = node.mapEntries.map(([k, v]) => [remap(k), remap(v)]);
        if (node.setEntries)
            node.setEntries = node.setEntries.map(remap);
        if (node.kind === 'TypedArray' || node.kind === 'DataView')
            node.buffer = newIndex.get(node.buffer ?? 0);
        return node;
    });
    return { root: remap(graph.root), nodes: out };
}

// ---------------------------------------------------------------------------------------------
// Nodes, with the protocol's defaults filled in (as conformance/protocol/codec.cpp decodes them).

function cmpDecodeNode(j) {
    const num = (k, dflt) => (Object.hasOwn(j, k) ? j[k] : dflt);
    const n = {
        kind: j.kind,
        props: (j.props ?? []).map(p => ({
            key: Object.hasOwn(p, 'symbol') ? '' : cmpDecodeString(p.key),
            symbol: Object.hasOwn(p, 'symbol') ? p.symbol : undefined,
            value: p.getter ? { t: 'undefined' } : cmpDecodeValue(p.value),
            enumerable: p.enumerable ?? true,
        })),
        primitive: cmpDecodeValue(j.primitive),
        date: Object.hasOwn(j, 'date') ? cmpDecodeValue(j.date) : { t: 'number', v: 0 },
        source: Object.hasOwn(j, 'description') ? cmpDecodeString(j.description)
            : Object.hasOwn(j, 'source') ? cmpDecodeString(j.source) : '',
        flags: j.flags ?? '',
        lastIndex: { t: 'number', v: 0 },
        bytes: String(j.bytes ?? '').toLowerCase(),
        byteLength: num('byteLength', String(j.bytes ?? '').length / 2),
        maxByteLength: j.maxByteLength ?? undefined,
        detached: j.detached ?? false,
        buffer: j.buffer ?? 0,
        viewType: j.viewType ?? '',
        byteOffset: j.byteOffset ?? 0,
        length: j.length ?? undefined,
        arrayLength: j.arrayLength ?? 0,
        mapEntries: (j.mapEntries ?? []).map(([k, v]) => [cmpDecodeValue(k), cmpDecodeValue(v)]),
        setEntries: (j.setEntries ?? []).map(cmpDecodeValue),
        errorPrototype: j.errorPrototype ?? 'Error',
        portId: j.portId ?? 0,
        name: Object.hasOwn(j, 'name') ? cmpDecodeString(j.name) : '',
        message: Object.hasOwn(j, 'message') ? cmpDecodeString(j.message) : '',
        width: j.width ?? 0,
        height: j.height ?? 0,
    };
    if (Object.hasOwn(j, 'lastIndex')) {
        const li = cmpDecodeValue(j.lastIndex);
        if (li.t === 'number')
            n.lastIndex = li;
    }
    return n;
}

// ---------------------------------------------------------------------------------------------
// The comparator (conformance/compare.cpp).

// An Error or DOMException may come back with own properties the model does not give it: the
// "interesting accompanying data" the spec leaves to implementations (stack, cause, line, ...).
const cmpMayCarryAccompanyingData = kind => kind === 'Error' || kind === 'DOMException';

// The step of the model that produced what differs.
function cmpResponsibleStep(node, what) {
    const sd = 'html:structureddeserialize:';
    if (what === 'properties' || what === 'value' || what === 'enumerable')
        return node.kind === 'Error' ? `${sd}21.11` : 'html:structuredserializeinternal:26.4';
    if (what === 'entry' || what === 'size')
        return sd + (node.kind === 'Map' ? '24.1.1.3' : '24.2.1.2');
    switch (node.kind) {
    case 'Object': return `${sd}20.1`;
    case 'Array': return `${sd}19.2`;
    case 'Boolean': return `${sd}6`;
    case 'Number': return `${sd}7`;
    case 'BigInt': return `${sd}8`;
    case 'String': return `${sd}9`;
    case 'Date': return `${sd}10`;
    case 'RegExp': return `${sd}11`;
    case 'SharedArrayBuffer': return sd + (node.maxByteLength !== undefined ? '13.2' : '12.2');
    case 'ArrayBuffer': return sd + (node.maxByteLength !== undefined ? '15' : '14');
    case 'TypedArray': return `${sd}16.3`;
    case 'DataView': return `${sd}16.2`;
    case 'Map': return `${sd}17.1`;
    case 'Set': return `${sd}18.1`;
    case 'Error': return sd + (what === 'prototype' ? '21.1' : '21.9');
    case 'MessagePort': return 'html:structureddeserializewithtransfer:3.4.4';
    case 'ImageBitmap': case 'DOMException': return `${sd}24.4.1`;
    default: return '';
    }
}

function cmpCompareNodes(a, b, index) {
    const diff = (what, expected, observed) =>
        ({ field: 'result', where: `#${index}.${what}`, expected, observed, step: cmpResponsibleStep(a, what) });
    const bool = x => (x ? 'true' : 'false');
    const optional = (x, none) => (x === undefined || x === null ? none : String(x));
    if (a.kind !== b.kind)
        return diff('kind', a.kind, b.kind);
    if (a.kind === 'Array' && a.arrayLength !== b.arrayLength)
        return diff('length', String(a.arrayLength), String(b.arrayLength));
    if (!cmpSameValue(a.primitive, b.primitive))
        return diff('primitive', cmpValueDisplay(a.primitive), cmpValueDisplay(b.primitive));
    if (a.kind === 'Date' && !cmpSameValue(a.date, b.date))
        return diff('date', cmpValueDisplay(a.date), cmpValueDisplay(b.date));
    if (a.kind === 'RegExp') {
        if (a.source !== b.source)
            return diff('source', cmpStringDisplay(a.source), cmpStringDisplay(b.source));
        if (a.flags !== b.flags)
            return diff('flags', `"${a.flags}"`, `"${b.flags}"`);
        if (!cmpSameValue(a.lastIndex, b.lastIndex))
            return diff('lastIndex', cmpValueDisplay(a.lastIndex), cmpValueDisplay(b.lastIndex));
    }
    if (a.kind === 'ArrayBuffer' || a.kind === 'SharedArrayBuffer') {
        if (a.detached !== b.detached)
            return diff('detached', bool(a.detached), bool(b.detached));
        if (a.byteLength !== b.byteLength)
            return diff('byteLength', String(a.byteLength), String(b.byteLength));
        if (a.maxByteLength !== b.maxByteLength)
            return diff('maxByteLength', optional(a.maxByteLength, 'fixed-length'), optional(b.maxByteLength, 'fixed-length'));
        if (a.bytes !== b.bytes)
            return diff('bytes', 'the original bytes', 'other bytes');
    }
    if (a.kind === 'TypedArray' || a.kind === 'DataView') {
        if (a.viewType !== b.viewType)
            return diff('constructor', a.viewType, b.viewType);
        if (a.byteOffset !== b.byteOffset)
            return diff('byteOffset', String(a.byteOffset), String(b.byteOffset));
        if (a.length !== b.length)
            return diff('length', optional(a.length, 'length-tracking'), optional(b.length, 'length-tracking'));
        if (a.buffer !== b.buffer)
            return diff('buffer', `#${a.buffer}`, `#${b.buffer}`);
    }
    if (a.kind === 'Error' && a.errorPrototype !== b.errorPrototype)
        return diff('prototype', a.errorPrototype, b.errorPrototype);
    if ((a.kind === 'MessagePort' || a.kind === 'ImageBitmap') && a.detached !== b.detached)
        return diff('detached', bool(a.detached), bool(b.detached));
    if (a.kind === 'MessagePort' && a.portId !== b.portId)
        return diff('port', String(a.portId), String(b.portId));
    if (a.kind === 'ImageBitmap' && (a.width !== b.width || a.height !== b.height))
        return diff('size', `${a.width}x${a.height}`, `${b.width}x${b.height}`);
    if (a.kind === 'DOMException' && (a.name !== b.name || a.message !== b.message))
        return diff('name-message', `${cmpStringDisplay(a.name)} ${cmpStringDisplay(a.message)}`,
            `${cmpStringDisplay(b.name)} ${cmpStringDisplay(b.message)}`);
    if (a.mapEntries.length !== b.mapEntries.length)
        return diff('size', String(a.mapEntries.length), String(b.mapEntries.length));
    for (let i = 0; i < a.mapEntries.length; ++i) {
        const [ak, av] = a.mapEntries[i];
        const [bk, bv] = b.mapEntries[i];
        if (!cmpSameValue(ak, bk) || !cmpSameValue(av, bv))
            return diff('entry', `${cmpValueDisplay(ak)} => ${cmpValueDisplay(av)}`, `${cmpValueDisplay(bk)} => ${cmpValueDisplay(bv)}`);
    }
    if (a.setEntries.length !== b.setEntries.length)
        return diff('size', String(a.setEntries.length), String(b.setEntries.length));
    for (let i = 0; i < a.setEntries.length; ++i)
        if (!cmpSameValue(a.setEntries[i], b.setEntries[i]))
            return diff('entry', cmpValueDisplay(a.setEntries[i]), cmpValueDisplay(b.setEntries[i]));

    // Own properties, in order. On errors, implementation-defined extras are skipped.
    const pa = a.props;
    // The spec decides "message" and "name" itself (never accompanying data), and symbols are never copied.
    const pb = b.props.filter(p => !(cmpMayCarryAccompanyingData(a.kind)
        && p.symbol === undefined && p.key !== 'message' && p.key !== 'name'
        && !a.props.some(q => q.key === p.key && (q.symbol !== undefined) === (p.symbol !== undefined))));
    for (let i = 0; i < Math.max(pa.length, pb.length); ++i) {
        if (i >= pb.length)
            return diff('properties', `property ${cmpStringDisplay(pa[i].key)}`, 'no such property');
        if (i >= pa.length)
            return diff('properties', 'no more properties', `property ${cmpStringDisplay(pb[i].key)}`);
        const x = pa[i];
        const y = pb[i];
        if (x.key !== y.key || x.symbol !== y.symbol)
            return diff('properties', `property ${cmpStringDisplay(x.key)}`, `property ${cmpStringDisplay(y.key)}`);
        if (x.enumerable !== y.enumerable)
            return diff('enumerable', cmpStringDisplay(x.key) + (x.enumerable ? ' enumerable' : ' not enumerable'),
                y.enumerable ? 'enumerable' : 'not enumerable');
        if (!cmpSameValue(x.value, y.value))
            return diff('value', `${cmpStringDisplay(x.key)}: ${cmpValueDisplay(x.value)}`, cmpValueDisplay(y.value));
    }
    return null;
}

function cmpTransferables(o) {
    return (o.transferables ?? []).map(t => ({ node: t.node, detached: t.detached ?? false, byteLength: t.byteLength ?? 0 }));
}

// The first way `observed` differs from `expected` (the model's Observation) that the spec does not
// allow, or null. Both are protocol v1 Observations; result graphs may be in any numbering.
// `step` is the catalogue step responsible where the comparator knows it; the model's own
// `thrown_at_step` is not part of the protocol, so steps that come from it are left empty.
//
// Operation sequences ({outcomes, events}: mode operations) are compared by
// compareOperationObservations (below); `scenario`, when given, names the operations.
export function compareObservations(expected, observed, scenario) {
    if (cmpIsPlainObject(expected) && Array.isArray(expected.outcomes))
        return compareOperationObservations(expected, observed);
    const thrownAt = expected.thrownAtStep ?? '';
    const errorName = o => o.error?.name ?? '';
    if (expected.threw !== observed.threw) {
        // `where` names what the implementation did instead, so that different wrong outcomes
        // get different signatures.
        return { field: 'outcome', where: observed.threw ? `threw ${errorName(observed)}` : 'returned',
            expected: expected.threw ? `a thrown ${errorName(expected)}` : 'a returned value',
            observed: observed.threw ? `a thrown ${errorName(observed)}` : 'a returned value', step: thrownAt };
    }
    if (expected.threw) {
        if (errorName(expected) !== errorName(observed))
            return { field: 'error-name', where: `${errorName(expected)}->${errorName(observed)}`, expected: errorName(expected),
                observed: errorName(observed), step: thrownAt };
        const dom = o => o.error?.domException ?? false;
        if (dom(expected) !== dom(observed)) {
            const kind = d => (d ? 'a DOMException' : 'not a DOMException');
            return { field: 'error-type', where: '', expected: kind(dom(expected)), observed: kind(dom(observed)), step: thrownAt };
        }
        if (errorName(expected) === 'user value') {
            const a = cmpDecodeValue(expected.thrownValue);
            const b = cmpDecodeValue(observed.thrownValue);
            if (!cmpSameValue(a, b))
                return { field: 'thrown-value', where: '', expected: cmpValueDisplay(a), observed: cmpValueDisplay(b), step: thrownAt };
        }
    } else {
        const ga = canonicalize(expected.result);
        const gb = canonicalize(observed.result);
        const ra = cmpDecodeValue(ga.root);
        const rb = cmpDecodeValue(gb.root);
        if (!cmpSameValue(ra, rb))
            return { field: 'result', where: 'root', expected: cmpValueDisplay(ra), observed: cmpValueDisplay(rb), step: '' };
        const na = ga.nodes.map(cmpDecodeNode);
        const nb = gb.nodes.map(cmpDecodeNode);
        for (let i = 0; i < Math.min(na.length, nb.length); ++i) {
            const d = cmpCompareNodes(na[i], nb[i], i);
            if (d)
                return d;
        }
        if (na.length !== nb.length)
            return { field: 'result', where: 'node-count', expected: `${na.length} distinct objects`,
                observed: `${nb.length} distinct objects`, step: '' };
    }
    const ta = cmpTransferables(expected);
    const tb = cmpTransferables(observed);
    for (let i = 0; i < Math.min(ta.length, tb.length); ++i) {
        const x = ta[i];
        const y = tb[i];
        if (x.node !== y.node || x.detached !== y.detached || x.byteLength !== y.byteLength)
            return { field: 'transferables', where: `#${x.node}.detached`, expected: x.detached ? 'detached' : 'not detached',
                observed: y.detached ? 'detached' : 'not detached',
                step: expected.threw ? thrownAt : 'html:structuredserializewithtransfer:5' };
    }
    if (ta.length !== tb.length)
        return { field: 'transferables', where: '', expected: `${ta.length} transferables`, observed: String(tb.length), step: '' };
    const ca = expected.getterCalls ?? [];
    const cb = observed.getterCalls ?? [];
    if (ca.length !== cb.length || ca.some((c, i) => c !== cb[i])) {
        const show = calls => (calls.length ? calls.map(c => `get#${c}`).join(', ') : 'none');
        return { field: 'getter-calls', where: '', expected: show(ca), observed: show(cb),
            step: 'html:structuredserializeinternal:26.4.1.1' };
    }
    return null;
}

// ---------------------------------------------------------------------------------------------
// Operation sequences (docs/protocol.md, "Operation sequences (messaging)"): the rules of
// conformance/messaging.cpp's difference(). The outcomes are compared one by one, nothing
// ignored; then the events per target, in order (the order across targets is the task sources'
// to choose), targets in the C++ std::map order (ports by [label, index], then BroadcastChannels,
// then clients). An event is its type, and for a message event its message and ports; `origin`
// and `source` are the implementation's choices and not compared, and messageerror and close
// events carry no message.

function cmpSayOutcome(o) {
    if (o.skipped)
        return 'skipped';
    return o.threw ? `threw ${o.error ?? ''}` : 'returned';
}

function cmpTargetOf(t) {
    if (cmpIsPlainObject(t) && Array.isArray(t.port))
        return { rank: 0, a: t.port[0], b: t.port[1], kind: 'port', show: `port(${t.port[0]}.${t.port[1]})` };
    if (cmpIsPlainObject(t) && t.broadcast !== undefined)
        return { rank: 1, a: 0, b: t.broadcast, kind: 'broadcast', show: `broadcast(${t.broadcast})` };
    if (cmpIsPlainObject(t) && t.client !== undefined)
        return { rank: 2, a: 0, b: t.client, kind: 'client', show: `client(${t.client}).serviceWorker` };
    if (cmpIsPlainObject(t) && t.worker !== undefined)
        return { rank: 3, a: 0, b: t.worker, kind: 'worker', show: `worker(${t.worker})` };
    if (cmpIsPlainObject(t) && t.workerGlobal !== undefined)
        return { rank: 4, a: 0, b: t.workerGlobal, kind: 'worker-global', show: `worker(${t.workerGlobal}) global` };
    throw new TypeError(`not an event target: ${JSON.stringify(t)}`);
}


const cmpPortsOf = e => (e.type === 'message' ? e.ports ?? [] : []);
const cmpPortList = ports => ports.map(p => `port(${p[0]}.${p[1]})`).join(', ');

// One event as the C++ to_string(ObservedEvent) shows it (origin and source left out).
function cmpShowEvent(e) {
    let s = `${e.type} at ${cmpTargetOf(e.target).show}`;
    if (e.type === 'message')
        s += ` (message ${e.message})`;
    const ports = cmpPortsOf(e);
    if (ports.length !== 0)
        s += ` ports [${cmpPortList(ports)}]`;
    return s;
}

function cmpSameEvent(a, b) {
    if (a.type !== b.type)
        return false;
    if (a.type !== 'message')
        return true;
    const pa = cmpPortsOf(a);
    const pb = cmpPortsOf(b);
    return a.message === b.message && pa.length === pb.length && pa.every((p, i) => p[0] === pb[i][0] && p[1] === pb[i][1]);
}

// Events grouped by target, targets in order.
function cmpEventsByTarget(o) {
    const groups = new Map();
    for (const e of o.events ?? []) {
        const t = cmpTargetOf(e.target);
        const key = `${t.rank}:${t.a}:${t.b}`;
        if (!groups.has(key))
            groups.set(key, { target: t, events: [] });
        groups.get(key).events.push(e);
    }
    const order = (x, y) => x.target.rank - y.target.rank || x.target.a - y.target.a || x.target.b - y.target.b;
    return new Map([...groups.entries()].sort(([, x], [, y]) => order(x, y)));
}

// For display (reproducers): the events of both Observations per target, targets in order, each
// event as "message 4 ports [port(4.0)]", "close", ...
export function operationEventRows(expected, observed) {
    const short = e => `${e.type}${e.type === 'message' ? ` ${e.message}` : ''}${cmpPortsOf(e).length ? ` ports [${cmpPortList(cmpPortsOf(e))}]` : ''}`;
    const want = cmpEventsByTarget(expected);
    const got = cmpEventsByTarget(observed);
    const keys = [...new Set([...want.keys(), ...got.keys()])];
    const groupOf = key => want.get(key) ?? got.get(key);
    const order = (x, y) => x.rank - y.rank || x.a - y.a || x.b - y.b;
    keys.sort((x, y) => order(groupOf(x).target, groupOf(y).target));
    return keys.map(key => ({
        target: groupOf(key).target.show,
        expected: (want.get(key)?.events ?? []).map(short),
        observed: (got.get(key)?.events ?? []).map(short),
    }));
}

// The first way `observed` differs from `expected` (the model's), or null. `where` is
// "#i.op.spec->implementation" for an outcome and "kind ids.what" for the events at one target,
// so that the signature (the part from the first '.') names the kind of difference without the
// labels: `operation:.portPost.threw DataCloneError->returned`, `events:.close->none`.
export function compareOperationObservations(expected, observed) {
    // As compare_operations in conformance/compare.cpp, signature for signature: the outcomes one
    // by one, then each target's events as a whole (a spec event missing, an event the spec does
    // not give, the same events in another order, other ports), targets in the C++ order.
    const ea = expected.outcomes;
    const oa = observed.outcomes ?? [];
    for (let i = 0; i < ea.length; ++i) {
        const e = cmpSayOutcome(ea[i]);
        const o = i < oa.length ? cmpSayOutcome(oa[i]) : 'skipped';
        if (e !== o)
            return { field: 'outcome', where: `${e}->${o}`, expected: `${e} (operation ${i})`, observed: o, step: ea[i].step ?? '' };
    }
    if (oa.length > ea.length)
        return { field: 'outcome', where: 'count', expected: `${ea.length} outcomes`, observed: `${oa.length} outcomes`, step: '' };
    const want = cmpEventsByTarget(expected);
    const got = cmpEventsByTarget(observed);
    const keys = [...new Set([...want.keys(), ...got.keys()])]
        .map(k => (want.get(k) ?? got.get(k)))
        .sort((x, y) => x.target.rank - y.target.rank || x.target.a - y.target.a || x.target.b - y.target.b)
        .map(g => `${g.target.rank}:${g.target.a}:${g.target.b}`);
    const at = (map, k) => map.get(k)?.events ?? [];
    const targetOf = k => (want.get(k) ?? got.get(k)).target;
    const key = e => (e.type === 'message' ? `message:${e.message}` : e.type);
    const unmatched = (from, inn) => {
        const available = new Map();
        for (const e of inn)
            available.set(key(e), (available.get(key(e)) ?? 0) + 1);
        for (const e of from) {
            const n = available.get(key(e)) ?? 0;
            available.set(key(e), n - 1);
            if (n <= 0)
                return e;
        }
        return null;
    };
    for (const k of keys) {
        const e = unmatched(at(want, k), at(got, k));
        if (e)
            return { field: 'events', where: `${targetOf(k).kind}:missing ${e.type}`, expected: cmpShowEvent(e),
                observed: `no such event at ${targetOf(k).show}`, step: cmpFiringStep(e) };
    }
    for (const k of keys) {
        const e = unmatched(at(got, k), at(want, k));
        if (e)
            return { field: 'events', where: `${targetOf(k).kind}:extra ${e.type}`, expected: `no such event at ${targetOf(k).show}`,
                observed: cmpShowEvent(e), step: cmpFiringStep(e) };
    }
    for (const k of keys) {
        const w = at(want, k);
        const g = at(got, k);
        for (let i = 0; i < w.length; ++i)
            if (key(w[i]) !== key(g[i]))
                return { field: 'events', where: `${targetOf(k).kind}:order`, expected: `${cmpShowEvent(w[i])} as event ${i + 1} at ${targetOf(k).show}`,
                    observed: cmpShowEvent(g[i]), step: cmpFiringStep(w[i]) };
    }
    for (const k of keys) {
        const w = at(want, k);
        const g = at(got, k);
        for (let i = 0; i < w.length; ++i)
            if (!cmpSameEvent(w[i], g[i]))
                return { field: 'events', where: `${targetOf(k).kind}:ports`, expected: cmpShowEvent(w[i]), observed: cmpShowEvent(g[i]),
                    step: cmpFiringStep(w[i]) };
    }
    return null;
}

// The step that fires an event of this type at this kind of target (firing_step in compare.cpp).
function cmpFiringStep(e) {
    const error = e.type === 'messageerror';
    if (e.type === 'close')
        return 'html:disentangle:4';
    switch (cmpTargetOf(e.target).kind) {
    case 'broadcast': return error ? 'html:dom-broadcastchannel-postmessage:9.3/catch' : 'html:dom-broadcastchannel-postmessage:9.4';
    case 'client': return error ? 'service-workers:client-postmessage-options:4.5.3/catch' : 'service-workers:client-postmessage-options:4.5.6';
    default: return error ? 'html:message-port-post-message-steps:7.4/catch' : 'html:message-port-post-message-steps:7.7';
    }
}

// Difference::signature(): field, the kind of difference (the path without node numbers), step.
export function differenceSignature(d) {
    let s = d.field;
    if (d.where) {
        const at = d.where.search(/[.[]/);
        s += `:${at < 0 ? d.where : d.where.slice(at)}`;
    }
    if (d.step)
        s += `@${d.step}`;
    return s;
}

// Difference::summary(): one line.
export function differenceSummary(d) {
    let s = d.field;
    if (d.where)
        s += ` at ${d.where}`;
    s += `: the spec gives ${d.expected}, the implementation gave ${d.observed}`;
    if (d.step)
        s += ` (spec step ${d.step})`;
    return s;
}
