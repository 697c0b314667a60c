// Tests of lib/compare.mjs (the JavaScript mirror of conformance/canonical.cpp and
// conformance/compare.cpp) on hand-written Observations: `node --test tools/adapters/test/`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
    canonicalize, compareObservations, compareOperationObservations, differenceSignature, differenceSummary, operationEventRows,
} from '../lib/compare.mjs';

const num = v => ({ t: 'number', v });
const returned = (nodes, { root = { ref: 0 }, transferables = [], getterCalls = [] } = {}) =>
    ({ threw: false, result: { root, nodes }, transferables, getterCalls });
const thrown = (name, domException, extra = {}) =>
    ({ threw: true, error: { name, domException }, transferables: [], getterCalls: [], ...extra });

describe('canonicalize', () => {
    test('numbers nodes breadth-first from the root and drops unreachable ones', () => {
        const g = {
            root: { ref: 2 },
            nodes: [
                { kind: 'Array', arrayLength: 0 },                                     // reached from 3
                { kind: 'Object' },                                                    // unreachable
                { kind: 'Object', props: [{ key: 'x', value: { ref: 3 } }, { key: 'y', value: { ref: 4 } }] },
                { kind: 'Object', props: [{ key: 'deep', value: { ref: 0 } }] },
                { kind: 'Map', mapEntries: [[{ ref: 2 }, { ref: 4 }]] },
            ],
        };
        assert.deepEqual(canonicalize(g), {
            root: { ref: 0 },
            nodes: [
                { kind: 'Object', props: [{ key: 'x', value: { ref: 1 } }, { key: 'y', value: { ref: 2 } }] },
                { kind: 'Object', props: [{ key: 'deep', value: { ref: 3 } }] },
                { kind: 'Map', mapEntries: [[{ ref: 0 }, { ref: 2 }]] },
                { kind: 'Array', arrayLength: 0 },
            ],
        });
    });

    test('puts properties in OrdinaryOwnPropertyKeys order before visiting their values', () => {
        const g = {
            root: { ref: 0 },
            nodes: [
                { kind: 'Object', props: [
                    { symbol: 1, value: { ref: 2 } },
                    { key: 'b', value: { ref: 3 } },
                    { key: '10', value: { ref: 4 } },
                    { key: '2', value: { ref: 5 } },
                    { key: '01', value: 'not an index' },
                    { key: '4294967295', value: 'not an index either' },
                ] },
                { kind: 'Symbol', description: 's' },
                { kind: 'Object' }, { kind: 'Date', date: 1 }, { kind: 'Date', date: 10 }, { kind: 'Date', date: 2 },
            ],
        };
        const c = canonicalize(g);
        assert.deepEqual(c.nodes[0].props, [
            { key: '2', value: { ref: 1 } },
            { key: '10', value: { ref: 2 } },
            { key: 'b', value: { ref: 3 } },
            { key: '01', value: 'not an index' },
            { key: '4294967295', value: 'not an index either' },
            { symbol: 4, value: { ref: 5 } },
        ]);
        assert.deepEqual(c.nodes.slice(1).map(n => n.date ?? n.kind), [2, 10, 1, 'Symbol', 'Object']);
    });

    test('a view visits its buffer after its properties; a canonical graph is a fixed point', () => {
        const g = {
            root: { ref: 1 },
            nodes: [
                { kind: 'ArrayBuffer', byteLength: 2, bytes: '0102' },
                { kind: 'TypedArray', buffer: 0, viewType: 'Uint8Array', byteOffset: 0, length: 2, props: [{ key: 'p', value: { ref: 2 } }] },
                { kind: 'Object' },
            ],
        };
        const c = canonicalize(g);
        assert.deepEqual(c.nodes.map(n => n.kind), ['TypedArray', 'Object', 'ArrayBuffer']);
        assert.equal(c.nodes[0].buffer, 2);
        assert.deepEqual(canonicalize(c), c);
        assert.equal(g.nodes[1].buffer, 0, 'the input is not modified');
    });
});

describe('compareObservations', () => {
    const shared = returned([
        { kind: 'Object', props: [{ key: 'a', value: { ref: 1 } }, { key: 'b', value: { ref: 1 } }] },
        { kind: 'Object', props: [{ key: 'v', value: num('-0') }] },
    ]);

    test('an Observation equals itself and any renumbering of itself', () => {
        assert.equal(compareObservations(shared, shared), null);
        const renumbered = returned([
            { kind: 'Object', props: [{ key: 'v', value: num('-0') }] },
            { kind: 'Object', props: [{ key: 'a', value: { ref: 0 } }, { key: 'b', value: { ref: 0 } }] },
        ], { root: { ref: 1 } });
        assert.equal(compareObservations(shared, renumbered), null);
    });

    test('lost sharing shows at the first property that points elsewhere', () => {
        const unshared = returned([
            { kind: 'Object', props: [{ key: 'a', value: { ref: 1 } }, { key: 'b', value: { ref: 2 } }] },
            { kind: 'Object', props: [{ key: 'v', value: num('-0') }] },
            { kind: 'Object', props: [{ key: 'v', value: num('-0') }] },
        ]);
        const d = compareObservations(shared, unshared);
        assert.deepEqual(d, { field: 'result', where: '#0.value', expected: '"b": #1', observed: '#2',
            step: 'html:structuredserializeinternal:26.4' });
        assert.equal(differenceSignature(d), 'result:.value@html:structuredserializeinternal:26.4');
        assert.equal(differenceSummary(d),
            'result at #0.value: the spec gives "b": #1, the implementation gave #2 (spec step html:structuredserializeinternal:26.4)');
    });

    test('-0 is not +0', () => {
        const zero = returned([shared.result.nodes[0], { kind: 'Object', props: [{ key: 'v', value: 0 }] }]);
        assert.deepEqual(compareObservations(shared, zero),
            { field: 'result', where: '#1.value', expected: '"v": -0', observed: '0', step: 'html:structuredserializeinternal:26.4' });
    });

    test('a missing node shows as a node count once every common node agrees', () => {
        const a = returned([{ kind: 'Array', arrayLength: 1, props: [{ key: '0', value: { ref: 1 } }] }, { kind: 'Object' }]);
        const b = returned([{ kind: 'Array', arrayLength: 1, props: [{ key: '0', value: { ref: 1 } }] }, { kind: 'Object' }, { kind: 'Object' }]);
        // b's third node is unreachable: canonical numbering drops it.
        assert.equal(compareObservations(a, b), null);
        const c = returned([{ kind: 'Array', arrayLength: 1, props: [{ key: '0', value: 1 }] }]);
        assert.equal(compareObservations(a, c).where, '#0.value');
    });

    test('an Error may carry a stack and extra own properties; its prototype and message may not differ', () => {
        const expected = returned([{ kind: 'Error', errorPrototype: 'TypeError', props: [{ key: 'message', value: 'm', enumerable: false }] }]);
        const withExtras = returned([{ kind: 'Error', errorPrototype: 'TypeError', stack: 'TypeError: m\n    at x',
            props: [{ key: 'stack', value: 'TypeError: m', enumerable: false }, { key: 'message', value: 'm', enumerable: false },
                { key: 'cause', value: 1, enumerable: false }] }]);
        assert.equal(compareObservations(expected, withExtras), null);
        const otherPrototype = returned([{ ...withExtras.result.nodes[0], errorPrototype: 'Error' }]);
        assert.deepEqual(compareObservations(expected, otherPrototype),
            { field: 'result', where: '#0.prototype', expected: 'TypeError', observed: 'Error', step: 'html:structureddeserialize:21.1' });
        const enumerableMessage = returned([{ kind: 'Error', errorPrototype: 'TypeError', props: [{ key: 'message', value: 'm' }] }]);
        assert.deepEqual(compareObservations(expected, enumerableMessage),
            { field: 'result', where: '#0.enumerable', expected: '"message" not enumerable', observed: 'enumerable', step: 'html:structureddeserialize:21.11' });
        const noMessage = returned([{ kind: 'Error', errorPrototype: 'TypeError' }]);
        assert.equal(compareObservations(expected, noMessage).observed, 'no such property');
        // Extras are accepted on errors only.
        const object = returned([{ kind: 'Object' }]);
        assert.deepEqual(compareObservations(object, returned([{ kind: 'Object', props: [{ key: 'x', value: 1 }] }])),
            { field: 'result', where: '#0.properties', expected: 'no more properties', observed: 'property "x"', step: 'html:structuredserializeinternal:26.4' });
    });

    test('a DOMException: name and message are compared, extra own properties are not', () => {
        const expected = returned([{ kind: 'DOMException', name: 'AbortError', message: 'm' }]);
        assert.equal(compareObservations(expected, returned([{ kind: 'DOMException', name: 'AbortError', message: 'm', props: [{ key: 'stack', value: '' }] }])), null);
        assert.deepEqual(compareObservations(expected, returned([{ kind: 'DOMException', name: 'Error', message: '' }])),
            { field: 'result', where: '#0.name-message', expected: '"AbortError" "m"', observed: '"Error" ""', step: 'html:structureddeserialize:24.4.1' });
        assert.deepEqual(compareObservations(expected, returned([{ kind: 'Error', props: [{ key: 'message', value: 'm' }] }])),
            { field: 'result', where: '#0.kind', expected: 'DOMException', observed: 'Error', step: 'html:structureddeserialize:24.4.1' });
    });

    test('outcome, error name, error type and a thrown user value', () => {
        const dce = thrown('DataCloneError', true);
        assert.equal(compareObservations(dce, dce), null);
        assert.deepEqual(compareObservations(dce, returned([{ kind: 'Object' }])),
            { field: 'outcome', where: 'returned', expected: 'a thrown DataCloneError', observed: 'a returned value', step: '' });
        assert.equal(compareObservations(returned([{ kind: 'Object' }]), thrown('TypeError', false)).where, 'threw TypeError');
        assert.deepEqual(compareObservations(dce, thrown('TypeError', false)),
            { field: 'error-name', where: 'DataCloneError->TypeError', expected: 'DataCloneError', observed: 'TypeError', step: '' });
        assert.equal(differenceSignature(compareObservations({ ...dce, thrownAtStep: 'html:x:1' }, thrown('TypeError', false))),
            'error-name:DataCloneError->TypeError@html:x:1');
        assert.deepEqual(compareObservations(dce, thrown('DataCloneError', false)),
            { field: 'error-type', where: '', expected: 'a DOMException', observed: 'not a DOMException', step: '' });
        const user = thrown('user value', undefined, { thrownValue: num('-0') });
        assert.equal(compareObservations(user, { ...user, error: { name: 'user value', domException: false } }), null);
        assert.deepEqual(compareObservations(user, { ...user, thrownValue: 0 }),
            { field: 'thrown-value', where: '', expected: '-0', observed: '0', step: '' });
        assert.equal(compareObservations({ ...dce, thrownAtStep: 'html:x:1' }, thrown('TypeError', false)).step, 'html:x:1');
    });

    test('transferables and getter calls, in that order', () => {
        const expected = returned([{ kind: 'Object' }], { transferables: [{ node: 1, detached: true, byteLength: 0 }, { node: 2, detached: false }], getterCalls: [1, 2] });
        assert.deepEqual(compareObservations(expected, { ...expected, transferables: [{ node: 1, detached: true }, { node: 2, detached: false, byteLength: 0 }] }), null);
        assert.deepEqual(compareObservations(expected, { ...expected, transferables: [{ node: 1, detached: false, byteLength: 8 }, { node: 2, detached: false }], getterCalls: [] }),
            { field: 'transferables', where: '#1.detached', expected: 'detached', observed: 'not detached', step: 'html:structuredserializewithtransfer:5' });
        assert.deepEqual(compareObservations(expected, { ...expected, transferables: expected.transferables.slice(0, 1) }),
            { field: 'transferables', where: '', expected: '2 transferables', observed: '1', step: '' });
        assert.deepEqual(compareObservations(expected, { ...expected, getterCalls: [2] }),
            { field: 'getter-calls', where: '', expected: 'get#1, get#2', observed: 'get#2', step: 'html:structuredserializeinternal:26.4.1.1' });
        assert.equal(compareObservations(expected, { ...expected, getterCalls: [] }).observed, 'none');
    });

    test('buffers, views, RegExps, wrappers and collections', () => {
        const one = node => returned([node]);
        const at = (a, b) => { const d = compareObservations(one(a), one(b)); return d && [d.where, d.expected, d.observed, d.step]; };
        assert.equal(at({ kind: 'ArrayBuffer', bytes: '0A0b' }, { kind: 'ArrayBuffer', byteLength: 2, bytes: '0a0b' }), null);
        assert.deepEqual(at({ kind: 'ArrayBuffer', byteLength: 2, bytes: '0a0b', maxByteLength: 4 }, { kind: 'ArrayBuffer', byteLength: 2, bytes: '0a0b' }),
            ['#0.maxByteLength', '4', 'fixed-length', 'html:structureddeserialize:15']);
        assert.deepEqual(at({ kind: 'ArrayBuffer', byteLength: 1, bytes: '00' }, { kind: 'ArrayBuffer', byteLength: 1, bytes: '01' }),
            ['#0.bytes', 'the original bytes', 'other bytes', 'html:structureddeserialize:14']);
        const view = (length, buffer = { kind: 'ArrayBuffer', byteLength: 4, maxByteLength: 8, bytes: '00000000' }) =>
            returned([{ kind: 'DataView', buffer: 1, viewType: 'DataView', byteOffset: 0, length }, buffer]);
        assert.deepEqual(compareObservations(view(null), view(4)),
            { field: 'result', where: '#0.length', expected: 'length-tracking', observed: '4', step: 'html:structureddeserialize:16.2' });
        assert.equal(compareObservations(view(null), returned([{ kind: 'DataView', buffer: 1, viewType: 'DataView', byteOffset: 0 }, view(null).result.nodes[1]])), null);
        assert.deepEqual(at({ kind: 'RegExp', source: 'a', flags: 'g', lastIndex: 0 }, { kind: 'RegExp', source: 'a', flags: 'g', lastIndex: 3 }),
            ['#0.lastIndex', '0', '3', 'html:structureddeserialize:11']);
        assert.deepEqual(at({ kind: 'Number', primitive: 100000 }, { kind: 'Number', primitive: 1.5e-7 }),
            ['#0.primitive', '1e+05', '1.5e-07', 'html:structureddeserialize:7']);
        assert.deepEqual(at({ kind: 'String', primitive: { t: 'string', u16: [0xD800, 0x22] } }, { kind: 'String', primitive: '\uFFFD"' }),
            ['#0.primitive', '"\\uD800\\""', '"\uFFFD\\""', 'html:structureddeserialize:9']);
        assert.deepEqual(at({ kind: 'BigInt', primitive: { t: 'bigint', v: '-1' } }, { kind: 'BigInt', primitive: { t: 'bigint', v: '1' } }),
            ['#0.primitive', '-1n', '1n', 'html:structureddeserialize:8']);
        assert.deepEqual(at({ kind: 'Date', date: num('NaN') }, { kind: 'Date', date: 0 }), ['#0.date', 'NaN', '0', 'html:structureddeserialize:10']);
        assert.deepEqual(at({ kind: 'Map', mapEntries: [[1, 'a'], [2, 'b']] }, { kind: 'Map', mapEntries: [[2, 'b'], [1, 'a']] }),
            ['#0.entry', '1 => "a"', '2 => "b"', 'html:structureddeserialize:24.1.1.3']);
        assert.deepEqual(at({ kind: 'Set', setEntries: [1] }, { kind: 'Set', setEntries: [] }), ['#0.size', '1', '0', 'html:structureddeserialize:24.2.1.2']);
        assert.deepEqual(at({ kind: 'MessagePort', portId: 3 }, { kind: 'MessagePort', portId: 0 }),
            ['#0.port', '3', '0', 'html:structureddeserializewithtransfer:3.4.4']);
        assert.deepEqual(at({ kind: 'Array', arrayLength: 3 }, { kind: 'Array', arrayLength: 2 }), ['#0.length', '3', '2', 'html:structureddeserialize:19.2']);
        assert.deepEqual(compareObservations(returned([], { root: num('NaN') }), returned([], { root: num('NaN') })), null);
        assert.deepEqual(compareObservations(returned([], { root: { t: 'undefined' } }), returned([], { root: null })),
            { field: 'result', where: 'root', expected: 'undefined', observed: 'null', step: '' });
    });
});

// Operation sequences: the rules of conformance/messaging.cpp's difference(), with `origin` and
// `source` (the implementation's choices) and a messageerror's or close's `message` ignored.
describe('compareObservations on operation sequences', () => {
    const port = (l, i) => ({ port: [l, i] });
    const msg = (target, message, ports = []) => ({ target, type: 'message', message, ports });
    const closeAt = target => ({ target, type: 'close' });
    const expected = {
        outcomes: [{}, {}, { threw: true, error: 'DataCloneError' }, { skipped: true }, {}],
        events: [
            msg(port(0, 1), 2, [[2, 0]]),
            { ...msg({ broadcast: 5 }, 6), origin: 'https://a.example' },
            closeAt(port(0, 0)),
            msg(port(0, 1), 4),
            { target: port(2, 0), type: 'messageerror', message: 3 },
        ],
    };
    const scenario = { mode: 'operations', operations: ['newChannel', 'portPost', 'portPost', 'portStart', 'runEventLoops'].map((op, label) => ({ op, label })) };

    test('equal per target, whatever the order across targets; origin, source and a messageerror\'s message ignored', () => {
        const observed = {
            outcomes: expected.outcomes.map(o => ({ ...o })),
            events: [
                closeAt(port(0, 0)),
                { target: port(2, 0), type: 'messageerror', origin: '' },
                { ...msg({ broadcast: 5 }, 6), origin: 'http://127.0.0.1', source: null },
                msg(port(0, 1), 2, [[2, 0]]),
                msg(port(0, 1), 4),
            ],
        };
        assert.equal(compareObservations(expected, observed), null);
        assert.equal(compareOperationObservations(expected, observed), null);
        // Absent ports are no ports.
        const noPorts = { ...observed, events: observed.events.map(e => (e.type === 'message' && e.ports.length === 0 ? { ...e, ports: undefined } : e)) };
        assert.equal(compareObservations(expected, noPorts), null);
    });

    test('outcomes are compared one by one, nothing ignored, with the signature the C++ comparator gives', () => {
        const with3 = o => ({ outcomes: expected.outcomes.map((x, i) => (i === 3 ? o : x)), events: expected.events });
        const d = compareObservations(expected, with3({}), scenario);
        assert.deepEqual(d, { field: 'outcome', where: 'skipped->returned', expected: 'skipped (operation 3)', observed: 'returned', step: '' });
        assert.equal(differenceSignature(d), 'outcome:skipped->returned');
        assert.equal(differenceSummary(d), 'outcome at skipped->returned: the spec gives skipped (operation 3), the implementation gave returned');
        // The model's outcomes carry the step the signature names.
        const stepped = { ...expected, outcomes: expected.outcomes.map((x, i) => (i === 2 ? { ...x, step: 'html:message-port-post-message-steps:2' } : x)) };
        const error = compareObservations(stepped, { ...expected, outcomes: expected.outcomes.map((x, i) => (i === 2 ? { threw: true, error: 'TypeError' } : x)) });
        assert.equal(differenceSignature(error), 'outcome:threw DataCloneError->threw TypeError@html:message-port-post-message-steps:2');
        assert.deepEqual(compareObservations(expected, { ...expected, outcomes: expected.outcomes.slice(1) }).where, 'returned->threw DataCloneError');
        assert.deepEqual(compareObservations(expected, { ...expected, outcomes: [...expected.outcomes, {}] }).where, 'count');
    });

    test('events: a missing spec event first, then an extra event, then the order, then the ports', () => {
        const without = (k, extra = []) => ({ outcomes: expected.outcomes, events: [...expected.events.filter((_, i) => i !== k), ...extra] });
        // port(0.0) comes before port(0.1) and broadcast(5).
        const missing = compareObservations(expected, { outcomes: expected.outcomes, events: [] });
        assert.deepEqual(missing, { field: 'events', where: 'port:missing close', expected: 'close at port(0.0)', observed: 'no such event at port(0.0)', step: 'html:disentangle:4' });
        assert.equal(differenceSignature(missing), 'events:port:missing close@html:disentangle:4');
        const second = compareObservations(expected, without(3));
        assert.deepEqual([second.where, second.expected], ['port:missing message', 'message at port(0.1) (message 4)']);
        // Another message in place of one: the spec's is missing.
        assert.equal(compareObservations(expected, without(3, [msg(port(0, 1), 9)])).where, 'port:missing message');
        const reordered = compareObservations(expected, { ...expected, events: [expected.events[3], ...expected.events.filter((_, i) => i !== 3)] });
        assert.equal(differenceSignature(reordered), 'events:port:order@html:message-port-post-message-steps:7.7');
        const portsDiffer = compareObservations(expected, { ...expected, events: [msg(port(0, 1), 2, [[2, 1]]), ...expected.events.slice(1)] });
        assert.equal(portsDiffer.where, 'port:ports');
        const extra = compareObservations(expected, { ...expected, events: [...expected.events, closeAt(port(0, 1))] });
        assert.deepEqual(extra, { field: 'events', where: 'port:extra close', expected: 'no such event at port(0.1)', observed: 'close at port(0.1)', step: 'html:disentangle:4' });
        const elsewhere = compareObservations(expected, { ...expected, events: [...expected.events, { ...msg({ broadcast: 9 }, 1) }] });
        assert.equal(differenceSignature(elsewhere), 'events:broadcast:extra message@html:dom-broadcastchannel-postmessage:9.4');
        const typed = compareObservations(expected, without(4, [msg(port(2, 0), 3)]));
        assert.equal(differenceSignature(typed), 'events:port:missing messageerror@html:message-port-post-message-steps:7.4/catch');
    });

    test('operationEventRows lists both sides per target, in target order', () => {
        assert.deepEqual(operationEventRows(expected, { outcomes: [], events: [msg({ broadcast: 1 }, 7), closeAt(port(0, 1))] }), [
            { target: 'port(0.0)', expected: ['close'], observed: [] },
            { target: 'port(0.1)', expected: ['message 2 ports [port(2.0)]', 'message 4'], observed: ['close'] },
            { target: 'port(2.0)', expected: ['messageerror'], observed: [] },
            { target: 'broadcast(1)', expected: [], observed: ['message 7'] },
            { target: 'broadcast(5)', expected: ['message 6'], observed: [] },
        ]);
    });
});
