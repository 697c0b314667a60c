// Tests of pmconf-adapter.mjs against the real runtimes: `node --test tools/adapters/test/`.
// Node.js always; Deno and Bun when `npm ci` in tools/adapters installed them; the polyfills
// when their packages are there. Each implementation runs in one adapter process that answers
// every request of its test, so the whole file takes a few seconds.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test, before, after } from 'node:test';

import { Adapter, adapter, adapterDir, bin, hasPackage, runtimes } from './adapter_process.mjs';

const scenario = (nodes, { root = { ref: 0 }, transfer = [], mode = 'structuredClone' } = {}) => ({ graph: { root, nodes }, transfer, mode });
const num = v => ({ t: 'number', v });
const plainObject = scenario([
    { kind: 'Object', props: [{ key: 'a', value: 1 }, { key: 'b', value: { ref: 1 } }, { key: 'c', value: { ref: 1 } }, { key: 'z', value: num('-0') }] },
    { kind: 'Array', arrayLength: 2, props: [{ key: '0', value: 'x' }, { key: '1', value: { ref: 0 } }] },
]);

for (const rt of runtimes) {
    describe(`adapter under ${rt.name}`, { skip: rt.available === false && `${rt.name} is not installed (npm ci in tools/adapters)` }, () => {
        let a;
        let hello;
        before(async () => {
            a = new Adapter(rt.argv);
            hello = await a.line();
        });
        after(async () => {
            const { code } = await a.close();
            assert.equal(code, 0, `exit status; stderr: ${a.stderr}`);
        });

        test('hello names the runtime, its version and probed capabilities', () => {
            assert.equal(hello.pmconf, 'hello');
            assert.equal(hello.protocol, 1);
            assert.equal(hello.implementation, rt.name);
            assert.equal(typeof hello.version, 'string');
            if (rt.name === 'node')
                assert.equal(hello.version, process.version);
            else
                assert.match(hello.version, /^\d+\.\d+\.\d+/);
            for (const c of ['structured-clone', 'message-channel', 'message-port', 'resizable-array-buffer', 'weak-ref', 'message-ports', 'broadcast-channel'])
                assert.ok(hello.capabilities.includes(c), `${c} in ${hello.capabilities}`);
            assert.equal(hello.capabilities.includes('float16array'), rt.name === 'node' ? typeof globalThis.Float16Array === 'function' : hello.capabilities.includes('float16array'));
            if (rt.name !== 'deno')
                assert.ok(!hello.capabilities.includes('image-bitmap'), 'no ImageBitmap in this runtime');
        });

        test('-0 and NaN survive in Number wrappers, -Infinity as a value', async () => {
            const [o] = await a.run(scenario([
                { kind: 'Array', arrayLength: 3, props: [{ key: '0', value: { ref: 1 } }, { key: '1', value: { ref: 2 } }, { key: '2', value: num('-Infinity') }] },
                { kind: 'Number', primitive: num('-0') },
                { kind: 'Number', primitive: num('NaN') },
            ]));
            assert.equal(o.threw, false);
            const [arr, n1, n2] = o.result.nodes;
            assert.deepEqual(arr.props.map(p => p.value), [{ ref: 1 }, { ref: 2 }, num('-Infinity')]);
            assert.deepEqual(n1, { kind: 'Number', primitive: num('-0') });
            assert.deepEqual(n2, { kind: 'Number', primitive: num('NaN') });
        });

        test('a cycle and a shared reference come back with the same sharing', async () => {
            const o = await a.one(plainObject);
            assert.equal(o.threw, false);
            assert.deepEqual(o.result, {
                root: { ref: 0 },
                nodes: [
                    { kind: 'Object', props: [{ key: 'a', value: 1 }, { key: 'b', value: { ref: 1 } }, { key: 'c', value: { ref: 1 } }, { key: 'z', value: num('-0') }] },
                    { kind: 'Array', arrayLength: 2, props: [{ key: '0', value: 'x' }, { key: '1', value: { ref: 0 } }] },
                ],
            });
            assert.deepEqual(o.getterCalls, []);
            assert.deepEqual(o.transferables, []);
        });

        test('a lone surrogate survives as UTF-16 code units, in values and keys', async () => {
            const lone = { t: 'string', u16: [120, 0xD800, 121] };
            const o = await a.one(scenario([{ kind: 'Object', props: [{ key: lone, value: lone }, { key: 'w', value: '\u{1F600}' }] }]));
            assert.deepEqual(o.result.nodes[0].props, [{ key: lone, value: lone }, { key: 'w', value: '\u{1F600}' }]);
            const r = await a.one(scenario([], { root: { t: 'string', u16: [0xDC00] } }));
            assert.deepEqual(r.result, { root: { t: 'string', u16: [0xDC00] }, nodes: [] });
        });

        test('a Symbol throws a DataCloneError DOMException', async () => {
            const o = await a.one(scenario([{ kind: 'Object', props: [{ key: 's', value: { ref: 1 } }] }, { kind: 'Symbol', description: 'x' }]));
            assert.deepEqual(o, { threw: true, error: { name: 'DataCloneError', domException: true }, transferables: [], getterCalls: [] });
        });

        test('a transferred ArrayBuffer is detached afterwards', async () => {
            const o = await a.one(scenario([{ kind: 'Object', props: [{ key: 'b', value: { ref: 1 } }] }, { kind: 'ArrayBuffer', byteLength: 3, bytes: '0a0b0c' }], { transfer: [{ ref: 1 }] }));
            assert.equal(o.threw, false);
            assert.deepEqual(o.result.nodes[1], { kind: 'ArrayBuffer', byteLength: 3, bytes: '0a0b0c' });
            assert.deepEqual(o.transferables, [{ node: 1, detached: true, byteLength: 0 }]);
        });

        test('a duplicate in the transfer list is a DataCloneError (Deno: known deviation in structuredClone)', async () => {
            const dup = mode => scenario([{ kind: 'ArrayBuffer', byteLength: 1, bytes: '01' }], { transfer: [{ ref: 0 }, { ref: 0 }], mode });
            const [viaClone, viaChannel] = await a.run(dup('structuredClone'), dup('messageChannel'));
            const rejected = { threw: true, error: { name: 'DataCloneError', domException: true }, transferables: [{ node: 0, detached: false, byteLength: 1 }], getterCalls: [] };
            if (rt.name === 'deno') // Deno 2.9: structuredClone accepts the duplicate and transfers once
                assert.deepEqual(viaClone.transferables, [{ node: 0, detached: true, byteLength: 0 }]);
            else
                assert.deepEqual(viaClone, rejected);
            assert.deepEqual(viaChannel, rejected);
        });

        test('a getter is logged, its delete effect is observed, later keys are read', async () => {
            const o = await a.one(scenario([{ kind: 'Object', props: [
                { key: 'a', getter: { label: 5, effects: [{ kind: 'delete', target: 0, key: 'b' }], throws: false, result: 'A' } },
                { key: 'b', getter: { label: 6, effects: [], throws: false, result: 'B' } },
                { key: 'c', value: 'C' },
            ] }]));
            assert.equal(o.threw, false);
            assert.deepEqual(o.getterCalls, [5]);
            assert.deepEqual(o.result.nodes[0].props, [{ key: 'a', value: 'A' }, { key: 'c', value: 'C' }]);
        });

        test('a value a getter throws is a "user value"', async () => {
            const o = await a.one(scenario([{ kind: 'Object', props: [{ key: 'x', getter: { label: 1, effects: [], throws: true, result: num('-0') } }] }]));
            assert.deepEqual(o, { threw: true, error: { name: 'user value' }, thrownValue: num('-0'), transferables: [], getterCalls: [1] });
        });

        test('messageChannel mode gives what structuredClone gives for plain data', async () => {
            const [viaClone, viaChannel] = await a.run(plainObject, { ...plainObject, mode: 'messageChannel' });
            assert.deepEqual(viaChannel, viaClone);
        });

        test('transferred MessagePorts are recognised by their partner, whatever the order', async () => {
            const ports = mode => scenario([
                { kind: 'Array', arrayLength: 2, props: [{ key: '0', value: { ref: 1 } }, { key: '1', value: { ref: 2 } }] },
                { kind: 'MessagePort', portId: 11 },
                { kind: 'MessagePort', portId: 12 },
            ], { transfer: [{ ref: 2 }, { ref: 1 }], mode });
            for (const o of await a.run(ports('structuredClone'), ports('messageChannel'))) {
                assert.equal(o.threw, false);
                assert.deepEqual(o.result.nodes.slice(1).map(n => [n.kind, n.portId]), [['MessagePort', 11], ['MessagePort', 12]]);
            }
        });

        test('length-tracking views and resizable buffers are told apart from fixed ones', async () => {
            const o = await a.one(scenario([
                { kind: 'Array', arrayLength: 2, props: [{ key: '0', value: { ref: 1 } }, { key: '1', value: { ref: 2 } }] },
                { kind: 'TypedArray', buffer: 3, viewType: 'Uint16Array', byteOffset: 2, length: null },
                { kind: 'TypedArray', buffer: 3, viewType: 'Uint16Array', byteOffset: 2, length: 1 },
                { kind: 'ArrayBuffer', byteLength: 6, maxByteLength: 10, bytes: '010203040506' },
            ]));
            assert.equal(o.threw, false);
            assert.deepEqual(o.result.nodes.slice(1), [
                { kind: 'TypedArray', buffer: 3, viewType: 'Uint16Array', byteOffset: 2, length: null },
                { kind: 'TypedArray', buffer: 3, viewType: 'Uint16Array', byteOffset: 2, length: 1 },
                { kind: 'ArrayBuffer', byteLength: 6, bytes: '010203040506', maxByteLength: 10 },
            ]);
        });

        test('%Object.prototype% is restored after a Scenario that changes it', async () => {
            const [first, second] = await a.run(
                scenario([
                    { kind: 'Object', props: [{ key: 'a', getter: { label: 1, effects: [{ kind: 'define', target: 1, key: 'kind', value: 'polluted' }], throws: false, result: 1 } }] },
                    { kind: 'Object.prototype', props: [{ key: 'then', getter: { label: 2, effects: [], throws: false, result: 2 } }] },
                ]),
                plainObject);
            assert.equal(first.threw, false);
            assert.deepEqual(first.getterCalls, [1]);
            assert.deepEqual(second, await a.one(plainObject));
            assert.deepEqual(second.getterCalls, []);
        });

        test('a batch gives each Scenario the Observation it gets alone, whatever runs around it', async () => {
            // messageChannel Scenarios overlap their waits; structuredClone ones run in between;
            // one that changes %Object.prototype% and one with ports run alone. No Errors here:
            // their stacks name the adapter's functions, which differ between the two paths.
            const pollute = scenario([
                { kind: 'Object', props: [{ key: 'a', getter: { label: 1, effects: [{ kind: 'define', target: 1, key: '0', value: 'polluted' }], throws: false, result: 1 } }] },
                { kind: 'Object.prototype', props: [{ key: 'then', getter: { label: 2, effects: [], throws: false, result: 2 } }] },
            ]);
            const withPort = scenario([
                { kind: 'Array', arrayLength: 1, props: [{ key: '0', value: { ref: 1 } }] },
                { kind: 'MessagePort', portId: 5 },
            ], { transfer: [{ ref: 1 }], mode: 'messageChannel' });
            const getters = scenario([
                { kind: 'Object', props: [
                    { key: 'g', getter: { label: 3, effects: [{ kind: 'delete', target: 0, key: 'h' }], throws: false, result: { ref: 1 } } },
                    { key: 'h', value: 1 },
                    { key: '__proto__', value: { ref: 1 } },
                    { symbol: 2, value: 'sym', enumerable: false },
                ] },
                { kind: 'Array', arrayLength: 1000, props: [{ key: '7', value: true }, { key: 'x', value: num('NaN') }] },
                { kind: 'Symbol', description: 'd' },
            ], { root: { ref: 0 }, mode: 'messageChannel' });
            const throwing = scenario([
                { kind: 'Object', props: [{ key: 'g', getter: { label: 4, effects: [], throws: true, result: 'boom' } }] },
            ], { mode: 'messageChannel' });
            const mc = s => ({ ...s, mode: 'messageChannel' });
            const batch = [mc(plainObject), plainObject, getters, mc(plainObject), throwing, pollute, mc(plainObject), withPort,
                getters, plainObject, mc(pollute), getters];
            const together = await a.run(...batch);
            const alone = [];
            for (const s of batch)
                alone.push(await a.one(s));
            assert.deepEqual(together, alone);
            assert.deepEqual(together[2].getterCalls, [3]);
            assert.deepEqual(together[4].error, { name: 'user value' });
            assert.deepEqual(together[7].result.nodes[1].portId, 5);
            const own = together[2].result.nodes[0].props.map(p => p.key ?? `@${p.symbol}`);
            assert.deepEqual(own, ['g', '__proto__'], 'h was deleted; a non-enumerable symbol-keyed property is not cloned');
        });

        test('lines end at \\n, \\r\\n or a lone \\r, and may come in pieces', async () => {
            const line = JSON.stringify({ pmconf: 'run', id: 900, scenarios: [plainObject] });
            const half = Math.floor(line.length / 2);
            a.proc.stdin.write(`${line.replace('900', '901')}\r\n${line.replace('900', '902')}\r`);
            a.proc.stdin.write(`${line.slice(0, half)}`);
            await new Promise(resolve => setTimeout(resolve, 50));
            a.proc.stdin.write(`${line.slice(half)}\n`);
            const replies = [await a.line(), await a.line(), await a.line()];
            assert.deepEqual(replies.map(r => [r.pmconf, r.id]), [['observations', 901], ['observations', 902], ['observations', 900]]);
            assert.deepEqual(replies[0].observations, replies[2].observations);
        });

        test('a Scenario that cannot be built fails its batch, also among overlapped ones, and the adapter goes on', async () => {
            const mc = { ...plainObject, mode: 'messageChannel' };
            const reply = await a.request({ pmconf: 'run', id: 950, scenarios: [mc, mc, scenario([{ kind: 'Date', date: num('-0') }]), mc] });
            assert.equal(reply.pmconf, 'error');
            assert.equal(reply.id, 950);
            assert.match(reply.message, /^scenario 2: node 0 \(Date\): cannot build/);
            assert.deepEqual(await a.one(mc), await a.one(plainObject));
        });

        test('a malformed line or Scenario gets an error reply and the adapter keeps answering', async () => {
            const bad = await a.send('this is not JSON');
            assert.equal(bad.pmconf, 'error');
            assert.equal(bad.id, null);
            const unknown = await a.request({ pmconf: 'frobnicate', id: 41 });
            assert.deepEqual([unknown.pmconf, unknown.id], ['error', 41]);
            const badScenario = await a.request({ pmconf: 'run', id: 42, scenarios: [plainObject, scenario([{ kind: 'Nonsense' }])] });
            assert.equal(badScenario.pmconf, 'error');
            assert.equal(badScenario.id, 42);
            assert.match(badScenario.message, /scenario 1: node 0: unknown kind/);
            const unbuildable = await a.request({ pmconf: 'run', id: 43, scenarios: [scenario([{ kind: 'Date', date: num('-0') }])] });
            assert.equal(unbuildable.pmconf, 'error');
            assert.match(unbuildable.message, /cannot build/);
            assert.equal((await a.one(plainObject)).threw, false);
        });
    });
}

describe('polyfills under node', () => {
    for (const [impl, pkg] of [['ungap', '@ungap/structured-clone'], ['core-js', 'core-js']]) {
        test(`${impl}: hello, a clone that is not the runtime's, no message-channel`, { skip: !hasPackage(pkg) && `${pkg} is not installed` }, async () => {
            const a = new Adapter([process.execPath, adapter, '--impl', impl]);
            try {
                const hello = await a.line();
                assert.equal(hello.implementation, impl);
                assert.equal(hello.version, JSON.parse(readFileSync(`${adapterDir}node_modules/${pkg}/package.json`, 'utf8')).version);
                assert.ok(hello.capabilities.includes('structured-clone'));
                assert.ok(!hello.capabilities.includes('message-channel'));
                assert.ok(!hello.capabilities.includes('message-port'));
                // Operation sequences are messaging, not structuredClone: never a polyfill's.
                assert.ok(!hello.capabilities.includes('message-ports'));
                assert.ok(!hello.capabilities.includes('broadcast-channel'));
                const o = await a.one(plainObject);
                assert.equal(o.threw, false);
                assert.equal(o.result.nodes.length, 2);
                // Node's own structuredClone rejects a WeakMap; ungap's serializer turns it into
                // a plain object: proof that the polyfill, not the runtime, ran.
                if (impl === 'ungap')
                    assert.equal((await a.one(scenario([{ kind: 'WeakMap' }]))).threw, false);
            } finally {
                assert.equal((await a.close()).code, 0);
            }
        });
    }
});

test('end of stdin ends the adapter with status 0', async () => {
    const a = new Adapter([process.execPath, adapter]);
    await a.line();
    a.proc.stdin.end();
    assert.deepEqual(await a.exited, { code: 0, signal: null });
});

test('bun: a huge sparse Array gets a note on stderr before the clone that would take minutes', { skip: !existsSync(bin('bun')) && 'bun is not installed' }, async () => {
    const a = new Adapter([bin('bun'), adapter]);
    try {
        await a.line();
        a.proc.stdin.write(`${JSON.stringify({ pmconf: 'run', id: 1, scenarios: [scenario([{ kind: 'Array', arrayLength: 4294967295 }])] })}\n`);
        for (let waited = 0; !a.stderr.includes('\n') && waited < 10000; waited += 50)
            await new Promise(resolve => setTimeout(resolve, 50));
        assert.match(a.stderr, /^pmconf-adapter: request 1, scenario 0: node 0 is an Array of length 4294967295; bun's structuredClone visits every index/);
    } finally {
        a.proc.kill('SIGKILL');
        await a.exited;
    }
});
