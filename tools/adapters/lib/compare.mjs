// pmconf's canonical numbering and comparator, in JavaScript, on protocol v1 JSON
// (docs/protocol.md). Mirrors conformance/canonical.cpp and conformance/compare.cpp: the same
// visit order, the same rules (what the spec leaves to implementations, such as an Error's stack
// or extra own properties of an Error or DOMException, is accepted in any form), the same field
// names and paths in a difference.
//
//   canonicalize(graph)                       -> the graph renumbered in canonical order
//   compareObservations(expected, observed)   -> null, or the first difference
//                                                {field, where, expected, observed, step}, with
//                                                specQuestions and referenceIndex where the C++
//                                                Difference has them (operation sequences: see
//                                                compareOperationObservations)
//   operationEventRows(expected, observed)    -> both Observations' events per target, for display
//   differenceSignature(d), differenceSummary(d) as Difference::signature() / summary()
//   specQuestionText(step)                    as spec_question_text(): the catalogue's question
//
// The ctest test conformance.compare_corpus_js_agrees checks it against the C++ comparator on a
// corpus of some 10,000 Observation pairs (tools/adapters/test/compare_corpus_check.mjs).
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
    // A reference out of range (a malformed graph) stays as it is, so that it still compares unequal.
    const remapIndex = old => (newIndex.has(old) ? newIndex.get(old) : old);
    const remap = v => {
        const r = cmpRefOf(v);
        return r === undefined ? v : { ref: remapIndex(r) };
    };
    const out = order.map(old => {
        const node = { ...nodes[old] };
        if (Object.hasOwn(node, 'props')) {
            node.props = ordered.get(old).map(p => {
                const q = { ...p };
                if (Object.hasOwn(q, 'symbol'))
                    q.symbol = remapIndex(q.symbol);
                if (Object.hasOwn(q, 'value'))
                    q.value = remap(q.value);
                if (q.getter) {
                    q.getter = { ...q.getter };
                    if (Object.hasOwn(q.getter, 'result'))
                        q.getter.result = remap(q.getter.result);
                    if (q.getter.effects)
                        q.getter.effects = q.getter.effects.map(e => {
                            const f = { ...e, target: remapIndex(e.target ?? 0) };
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
            node.buffer = remapIndex(node.buffer ?? 0);
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

// A property key as the protocol may spell it: a string, or {"t":"string","u16":[...]}.
const cmpKeyText = k => (typeof k === 'string' ? k : k && Array.isArray(k.u16) ? String.fromCharCode(...k.u16) : undefined);

// The graph without the own properties of Errors and DOMExceptions other than "name" and "message".
function cmpWithoutAccompanyingData(graph) {
    const nodes = (graph.nodes ?? []).map(n => (cmpMayCarryAccompanyingData(n.kind) && Array.isArray(n.props)
        ? { ...n, props: n.props.filter(p => p.symbol === undefined && ['name', 'message'].includes(cmpKeyText(p.key))) } : n));
    return { ...graph, nodes };
}

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

function cmpViewElementSize(type) {
    if (type === 'DataView' || type === 'Int8Array' || type === 'Uint8Array' || type === 'Uint8ClampedArray')
        return 1;
    if (type === 'Int16Array' || type === 'Uint16Array' || type === 'Float16Array')
        return 2;
    if (type === 'Int32Array' || type === 'Uint32Array' || type === 'Float32Array')
        return 4;
    return 8;
}

// A length-tracking view and a fixed-length one that no reachable buffer length tells apart are
// the same to JavaScript (indistinguishable_view_lengths): the tracking view's length is `fixed`
// now and stays so (the buffer cannot grow past another element, nor shrink, for a growable
// SharedArrayBuffer, or shrink a non-empty fixed view out of bounds, for a resizable ArrayBuffer).
function cmpIndistinguishableViewLengths(view, nodes, fixed) {
    if (!(view.buffer < nodes.length))
        return false;
    const buffer = nodes[view.buffer];
    if (buffer.maxByteLength === undefined || buffer.detached)
        return false;
    const size = cmpViewElementSize(view.viewType);
    const o = view.byteOffset;
    if (buffer.byteLength < o || Math.floor((buffer.byteLength - o) / size) !== fixed)
        return false;
    if (buffer.maxByteLength >= o + (fixed + 1) * size)
        return false; // growing tells them apart
    return buffer.kind === 'SharedArrayBuffer' || fixed === 0; // a resizable ArrayBuffer can shrink
}

function cmpSameViewLength(a, na, b, nb) {
    if (a.length === b.length)
        return true;
    if (a.length === undefined)
        return cmpIndistinguishableViewLengths(a, na, b.length);
    if (b.length === undefined)
        return cmpIndistinguishableViewLengths(b, nb, a.length);
    return false;
}

// compare_nodes: node `index` of both graphs (decoded nodes `na` and `nb`).
function cmpCompareNodes(na, nb, index) {
    const a = na[index];
    const b = nb[index];
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
        if (!cmpSameViewLength(a, na, b, nb))
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

// compare_results: the roots, then node by node (a missing node shows as a count difference once
// every common node agrees). `na`, `nb`: decoded nodes.
function cmpCompareResults(rootA, na, rootB, nb) {
    const ra = cmpDecodeValue(rootA);
    const rb = cmpDecodeValue(rootB);
    if (!cmpSameValue(ra, rb))
        return { field: 'result', where: 'root', expected: cmpValueDisplay(ra), observed: cmpValueDisplay(rb), step: '' };
    for (let i = 0; i < Math.min(na.length, nb.length); ++i) {
        const d = cmpCompareNodes(na, nb, i);
        if (d)
            return d;
    }
    if (na.length !== nb.length)
        return { field: 'result', where: 'node-count', expected: `${na.length} distinct objects`,
            observed: `${nb.length} distinct objects`, step: '' };
    return null;
}

// The catalogue's step whose text is in question when a transfer list fails at an entry: step 5
// transfers entry by entry, the only step that transfers at all.
const cmpWithTransferLoop = 'html:structuredserializewithtransfer:5';

// compare_transferables.
function cmpCompareTransferables(expected, observed) {
    const ta = cmpTransferables(expected);
    const tb = cmpTransferables(observed);
    const thrownAt = expected.thrownAtStep ?? '';
    const state = detached => (detached ? 'detached' : 'not detached');
    for (let i = 0; i < Math.min(ta.length, tb.length); ++i) {
        const x = ta[i];
        const y = tb[i];
        if (x.node === y.node && x.detached === y.detached && x.byteLength === y.byteLength)
            continue;
        if (!expected.threw)
            return { field: 'transferables', where: `#${x.node}.detached`, expected: state(x.detached), observed: state(y.detached),
                step: cmpWithTransferLoop };
        const inLoop = thrownAt.startsWith(`${cmpWithTransferLoop}.`);
        // Deserialization throws after step 5 has transferred everything: not "before step 5".
        const after = thrownAt.startsWith('html:structureddeserialize');
        if (!x.detached && y.detached && !inLoop && !after) {
            // The call threw before step 5: whichever step threw, nothing may be detached (one
            // finding, not one per throwing step).
            return { field: 'transferables', where: 'detached-although-thrown',
                expected: `${state(false)} (the call threw before step 5 transfers anything)`, observed: state(true), step: cmpWithTransferLoop };
        }
        const d = { field: 'transferables', where: `#${x.node}.detached`, expected: state(x.detached), observed: state(y.detached), step: thrownAt };
        // Step 5 read literally: entries before the one that failed were transferred already.
        if (inLoop && x.detached && !y.detached)
            d.specQuestions = [cmpWithTransferLoop];
        return d;
    }
    if (ta.length !== tb.length)
        return { field: 'transferables', where: '', expected: `${ta.length} transferables`, observed: String(tb.length), step: '' };
    return null;
}

// only_stack_getter_calls_added: the implementation's getter calls are the spec's, in order, plus
// only calls of the Error "name" / "message" getters the expected side lists as `stackGetters`
// (what making the implementation-defined stack string may do, StructuredSerializeInternal 17.5).
function cmpOnlyStackGetterCallsAdded(expected, ca, cb) {
    const stackGetters = Array.isArray(expected.stackGetters) ? expected.stackGetters : [];
    if (stackGetters.length === 0 || cb.length <= ca.length)
        return false;
    let matched = 0;
    for (const call of cb) {
        if (matched < ca.length && call === ca[matched])
            ++matched;
        else if (!stackGetters.includes(call))
            return false;
    }
    return matched === ca.length;
}

// The first way `observed` differs from `expected` (the model's Observation) that the spec does not
// allow, or null. Both are protocol v1 Observations; the observed result graph may be in any
// numbering (it is canonicalized when it differs as it comes, as compare.cpp does).
// `step` is the catalogue step responsible where the comparator knows it; the model's own
// `thrown_at_step` is not part of the protocol, so steps that come from it are left empty unless
// `expected` carries it as `thrownAtStep`. Extra calls of an Error's name/message getters are a
// choice when `expected` lists those getters as `stackGetters` (and when one of them has effects,
// `stackGettersAct`, whatever else differs follows from that choice).
//
// Operation sequences ({outcomes, events}: mode operations) are compared by
// compareOperationObservations (below); `scenario`, when given, names the operations.
export function compareObservations(expected, observed, scenario) {
    if (cmpIsPlainObject(expected) && Array.isArray(expected.outcomes))
        return compareOperationObservations(expected, observed);
    const thrownAt = expected.thrownAtStep ?? '';
    const errorName = o => o.error?.name ?? '';
    const ca = expected.getterCalls ?? [];
    const cb = observed.getterCalls ?? [];
    const callsDiffer = ca.length !== cb.length || ca.some((c, i) => c !== cb[i]);
    const stackCalls = callsDiffer && cmpOnlyStackGetterCallsAdded(expected, ca, cb);
    const difference = (() => {
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
            // The graph as it comes first; renumbered canonically when that differs.
            const ga = canonicalize(expected.result);
            const na = ga.nodes.map(cmpDecodeNode);
            const gb = observed.result ?? { root: undefined, nodes: [] };
            if (cmpCompareResults(ga.root, na, gb.root, (gb.nodes ?? []).map(cmpDecodeNode))) {
                // Renumbered without an Error's or DOMException's accompanying data, which the
                // comparison ignores and so must not steer the numbering.
                const gc = canonicalize(cmpWithoutAccompanyingData(gb));
                const d = cmpCompareResults(ga.root, na, gc.root, gc.nodes.map(cmpDecodeNode));
                if (d)
                    return d;
            }
        }
        const t = cmpCompareTransferables(expected, observed);
        if (t)
            return t;
        if (callsDiffer && !stackCalls) {
            const show = calls => (calls.length ? calls.map(c => `get#${c}`).join(', ') : 'none');
            return { field: 'getter-calls', where: '', expected: show(ca), observed: show(cb),
                step: 'html:structuredserializeinternal:26.4.1.1' };
        }
        return null;
    })();
    // What those getters did when called again may have changed the rest: a choice too.
    if (difference && stackCalls && expected.stackGettersAct === true)
        return null;
    return difference;
}

// ---------------------------------------------------------------------------------------------
// Operation sequences (docs/protocol.md, "Operation sequences (messaging)"): the rules of
// compare_operations in conformance/compare.cpp. The outcomes are compared one by one, nothing
// ignored; then the events per target, in order (the order across targets is the task sources'
// to choose), targets in the C++ order (EventTargetName: ports by [label, index], then
// BroadcastChannels, clients, Worker objects, worker globals, the service worker's global). An
// event is its type, and for a message event its message and ports; `origin` and `source` are
// the implementation's choices and not compared, and messageerror and close events carry no
// message.
//
// What only the model knows, which the C++ comparator uses, is read from the expected side when it
// is there (pmconf's corpus of the two comparators carries it; protocol v1 does not): an
// outcome's `step` and `questions` (the catalogue steps whose text in question it rests on),
// `questioned` ({messages: [{message, question}], ports: [{port: [label, index], question}]}:
// model::web_messaging::Questioned, each question a catalogue step id), an event's `optional`
// (the spec lets the user agent skip it) and its `message` when it is not a message event, and
// `alternatives` (the other Observations the spec allows, in the same form, each with its own
// `questioned`). A difference that rests on a questioned text carries `specQuestions` (step ids,
// sorted, no repeats), which are part of its signature.

// Questioned::of_message, of_port, of_event on the expected side's `questioned`.
function cmpQuestioned(o) {
    const q = cmpIsPlainObject(o.questioned) ? o.questioned : {};
    const messages = Array.isArray(q.messages) ? q.messages : [];
    const ports = Array.isArray(q.ports) ? q.ports : [];
    const add = (to, question) => {
        if (!to.includes(question))
            to.push(question);
    };
    const ofMessage = message => {
        const out = [];
        for (const m of messages)
            if (m.message === message)
                add(out, m.question);
        return out;
    };
    // A port received with a questioned message (its name is that message's label), and the
    // questions noted for the port itself.
    const ofPort = port => {
        const out = ofMessage(port[0]);
        for (const p of ports)
            if (Array.isArray(p.port) && p.port[0] === port[0] && p.port[1] === port[1])
                add(out, p.question);
        return out;
    };
    // A close event's: its target port's. A message or messageerror event's: its message's, and
    // those of the message that delivered its target port (not the target port's own).
    const ofEvent = e => {
        if (messages.length === 0 && ports.length === 0)
            return [];
        const atPort = e.target.kind === 'port';
        if (e.type === 'close')
            return atPort ? ofPort([e.target.a, e.target.b]) : [];
        const out = ofMessage(e.message);
        if (atPort)
            for (const question of ofMessage(e.target.a))
                add(out, question);
        return out;
    };
    return { ofMessage, ofPort, ofEvent };
}

// with_questions: the difference's questions and these, sorted, each once.
function cmpWithQuestions(d, questions) {
    if (questions.length === 0 && !d.specQuestions)
        return d;
    const all = [...(d.specQuestions ?? [])];
    for (const q of questions)
        if (!all.includes(q))
            all.push(q);
    if (all.length === 0)
        return d;
    all.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    return { ...d, specQuestions: all };
}

// The question the comparator itself raises: whether a close event fires inside close() or from a
// task (SpecQuestion::close_event_timing).
const cmpCloseEventTiming = 'html:disentangle:4';

// An outcome as the C++ decoder reads it.
function cmpOutcomeOf(o) {
    const threw = cmpIsPlainObject(o) && o.threw === true;
    return { threw, error: threw ? String(o.error ?? '') : '', skipped: cmpIsPlainObject(o) && o.skipped === true };
}

function cmpSayOutcome(o) {
    if (o.skipped)
        return 'skipped';
    return o.threw ? `threw ${o.error}` : 'returned';
}

// An event target (EventTargetName), in the order of the C++ decoder's checks.
function cmpTargetOf(t) {
    if (cmpIsPlainObject(t) && Array.isArray(t.port))
        return { rank: 0, a: t.port[0], b: t.port[1], kind: 'port', show: `port(${t.port[0]}.${t.port[1]})` };
    if (cmpIsPlainObject(t) && t.broadcast !== undefined)
        return { rank: 1, a: 0, b: t.broadcast, kind: 'broadcast', show: `broadcast(${t.broadcast})` };
    if (cmpIsPlainObject(t) && t.client !== undefined)
        return { rank: 2, a: 0, b: t.client, kind: 'client', show: `client(${t.client}).serviceWorker` };
    if (cmpIsPlainObject(t) && t.worker !== undefined)
        return { rank: 3, a: 0, b: t.worker, kind: 'worker', show: `worker(${t.worker})` };
    if (cmpIsPlainObject(t) && t.serviceWorker !== undefined)
        return { rank: 5, a: 0, b: 0, kind: 'service-worker', show: 'the service worker\'s global' };
    if (cmpIsPlainObject(t) && t.workerGlobal !== undefined)
        return { rank: 4, a: 0, b: t.workerGlobal, kind: 'worker-global', show: `worker(${t.workerGlobal}) global` };
    throw new TypeError(`not an event target: ${JSON.stringify(t)}`);
}

const cmpTargetOrder = (x, y) => x.rank - y.rank || x.a - y.a || x.b - y.b;
const cmpTargetKey = t => `${t.rank}:${t.a}:${t.b}`;

// An event as the C++ comparator has it. `expected`: the model's side, whose non-message events
// may carry their message; the decoder reads an implementation's only for message events.
function cmpEventOf(e, expected) {
    const message = e.type === 'message' || expected ? e.message ?? 0 : 0;
    return {
        target: cmpTargetOf(e.target),
        type: e.type,
        message,
        ports: e.type === 'message' ? e.ports ?? [] : [],
        origin: typeof e.origin === 'string' ? e.origin : '',
        source: typeof e.source === 'string' ? e.source : '',
        optional: e.optional === true,
    };
}

const cmpPortList = ports => ports.map(p => `port(${p[0]}.${p[1]})`).join(', ');

// One event as the C++ to_string(ObservedEvent) shows it.
function cmpShowEvent(e) {
    let s = `${e.type} at ${e.target.show}`;
    if (e.type !== 'close')
        s += ` (message ${e.message})`;
    if (e.ports.length !== 0)
        s += ` ports [${cmpPortList(e.ports)}]`;
    if (e.origin !== '')
        s += ` origin ${e.origin}`;
    if (e.source !== '')
        s += ` source ${e.source}`;
    if (e.optional)
        s += ' (may be skipped)';
    return s;
}

// What the spec fixes about an event, given the same target: its type, and for a message event
// its message and ports.
function cmpSameEvent(a, b) {
    if (a.type !== b.type)
        return false;
    if (a.type !== 'message')
        return true;
    return a.message === b.message && a.ports.length === b.ports.length && a.ports.every((p, i) => p[0] === b.ports[i][0] && p[1] === b.ports[i][1]);
}

// An event is known by its type and, for a message, which message it is.
const cmpEventKey = e => (e.type === 'message' ? `message:${e.message}` : e.type);

// Events grouped by target, targets in order (for display).
function cmpEventsByTarget(o, expected) {
    const groups = new Map();
    for (const j of o.events ?? []) {
        const e = cmpEventOf(j, expected);
        const key = cmpTargetKey(e.target);
        if (!groups.has(key))
            groups.set(key, { target: e.target, events: [] });
        groups.get(key).events.push(e);
    }
    return new Map([...groups.entries()].sort(([, x], [, y]) => cmpTargetOrder(x.target, y.target)));
}

// For display (reproducers): the events of both Observations per target, targets in order, each
// event as "message 4 ports [port(4.0)]", "close", ...
export function operationEventRows(expected, observed) {
    const short = e => `${e.type}${e.type === 'message' ? ` ${e.message}` : ''}${e.ports.length ? ` ports [${cmpPortList(e.ports)}]` : ''}`;
    const want = cmpEventsByTarget(expected, true);
    const got = cmpEventsByTarget(observed, false);
    const keys = [...new Set([...want.keys(), ...got.keys()])];
    const groupOf = key => want.get(key) ?? got.get(key);
    keys.sort((x, y) => cmpTargetOrder(groupOf(x).target, groupOf(y).target));
    return keys.map(key => ({
        target: groupOf(key).target.show,
        expected: (want.get(key)?.events ?? []).map(short),
        observed: (got.get(key)?.events ?? []).map(short),
    }));
}

// The step that fires an event of this type at this kind of target (firing_step in compare.cpp).
function cmpFiringStep(e) {
    const error = e.type === 'messageerror';
    if (e.type === 'close')
        return 'html:disentangle:4';
    switch (e.target.kind) {
    case 'broadcast': return error ? 'html:dom-broadcastchannel-postmessage:9.3/catch' : 'html:dom-broadcastchannel-postmessage:9.4';
    case 'client': return error ? 'service-workers:client-postmessage-options:4.5.3/catch' : 'service-workers:client-postmessage-options:4.5.6';
    case 'service-worker': return error ? 'service-workers:service-worker-postmessage-options:6.2.4/catch'
        : 'service-workers:service-worker-postmessage-options:6.2.6';
    default: return error ? 'html:message-port-post-message-steps:7.4/catch' : 'html:message-port-post-message-steps:7.7';
    }
}

// compare_one_schedule: `expected` is one Observation the spec allows.
function cmpCompareOneSchedule(expected, observed) {
    const ea = expected.outcomes;
    const oa = observed.outcomes ?? [];
    for (let i = 0; i < ea.length; ++i) {
        const want = cmpOutcomeOf(ea[i]);
        const got = i < oa.length ? cmpOutcomeOf(oa[i]) : { threw: false, error: '', skipped: true };
        if (want.threw === got.threw && want.error === got.error && want.skipped === got.skipped)
            continue;
        const e = cmpSayOutcome(want);
        const o = cmpSayOutcome(got);
        const d = { field: 'outcome', where: `${e}->${o}`, expected: `${e} (operation ${i})`, observed: o, step: ea[i].step ?? '' };
        const outcome = cmpWithQuestions(d, Array.isArray(ea[i].questions) ? ea[i].questions : []);
        // An operation run on one side and skipped on the other follows from an earlier difference
        // in what was delivered: the events come first (as compare.cpp).
        if (!want.skipped && !got.skipped)
            return outcome;
        return cmpCompareEvents(expected, observed) ?? outcome;
    }
    if (oa.length > ea.length)
        return { field: 'outcome', where: 'count', expected: `${ea.length} outcomes`, observed: String(oa.length), step: '' };
    return cmpCompareEvents(expected, observed);
}

// Each target's events as a whole (cmpCompareOneSchedule's second half).
function cmpCompareEvents(expected, observed) {

    const wantEvents = (expected.events ?? []).map(e => cmpEventOf(e, true));
    const gotEvents = (observed.events ?? []).map(e => cmpEventOf(e, false));
    const groups = new Map(); // target key -> { target, want: [], got: [] }
    const group = t => {
        const k = cmpTargetKey(t);
        if (!groups.has(k))
            groups.set(k, { target: t, want: [], got: [] });
        return groups.get(k);
    };
    for (const e of gotEvents)
        group(e.target).got.push(e);
    // An event the spec lets the user agent skip (Should Skip Event) counts only when given: when
    // the implementation gave more events of its kind at its target than the spec requires.
    const spare = new Map();
    if (wantEvents.some(e => e.optional)) {
        const at = e => `${cmpTargetKey(e.target)}|${cmpEventKey(e)}`;
        for (const e of gotEvents)
            spare.set(at(e), (spare.get(at(e)) ?? 0) + 1);
        for (const e of wantEvents)
            if (!e.optional)
                spare.set(at(e), (spare.get(at(e)) ?? 0) - 1);
        for (const e of wantEvents) {
            if (e.optional) {
                const n = spare.get(at(e)) ?? 0;
                spare.set(at(e), n - 1);
                if (!(n > 0))
                    continue;
            }
            group(e.target).want.push(e);
        }
    } else {
        for (const e of wantEvents)
            group(e.target).want.push(e);
    }
    const targets = [...groups.values()].sort((x, y) => cmpTargetOrder(x.target, y.target));
    const unmatched = (from, inn) => {
        const available = new Map();
        for (const e of inn)
            available.set(cmpEventKey(e), (available.get(cmpEventKey(e)) ?? 0) + 1);
        for (const e of from) {
            const n = available.get(cmpEventKey(e)) ?? 0;
            available.set(cmpEventKey(e), n - 1);
            if (n <= 0)
                return e;
        }
        return null;
    };
    // A difference about an event that rests on a questioned text (its message, or its target
    // port) says so.
    const questioned = cmpQuestioned(expected);
    const about = (d, e) => cmpWithQuestions(d, questioned.ofEvent(e));
    // Events in another order at a target: any questioned event there may be what moved.
    const aboutTarget = (d, w, g) => {
        for (const e of [...w, ...g])
            d = about(d, e);
        return d;
    };
    for (const g of targets) {
        const e = unmatched(g.want, g.got);
        if (e)
            return about({ field: 'events', where: `${g.target.kind}:missing ${e.type}`, expected: cmpShowEvent(e),
                observed: `no such event at ${g.target.show}`, step: cmpFiringStep(e) }, e);
    }
    for (const g of targets) {
        const e = unmatched(g.got, g.want);
        if (e)
            return about({ field: 'events', where: `${g.target.kind}:extra ${e.type}`, expected: `no such event at ${g.target.show}`,
                observed: cmpShowEvent(e), step: cmpFiringStep(e) }, e);
    }
    for (const g of targets)
        for (let i = 0; i < g.want.length; ++i)
            if (cmpEventKey(g.want[i]) !== cmpEventKey(g.got[i])) {
                const d = aboutTarget({ field: 'events', where: `${g.target.kind}:order`,
                    expected: `${cmpShowEvent(g.want[i])} as event ${i + 1} at ${g.target.show}`,
                    observed: cmpShowEvent(g.got[i]), step: cmpFiringStep(g.want[i]) }, g.want, g.got);
                // A close event in another place: when it fires is in question (a task, or inside close()).
                if (g.want[i].type === 'close' || g.got[i].type === 'close')
                    return cmpWithQuestions(d, [cmpCloseEventTiming]);
                return d;
            }
    for (const g of targets)
        for (let i = 0; i < g.want.length; ++i)
            if (!cmpSameEvent(g.want[i], g.got[i]))
                return about(about({ field: 'events', where: `${g.target.kind}:ports`, expected: cmpShowEvent(g.want[i]),
                    observed: cmpShowEvent(g.got[i]), step: cmpFiringStep(g.want[i]) }, g.want[i]), g.got[i]);
    return null;
}

// How many events (by target, type and message) two Observations have in common (events_in_common).
function cmpEventsInCommon(allowed, observed) {
    const count = new Map();
    const key = e => `${cmpTargetKey(e.target)}|${e.type}|${e.message}`;
    for (const e of (allowed.events ?? []).map(x => cmpEventOf(x, true)))
        count.set(key(e), (count.get(key(e)) ?? 0) + 1);
    let common = 0;
    for (const e of (observed.events ?? []).map(x => cmpEventOf(x, false))) {
        const n = count.get(key(e)) ?? 0;
        count.set(key(e), n - 1);
        if (n > 0)
            ++common;
    }
    return common;
}

// The first way `observed` differs from `expected` (the model's), or null. `where` is
// "spec->implementation" for an outcome and "kind:what type" for the events at one target, so
// that the signature names the kind of difference without the labels:
// `outcome:returned->threw DataCloneError@...`, `events:port:missing close@html:disentangle:4`.
// With `alternatives` on the expected side, any allowed Observation conforms, and the difference
// is the one from the nearest (the most events in common; `referenceIndex`: 0 for the model's
// own, i for alternatives[i - 1]).
export function compareOperationObservations(expected, observed) {
    const alternatives = Array.isArray(expected.alternatives) ? expected.alternatives : [];
    if (alternatives.length === 0)
        return cmpCompareOneSchedule(expected, observed);
    let nearest = null;
    let nearestCommon = 0;
    for (let i = 0; i <= alternatives.length; ++i) {
        const allowed = i === 0 ? expected : alternatives[i - 1];
        const d = cmpCompareOneSchedule(allowed, observed);
        if (d === null)
            return null;
        const common = cmpEventsInCommon(allowed, observed);
        if (nearest === null || common > nearestCommon) {
            nearest = { ...d, referenceIndex: i };
            nearestCommon = common;
        }
    }
    return nearest;
}

// The open spec questions of the catalogue (spec/catalogue/*.json, the steps with a `question`), as
// spec_question_text() gives them: "<issue URL, or 'no issue filed'>: <the question>".
// compare.test.mjs checks this table against the catalogue.
const cmpSpecQuestions = {
    'html:structuredserializewithtransfer:5': ['', 'Entries are transferred one by one, each after its own check: does a later entry that fails 5.1/5.2 leave the earlier ones detached (the text) or is the call all-or-nothing (every engine; step 2.4\'s note)?'],
    'html:disentangle:4': ['https://github.com/whatwg/html/issues/12797', 'The close event fires synchronously, inside close() or garbage collection, even for a partner in another agent: may it come from a task instead (implementations; the open pull request whatwg/html#12957), so after events queued before it?'],
    'html:transfermessageport--receiving:2': ['https://github.com/whatwg/html/issues/5850', 'Tasks move to the new port only once, on receipt: does a message posted later to the old port (its partner shipped too) stay there, or follow the port as engines do?'],
    'html:message-port-post-message-steps:4': ['', 'A doomed message ships the target port, which is never received: does that port stay entangled with the source and keep the tasks on its queue (the text: nothing disentangles it), or is the channel lost as the note says and engines do?'],
    'html:message-port-post-message-steps:7': ['https://github.com/whatwg/html/issues/5765', 'The delivery task does not check that the port is still entangled: is a message already queued at a port that is then closed delivered (the text) or dropped (engines)?'],
    'html:message-port-post-message-steps:7.1': ['', 'A port transferred away keeps its queue until the new port is received: may a task left on it run at the old port (the text allows it), or must it move with the port (engines)?'],
    'html:dom-messageport-postmessage-options:1': ['', 'A port object already transferred stays entangled until the new port is received (nothing disentangles it before): does postMessage(), close() or start() on the old object still act on the channel (the text), or nothing (every engine neuters it)?'],
    'html:run-a-worker--oncomplete:5': ['', 'The outside port is entangled only here, after the script is fetched: is Worker.postMessage() before that dropped (no target port, post message steps 6) or queued for the worker (engines, web-platform-tests workers/Worker_basic.htm)?'],
};

// spec_question_text(step): the question a catalogue step raises, as a line for reports ('' for a
// step without one).
export function specQuestionText(step) {
    if (!Object.hasOwn(cmpSpecQuestions, step))
        return '';
    const [issue, question] = cmpSpecQuestions[step];
    return `${issue === '' ? 'no issue filed' : issue}: ${question}`;
}

// Difference::signature(): field, the kind of difference (the path without node numbers), step,
// then the questions it rests on ("?step" each): the same difference with and without a question
// is two findings.
export function differenceSignature(d) {
    let s = d.field;
    if (d.where) {
        const at = d.where.search(/[.[]/);
        s += `:${at < 0 ? d.where : d.where.slice(at)}`;
    }
    if (d.step)
        s += `@${d.step}`;
    for (const q of d.specQuestions ?? [])
        s += `?${q}`;
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
    for (const q of d.specQuestions ?? [])
        s += `; this rests on a text in question (${q}, ${specQuestionText(q)})`;
    return s;
}
