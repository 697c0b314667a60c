// Tests of lib/compare.mjs (the JavaScript mirror of conformance/canonical.cpp and
// conformance/compare.cpp) on hand-written Observations: `node --test tools/adapters/test/`.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

import {
    canonicalize, compareObservations, compareOperationObservations, differenceSignature, differenceSummary, operationEventRows,
    specQuestionText,
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

    test('a transfer that detached something although the call threw: one signature before step 5, a spec question inside it', () => {
        const buffers = detached => detached.map((d, i) => ({ node: i + 1, detached: d, byteLength: d ? 0 : 4 }));
        const threwAt = (step, detached) => thrown('DataCloneError', true, { thrownAtStep: step, transferables: buffers(detached) });
        // Before WithTransfer step 5 (the only step that transfers), whichever step threw.
        for (const step of ['html:structuredserializeinternal:5', 'html:structuredserializewithtransfer:2.3']) {
            const d = compareObservations(threwAt(step, [false, false]), threwAt('', [false, true]));
            assert.deepEqual(d, { field: 'transferables', where: 'detached-although-thrown',
                expected: 'not detached (the call threw before step 5 transfers anything)', observed: 'detached',
                step: 'html:structuredserializewithtransfer:5' });
            assert.equal(differenceSignature(d), 'transferables:detached-although-thrown@html:structuredserializewithtransfer:5');
        }
        // Inside step 5: an entry it transferred before the failing one, left attached, rests on
        // the text in question (engines are all-or-nothing).
        const inLoop = threwAt('html:structuredserializewithtransfer:5.1', [true, false]);
        const attached = compareObservations(inLoop, threwAt('', [false, false]));
        assert.deepEqual(attached.specQuestions, ['html:structuredserializewithtransfer:5']);
        assert.equal(differenceSignature(attached),
            'transferables:.detached@html:structuredserializewithtransfer:5.1?html:structuredserializewithtransfer:5');
        assert.equal(differenceSummary(attached), 'transferables at #1.detached: the spec gives detached, the implementation gave not detached '
            + '(spec step html:structuredserializewithtransfer:5.1); this rests on a text in question (html:structuredserializewithtransfer:5, '
            + `${specQuestionText('html:structuredserializewithtransfer:5')})`);
        assert.match(specQuestionText('html:structuredserializewithtransfer:5'), /^no issue filed: .*all-or-nothing/);
        // ... and one detached that step 5 never reached is a deviation at the step that threw.
        const detachedMore = compareObservations(inLoop, threwAt('', [true, true]));
        assert.deepEqual([detachedMore.where, detachedMore.step, detachedMore.specQuestions], ['#2.detached', 'html:structuredserializewithtransfer:5.1', undefined]);
    });

    test('extra calls of an Error\'s name/message getters (its implementation-defined stack) are a choice', () => {
        const expected = returned([{ kind: 'Error', errorPrototype: 'TypeError', props: [{ key: 'message', value: 'm', enumerable: false }] }],
            { getterCalls: [7] });
        const stack = { ...expected, stackGetters: [7] };
        assert.equal(compareObservations(stack, { ...expected, getterCalls: [7, 7] }), null);
        assert.equal(compareObservations(stack, { ...expected, getterCalls: [7, 7, 7] }), null);
        // Only with the model's list of those getters; fewer calls, or another getter's, are a deviation.
        assert.equal(compareObservations(expected, { ...expected, getterCalls: [7, 7] }).field, 'getter-calls');
        assert.equal(compareObservations(stack, { ...expected, getterCalls: [] }).field, 'getter-calls');
        assert.equal(compareObservations(stack, { ...expected, getterCalls: [7, 8] }).field, 'getter-calls');
        // What else differs is reported, unless one of those getters has effects: then it follows
        // from the choice.
        const other = returned([{ kind: 'Error', errorPrototype: 'Error', props: [{ key: 'message', value: 'm', enumerable: false }] }],
            { getterCalls: [7, 7] });
        assert.equal(compareObservations(stack, other).where, '#0.prototype');
        assert.equal(compareObservations({ ...stack, stackGettersAct: true }, other), null);
        assert.equal(compareObservations({ ...stack, stackGettersAct: true }, { ...other, getterCalls: [7] }).where, '#0.prototype');
    });

    test('a length-tracking view and a fixed one are the same when no buffer length tells them apart', () => {
        const view = (type, length, buffer) => returned([{ kind: type === 'DataView' ? 'DataView' : 'TypedArray', buffer: 1, viewType: type, byteOffset: 0, length }, buffer]);
        const same = (type, buffer, fixed) => {
            const a = compareObservations(view(type, null, buffer), view(type, fixed, buffer));
            const b = compareObservations(view(type, fixed, buffer), view(type, null, buffer));
            assert.equal(a === null, b === null, 'either side may be the tracking one');
            return a === null;
        };
        // ArrayBuffer(0, {maxByteLength: 0}): always empty.
        assert.equal(same('Uint8Array', { kind: 'ArrayBuffer', byteLength: 0, maxByteLength: 0 }, 0), true);
        // Room for another element: resize tells them apart.
        assert.equal(same('Uint8Array', { kind: 'ArrayBuffer', byteLength: 0, maxByteLength: 1 }, 0), false);
        // A growable SharedArrayBuffer at its maximum cannot shrink either.
        assert.equal(same('Uint16Array', { kind: 'SharedArrayBuffer', byteLength: 4, maxByteLength: 5, bytes: '01020304' }, 2), true);
        // A resizable ArrayBuffer can shrink under a non-empty fixed view.
        assert.equal(same('Uint16Array', { kind: 'ArrayBuffer', byteLength: 4, maxByteLength: 5, bytes: '01020304' }, 2), false);
        // On a buffer that is not resizable no view is length-tracking: the two forms are not equated there.
        assert.equal(same('DataView', { kind: 'ArrayBuffer', byteLength: 2, bytes: '0102' }, 2), false);
        assert.deepEqual(compareObservations(view('Uint8Array', null, { kind: 'ArrayBuffer', byteLength: 0, maxByteLength: 0 }),
            view('Uint8Array', 1, { kind: 'ArrayBuffer', byteLength: 0, maxByteLength: 0 })),
        { field: 'result', where: '#0.length', expected: 'length-tracking', observed: '1', step: 'html:structureddeserialize:16.3' });
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

describe('specQuestionText', () => {
    test('gives every question of the catalogue (spec/catalogue/*.json) as spec_question_text() does, and nothing else', () => {
        const dir = new URL('../../../spec/catalogue/', import.meta.url);
        let questions = 0;
        for (const file of readdirSync(dir).filter(f => f.endsWith('.json'))) {
            const catalogue = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
            for (const algorithm of catalogue.algorithms)
                for (const step of algorithm.steps) {
                    const id = `${catalogue.spec.name}:${algorithm.key}:${step.path}`;
                    if (step.question) {
                        ++questions;
                        assert.equal(specQuestionText(id), `${step.issue || 'no issue filed'}: ${step.question}`, id);
                    } else {
                        assert.equal(specQuestionText(id), '', id);
                    }
                }
        }
        assert.ok(questions > 0);
        assert.equal(specQuestionText('html:no-such-step:1'), '');
        // The table has no question the catalogue has not: each of its steps is one of the above.
        const known = ['html:structuredserializewithtransfer:5', 'html:disentangle:4', 'html:transfermessageport--receiving:2',
            'html:message-port-post-message-steps:4', 'html:message-port-post-message-steps:7', 'html:message-port-post-message-steps:7.1',
            'html:run-a-worker--oncomplete:5', 'html:dom-messageport-postmessage-options:1'];
        assert.equal(known.filter(id => specQuestionText(id) !== '').length, questions);
    });
});

// Operation sequences: the rules of compare_operations (conformance/compare.cpp), with `origin`
// and `source` (the implementation's choices) and a messageerror's or close's `message` ignored.
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

    test('as the C++ comparator shows them: an event\'s origin and source, a messageerror\'s message, the outcome count', () => {
        const extra = compareObservations(expected, { ...expected, events: [...expected.events, { ...closeAt(port(0, 1)), origin: 'http://127.0.0.1', source: 'WindowClient' }] });
        assert.equal(extra.observed, 'close at port(0.1) origin http://127.0.0.1 source WindowClient');
        // An implementation's messageerror says no message: 0, as pmconf decodes it.
        const error = compareObservations(expected, { ...expected, events: [...expected.events, { target: port(0, 1), type: 'messageerror', message: 5 }] });
        assert.equal(error.observed, 'messageerror at port(0.1) (message 0)');
        const missing = compareObservations(expected, { ...expected, events: expected.events.slice(0, 4) });
        assert.equal(missing.expected, 'messageerror at port(2.0) (message 3)');
        const count = compareObservations(expected, { ...expected, outcomes: [...expected.outcomes, {}] });
        assert.deepEqual([count.expected, count.observed], ['5 outcomes', '6']);
        // The service worker's global: last in the target order, its own steps.
        const sw = compareObservations(expected, { ...expected, events: [...expected.events, msg({ serviceWorker: 0 }, 1), closeAt(port(9, 0))] });
        assert.equal(differenceSignature(sw), 'events:port:extra close@html:disentangle:4');
        const swOnly = compareObservations(expected, { ...expected, events: [...expected.events, msg({ serviceWorker: 0 }, 1)] });
        assert.equal(differenceSummary(swOnly), 'events at service-worker:extra message: the spec gives no such event at the service worker\'s global, '
            + 'the implementation gave message at the service worker\'s global (message 1) (spec step service-workers:service-worker-postmessage-options:6.2.6)');
    });

    test('what only the model knows: open spec questions, allowed alternatives, events the user agent may skip', () => {
        const closed = 'html:message-port-post-message-steps:7';
        const doomed = 'html:message-port-post-message-steps:4';
        const partial = 'html:structuredserializewithtransfer:5';
        const questioned = { ...expected, questioned: { messages: [{ message: 4, question: closed }], ports: [] },
            outcomes: expected.outcomes.map((o, i) => (i === 1 ? { ...o, questions: [partial, doomed] } : o)) };
        const late = compareObservations(questioned, { ...expected, events: expected.events.filter((_, i) => i !== 3) });
        assert.deepEqual(late.specQuestions, [closed]);
        assert.equal(differenceSummary(late), 'events at port:missing message: the spec gives message at port(0.1) (message 4), the implementation gave no such event '
            + 'at port(0.1) (spec step html:message-port-post-message-steps:7.7); this rests on a text in question (html:message-port-post-message-steps:7, '
            + 'https://github.com/whatwg/html/issues/5765: The delivery task does not check that the port is still entangled: is a message already queued at a port '
            + 'that is then closed delivered (the text) or dropped (engines)?)');
        assert.equal(differenceSignature(late), 'events:port:missing message@html:message-port-post-message-steps:7.7?html:message-port-post-message-steps:7');
        assert.equal(compareObservations(questioned, { ...expected, events: expected.events.filter((_, i) => i !== 2) }).specQuestions, undefined, 'a close event is about no message');
        // An outcome's questions, sorted as the signature has them.
        const skipped = compareObservations(questioned, { ...expected, outcomes: expected.outcomes.map((o, i) => (i === 1 ? { skipped: true } : o)) });
        assert.deepEqual(skipped.specQuestions, [doomed, partial]);
        assert.equal(differenceSignature(skipped), `outcome:returned->skipped?${doomed}?${partial}`);
        // A message at a port that a questioned message delivered rests on it too, whatever its own
        // message (here one no operation posted).
        const carried = { ...expected, questioned: { messages: [{ message: 2, question: closed }], ports: [] } };
        assert.deepEqual(compareObservations(carried, { ...expected, events: [...expected.events, msg(port(2, 0), 9)] }).specQuestions, [closed]);
        // A close event rests on the questions of its port: those noted for the port, and those of
        // the message that delivered it.
        const doomedPort = { ...expected, questioned: { messages: [], ports: [{ port: [0, 0], question: doomed }] } };
        assert.deepEqual(compareObservations(doomedPort, { ...expected, events: expected.events.filter((_, i) => i !== 2) }).specQuestions, [doomed]);
        assert.deepEqual(compareObservations(carried, { ...expected, events: [...expected.events, closeAt(port(2, 0))] }).specQuestions, [closed]);
        assert.equal(compareObservations(doomedPort, { ...expected, events: [...expected.events, closeAt(port(0, 1))] }).specQuestions, undefined);
        // A message event does not rest on its target port's own questions.
        assert.equal(compareObservations(doomedPort, { ...expected, events: [...expected.events, msg(port(0, 0), 9)] }).specQuestions, undefined);

        // Alternatives: any allowed Observation conforms; else the difference from the nearest.
        const moved = { outcomes: expected.outcomes, events: [...expected.events.filter((_, i) => i !== 3), msg(port(7, 0), 4)] };
        const either = { ...expected, alternatives: [moved] };
        assert.equal(compareObservations(either, moved), null);
        assert.equal(compareObservations(either, expected), null);
        const nearMoved = compareObservations(either, { ...moved, events: moved.events.slice(1) });
        assert.equal(nearMoved.referenceIndex, 1);
        assert.equal(nearMoved.where, 'port:missing message');
        assert.equal(compareObservations(either, { ...expected, events: expected.events.slice(1) }).referenceIndex, 0);
        assert.equal(compareObservations(expected, moved).referenceIndex, undefined, 'no alternatives: no referenceIndex');

        // Should Skip Event: an optional event counts only when the implementation gives it.
        const sw = { target: { serviceWorker: 0 }, type: 'message', message: 1, ports: [], optional: true };
        const skippable = { ...expected, events: [...expected.events, sw] };
        assert.equal(compareObservations(skippable, expected), null);
        assert.equal(compareObservations(skippable, { ...expected, events: [...expected.events, { ...sw, optional: undefined }] }), null);
        const twice = compareObservations(skippable, { ...expected, events: [...expected.events, sw, sw] });
        assert.equal(twice.where, 'service-worker:extra message');
        const reordered = compareObservations({ ...skippable, events: [...skippable.events, { ...sw, message: 2, optional: false }] },
            { ...expected, events: [...expected.events, { ...sw, message: 2 }, { ...sw, optional: undefined }] });
        assert.equal(reordered.expected, 'message at the service worker\'s global (message 1) (may be skipped) as event 1 at the service worker\'s global');
    });

    test('events in another order: a close event out of place is a spec question; any questioned event at the target counts', () => {
        const events = [msg(port(0, 1), 1), closeAt(port(0, 1)), msg(port(0, 1), 2), msg(port(0, 0), 3)];
        const sequence = { outcomes: [{}, {}, {}, {}], events };
        // The close event fired from a task, after the message queued before it.
        const late = compareObservations(sequence, { ...sequence, events: [events[0], events[2], events[1], events[3]] });
        assert.deepEqual([late.where, late.specQuestions], ['port:order', ['html:disentangle:4']]);
        assert.equal(differenceSignature(late), 'events:port:order@html:disentangle:4?html:disentangle:4');
        assert.match(differenceSummary(late), /; this rests on a text in question \(html:disentangle:4, https:\/\/github.com\/whatwg\/html\/issues\/12797: The close event fires synchronously/);
        // Close first: the spec's event at that place is a message, the implementation's the close.
        const early = compareObservations(sequence, { ...sequence, events: [events[1], events[0], events[2], events[3]] });
        assert.deepEqual([early.step, early.specQuestions], ['html:message-port-post-message-steps:7.7', ['html:disentangle:4']]);
        // Two messages in another order: no question, unless one of the target's events rests on one.
        const swapped = { ...sequence, events: [events[2], events[1], events[0], events[3]] };
        assert.equal(compareObservations(sequence, swapped).specQuestions, undefined);
        const questioned = { ...sequence, questioned: { messages: [{ message: 2, question: 'html:message-port-post-message-steps:7.1' }], ports: [] } };
        assert.deepEqual(compareObservations(questioned, swapped).specQuestions, ['html:message-port-post-message-steps:7.1']);
        // The close event moved, message 2 with it: both questions.
        assert.deepEqual(compareObservations(questioned, { ...sequence, events: [events[0], events[2], events[1], events[3]] }).specQuestions,
            ['html:disentangle:4', 'html:message-port-post-message-steps:7.1']);
        // Each allowed Observation has its own questioned (here message 2 lands elsewhere in the other).
        const elsewhere = [events[0], events[1], events[3], msg(port(0, 0), 2)];
        const either = { ...sequence, alternatives: [{ ...questioned, events: elsewhere }] };
        assert.equal(compareObservations(either, { ...sequence, events: elsewhere }), null);
        const twice = compareObservations(either, { ...sequence, events: [...elsewhere, msg(port(0, 0), 2)] });
        assert.deepEqual([twice.referenceIndex, twice.where, twice.specQuestions], [1, 'port:extra message', ['html:message-port-post-message-steps:7.1']]);
        const lost = compareObservations(either, { ...sequence, events: [events[0], events[1], events[2]] });
        assert.deepEqual([lost.referenceIndex, lost.where, lost.specQuestions], [0, 'port:missing message', undefined]);
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
