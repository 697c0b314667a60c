// Operation sequences (mode `operations`, docs/protocol.md "Operation sequences (messaging)") run
// by pmconf-adapter.mjs under each runtime. What is asserted is what the adapter must do (names,
// outcomes, skipped operations, errors, clean-up, time); where a runtime differs from the spec
// (model/html/web_messaging/messaging.cpp) the test says so and expects the runtime's behaviour,
// which pmconf reports as a deviation.
import assert from 'node:assert/strict';
import { describe, test, before, after } from 'node:test';

import { Adapter, adapter, hasPackage, runtimes } from './adapter_process.mjs';

const sequence = (...operations) => ({ mode: 'operations', operations });
const newChannel = label => ({ op: 'newChannel', label, agent: 'windowA' });
const post = (label, port, { transfer = [], overload = 'options', message = {} } = {}) =>
    ({ op: 'portPost', label, port, transfer, overload, message });
const start = (label, port) => ({ op: 'portStart', label, port });
const setOnmessage = (label, port) => ({ op: 'portSetOnmessage', label, port });
const addListener = (label, port) => ({ op: 'portAddListener', label, port });
const close = (label, port) => ({ op: 'portClose', label, port });
const newBroadcast = (label, name) => ({ op: 'newBroadcastChannel', label, agent: 'windowA', name });
const broadcastPost = (label, channel, message = {}) => ({ op: 'broadcastPost', label, channel, message });
const broadcastClose = (label, channel) => ({ op: 'broadcastClose', label, channel });
const runEventLoops = label => ({ op: 'runEventLoops', label });

const returned = {};
const threw = error => ({ threw: true, error });
const skipped = { skipped: true };
const message = (label, ports = []) => ({ type: 'message', message: label, ports });
// The events at one target, in order, without the target (and without origin: not compared).
const at = (o, target) => o.events.filter(e => JSON.stringify(e.target) === JSON.stringify(target))
    .map(({ target: _, origin: __, ...rest }) => rest);

// A plain structuredClone Scenario, for batches that mix both kinds.
const plainObject = { graph: { root: { ref: 0 }, nodes: [{ kind: 'Object', props: [{ key: 'a', value: 1 }] }] }, transfer: [], mode: 'structuredClone' };

for (const rt of runtimes) {
    describe(`operation sequences under ${rt.name}`, { skip: rt.available === false && `${rt.name} is not installed (npm ci in tools/adapters)` }, () => {
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

        test('hello announces message-ports and broadcast-channel, not the agents or clients it does not have', () => {
            assert.ok(hello.capabilities.includes('message-ports'));
            assert.ok(hello.capabilities.includes('broadcast-channel'));
            assert.ok(!hello.capabilities.includes('messaging-agents'));
            assert.ok(!hello.capabilities.includes('service-worker-clients'));
        });

        test('a port\'s messages reach the other port once it is enabled by start() or onmessage', async () => {
            const [viaStart, viaOnmessage] = await a.run(
                sequence(newChannel(0), post(1, [0, 0]), post(2, [0, 0]), start(3, [0, 1]), runEventLoops(4)),
                sequence(newChannel(0), post(1, [0, 0]), setOnmessage(2, [0, 1]), post(3, [0, 0]), runEventLoops(4)));
            assert.deepEqual(viaStart.outcomes, [returned, returned, returned, returned, returned]);
            assert.deepEqual(at(viaStart, { port: [0, 1] }), [message(1), message(2)]);
            assert.deepEqual(at(viaOnmessage, { port: [0, 1] }), [message(1), message(3)]);
            assert.deepEqual(at(viaStart, { port: [0, 0] }), []);
        });

        test('addEventListener("message") alone: the spec keeps the queue disabled; node and bun start the port', async () => {
            const o = await a.one(sequence(newChannel(0), addListener(1, [0, 1]), post(2, [0, 0]), runEventLoops(3)));
            assert.deepEqual(o.outcomes, [returned, returned, returned, returned]);
            // The adapter's own observers are message listeners too: in Node.js and Bun every
            // port it watches is started (a deviation pmconf reports); Deno follows the spec.
            assert.deepEqual(at(o, { port: [0, 1] }), rt.name === 'deno' ? [] : [message(2)]);
        });

        test('a port with itself in its transfer list throws a DataCloneError (both overloads), and nothing is sent', async () => {
            const o = await a.one(sequence(newChannel(0), start(1, [0, 1]),
                post(2, [0, 0], { transfer: [[0, 0]] }), post(3, [0, 0], { transfer: [[0, 0]], overload: 'sequence' }), runEventLoops(4)));
            assert.deepEqual(o.outcomes, [returned, returned, threw('DataCloneError'), threw('DataCloneError'), returned]);
            assert.deepEqual(at(o, { port: [0, 1] }), []);
        });

        test('a transferred port is received as [label, 0]; later messages arrive there; it cannot be transferred again', async () => {
            const o = await a.one(sequence(
                newChannel(0), newChannel(1), start(2, [0, 1]),
                post(3, [0, 0], { transfer: [[1, 1]], message: { sharedArrayBuffer: true } }),
                runEventLoops(4),
                post(5, [1, 0]), start(6, [3, 0]),
                post(7, [0, 0], { transfer: [[1, 1]], overload: 'sequence' }),
                runEventLoops(8)));
            assert.deepEqual(o.outcomes, [returned, returned, returned, returned, returned, returned, returned, threw('DataCloneError'), returned]);
            assert.deepEqual(at(o, { port: [0, 1] }), [message(3, [[3, 0]])]);
            assert.deepEqual(at(o, { port: [3, 0] }), [message(5)]);
        });

        test('a message with a Symbol throws a DataCloneError', async () => {
            const o = await a.one(sequence(newChannel(0), post(1, [0, 0], { message: { symbol: true } }), start(2, [0, 1]), runEventLoops(3)));
            assert.deepEqual(o.outcomes, [returned, threw('DataCloneError'), returned, returned]);
            assert.deepEqual(at(o, { port: [0, 1] }), []);
        });

        test('a BroadcastChannel delivers to the other channel of its name, not to itself nor to another name', async () => {
            const o = await a.one(sequence(newBroadcast(0, 'a'), newBroadcast(1, 'a'), newBroadcast(2, 'b'),
                broadcastPost(3, 0), runEventLoops(4), broadcastClose(5, 0), broadcastPost(6, 0), runEventLoops(7)));
            assert.deepEqual(o.outcomes, [returned, returned, returned, returned, returned, returned, threw('InvalidStateError'), returned]);
            assert.deepEqual(o.events.map(({ origin: _, ...rest }) => rest), [{ target: { broadcast: 1 }, ...message(3) }]);
        });

        test('an operation that names a port or channel the run does not have is skipped', async () => {
            const o = await a.one(sequence(
                post(0, [0, 0]),                         // its own label: no channel 0
                newChannel(1),
                start(2, [1, 2]),                        // a channel has ports 0 and 1
                post(3, [1, 0], { transfer: [[9, 0]] }), // a transfer list naming no port
                newChannel(4),
                post(5, [1, 0], { transfer: [[4, 1]] }), // [5, 0] exists once this is delivered
                close(6, [5, 0]),                        // ... not yet
                broadcastPost(7, 1),                     // 1 made a MessageChannel
                broadcastClose(8, 9),                    // 9 is made later
                newBroadcast(9, 'a'),
                start(10, [9, 0]),                       // 9 made a BroadcastChannel
                runEventLoops(11)));
            assert.deepEqual(o.outcomes, [skipped, returned, skipped, skipped, returned, returned, skipped, skipped, skipped, returned, skipped, returned]);
        });

        test('labels need not be consecutive; ports are named by them', async () => {
            const o = await a.one(sequence(newChannel(40), setOnmessage(7, [40, 1]), post(1000, [40, 0]), runEventLoops(3)));
            assert.deepEqual(at(o, { port: [40, 1] }), [message(1000)]);
        });

        test('nothing of a Scenario reaches the next one: pending messages, close events, its channels', async () => {
            const [first, second] = await a.run(
                sequence(newChannel(0), start(1, [0, 1]), post(2, [0, 0]), close(3, [0, 0]),
                    newBroadcast(4, 'a'), newBroadcast(5, 'a'), broadcastPost(6, 4)),
                sequence(newChannel(0), newBroadcast(4, 'a'), newBroadcast(5, 'a'), runEventLoops(1)));
            // No runEventLoops in the first: nothing was dispatched yet, and it never is.
            assert.deepEqual(first.events, []);
            assert.deepEqual(second.events, []);
            assert.deepEqual(second.outcomes, [returned, returned, returned, returned]);
        });

        test('a batch mixing operation sequences and clone Scenarios gives each the Observation it gets alone', async () => {
            const one = sequence(newChannel(0), post(1, [0, 0]), start(2, [0, 1]), runEventLoops(3), post(4, [0, 1]), start(5, [0, 0]), runEventLoops(6));
            const two = sequence(newBroadcast(0, 'a'), newBroadcast(1, 'a'), broadcastPost(2, 1), runEventLoops(3));
            const batch = [plainObject, one, { ...plainObject, mode: 'messageChannel' }, two, plainObject, one];
            const together = await a.run(...batch);
            const alone = [];
            for (const s of batch)
                alone.push(await a.one(s));
            assert.deepEqual(together, alone);
            assert.deepEqual(at(together[1], { port: [0, 1] }), [message(1)]);
            assert.deepEqual(at(together[1], { port: [0, 0] }), [message(4)]);
            assert.deepEqual(at(together[3], { broadcast: 0 }), [message(2)]);
            assert.equal(together[0].threw, false);
        });

        test('many runEventLoops stay within the Scenario\'s time budget', async () => {
            const ops = [newChannel(0), start(1, [0, 1])];
            for (let i = 2; i < 400; ++i)
                ops.push(i % 2 ? runEventLoops(i) : post(i, [0, 0]));
            const started = Date.now();
            const o = await a.one(sequence(...ops));
            assert.ok(Date.now() - started < 2500, `${Date.now() - started} ms`);
            assert.equal(o.outcomes.length, ops.length);
            assert.deepEqual(at(o, { port: [0, 1] }).map(e => e.message), ops.filter(op => op.op === 'portPost').map(op => op.label));
        });

        test('malformed operations, and operations no runtime can run, fail the batch with the Scenario and operation named', async () => {
            const cases = [
                [{ mode: 'operations' }, /^scenario 0: operations: not an array/],
                [sequence({ op: 'frobnicate', label: 0 }), /^scenario 0: operation 0: unknown op "frobnicate"/],
                [sequence(newChannel(0), { op: 'portStart', port: [0, 0] }), /^scenario 0: operation 1 \(portStart\): no label/],
                [sequence(newChannel(0), { op: 'portPost', label: 1, port: [0, 0], transfer: [], overload: 'options' }), /^scenario 0: operation 1 \(portPost\): no message/],
                [sequence(newChannel(0), start(1, [0])), /^scenario 0: operation 1 \(portStart\)\.port: expected a port \[label, index\]/],
                [sequence(newChannel(0), post(1, [0, 0], { transfer: [[0, -1]] })), /^scenario 0: operation 1 \(portPost\)\.transfer\[0\]: expected a port/],
                [sequence(newChannel(0), post(1, [0, 0], { overload: 'both' })), /^scenario 0: operation 1 \(portPost\)\.overload: expected "options" or "sequence"/],
                [sequence(newChannel(0), post(1, [0, 0], { message: { symbol: 1 } })), /^scenario 0: operation 1 \(portPost\)\.message\.symbol: expected a boolean/],
                [sequence(newBroadcast(0, 0)), /^scenario 0: operation 0 \(newBroadcastChannel\)\.name: expected a string/],
                [sequence(newChannel(0), { op: 'newChannel', label: 1, agent: 'windowZ' }), /^scenario 0: operation 1 \(newChannel\)\.agent: expected one of windowA/],
                [sequence(newChannel(0), runEventLoops(1.5)), /^scenario 0: operation 1 \(runEventLoops\)\.label: expected an integer/],
                [sequence(newChannel(3), newChannel(1), runEventLoops(3)), /^scenario 0: operation 2 \(runEventLoops\): label 3 is already operation 0's/],
                // Well-formed, but not for a runtime: pmconf sends them only to IUTs announcing
                // messaging-agents / service-worker-clients.
                [sequence(newChannel(0), { op: 'newChannel', label: 1, agent: 'serviceWorker' }), /^scenario 0: operation 1 \(newChannel\): agent serviceWorker: \w+ has one agent, windowA/],
                [sequence({ op: 'containerStartMessages', label: 0, client: 1 }), /^scenario 0: operation 0 \(containerStartMessages\): \w+ has no service worker clients/],
                [sequence({ op: 'clientPost', label: 0, client: 0, transfer: [], overload: 'options', message: {} }), /has no service worker clients/],
            ];
            for (const [s, pattern] of cases) {
                const reply = await a.request({ pmconf: 'run', id: 77, scenarios: [s] });
                assert.equal(reply.pmconf, 'error', JSON.stringify(s));
                assert.match(reply.message, pattern);
            }
            // Nothing of a sequence runs when one of its operations cannot: the batch fails first.
            const reply = await a.request({ pmconf: 'run', id: 78, scenarios: [plainObject, sequence(newChannel(0), { op: 'documentParsed', label: 1, client: 0 })] });
            assert.equal(reply.pmconf, 'error');
            assert.match(reply.message, /^scenario 1: operation 1 \(documentParsed\)/);
            assert.deepEqual((await a.one(sequence(newChannel(0), runEventLoops(1)))).outcomes, [returned, returned]);
        });
    });
}

test('a polyfill IUT runs no operation sequence', { skip: !hasPackage('@ungap/structured-clone') && 'not installed' }, async () => {
    const a = new Adapter([process.execPath, adapter, '--impl', 'ungap']);
    try {
        await a.line();
        const reply = await a.request({ pmconf: 'run', id: 1, scenarios: [sequence(newChannel(0), runEventLoops(1))] });
        assert.equal(reply.pmconf, 'error');
        assert.match(reply.message, /^scenario 0: mode operations is not supported by ungap/);
    } finally {
        assert.equal((await a.close()).code, 0);
    }
});
