// Dedicated workers in operation sequences (newWorker, workerRuns, workerPost, workerGlobalPost;
// docs/protocol.md "Operation sequences (messaging)"), run by pmconf-adapter.mjs under each
// runtime: real Workers in Deno and Bun, driven through lib/core.mjs's blocked command loop.
// Node.js 20 has no web Worker: it announces no dedicated-workers and fails such a batch.
import assert from 'node:assert/strict';
import { describe, test, before, after } from 'node:test';

import { Adapter, runtimes } from './adapter_process.mjs';

const sequence = (...operations) => ({ mode: 'operations', operations });
const newChannel = label => ({ op: 'newChannel', label, agent: 'windowA' });
const portPost = (label, port) => ({ op: 'portPost', label, port, transfer: [], overload: 'options', message: {} });
const portStart = (label, port) => ({ op: 'portStart', label, port });
const newWorker = label => ({ op: 'newWorker', label });
const workerRuns = (label, worker) => ({ op: 'workerRuns', label, worker });
const workerPost = (label, worker, { transfer = [], overload = 'options', message = {} } = {}) =>
    ({ op: 'workerPost', label, worker, transfer, overload, message });
const workerGlobalPost = (label, worker, { transfer = [], overload = 'options', message = {} } = {}) =>
    ({ op: 'workerGlobalPost', label, worker, transfer, overload, message });
const runEventLoops = label => ({ op: 'runEventLoops', label });

const returned = {};
const threw = error => ({ threw: true, error });
const skipped = { skipped: true };
const message = (label, ports = []) => ({ type: 'message', message: label, ports });
const at = (o, target) => o.events.filter(e => JSON.stringify(e.target) === JSON.stringify(target))
    .map(({ target: _, origin: __, ...rest }) => rest);

for (const rt of runtimes.filter(r => r.name !== 'node')) {
    describe(`dedicated workers under ${rt.name}`, { skip: rt.available === false && `${rt.name} is not installed (npm ci in tools/adapters)` }, () => {
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

        test('hello announces dedicated-workers (the probe ran a worker and messages went both ways)', () => {
            assert.ok(hello.capabilities.includes('dedicated-workers'), JSON.stringify(hello));
        });

        test('workerPost after workerRuns reaches the worker\'s global; workerGlobalPost reaches the Worker', async () => {
            const o = await a.one(sequence(newWorker(0), workerRuns(1, 0), workerPost(2, 0),
                workerGlobalPost(3, 0, { overload: 'sequence', message: { sharedArrayBuffer: true } }), runEventLoops(4),
                workerPost(5, 0, { message: { sharedArrayBuffer: true } }), workerGlobalPost(6, 0), runEventLoops(7)));
            assert.deepEqual(o.outcomes, [returned, returned, returned, returned, returned, returned, returned, returned]);
            // A SharedArrayBuffer reaches the worker (one agent cluster): message, not messageerror.
            assert.deepEqual(at(o, { workerGlobal: 0 }), [message(2), message(5)]);
            assert.deepEqual(at(o, { worker: 0 }), [message(3), message(6)]);
            assert.equal(o.events.length, 4);
        });

        test('newWorker with an unparsable URL makes no worker the operations use: a later newWorker makes one that runs', async () => {
            const o = await a.one(sequence({ op: 'newWorker', label: 0, unparsableURL: true }, newWorker(1), workerRuns(2, 1),
                workerRuns(3, 0), workerPost(4, 1), runEventLoops(5)));
            // What the constructor does with the URL is the runtime's (the spec: a SyntaxError); the
            // adapter neither waits for nor names a worker of it.
            assert.ok(o.outcomes[0].threw === true || Object.keys(o.outcomes[0]).length === 0, JSON.stringify(o.outcomes[0]));
            assert.deepEqual(o.outcomes.slice(1), [returned, returned, skipped, returned, returned]);
            assert.deepEqual(at(o, { workerGlobal: 1 }), [message(4)]);
        });

        test('a port transferred to the worker is [L3,0] there; transferred back with workerGlobalPost it is [L4,0] and works', async () => {
            const o = await a.one(sequence(newChannel(0), newWorker(1), workerRuns(2, 1),
                workerPost(3, 1, { transfer: [[0, 1]] }), runEventLoops(4),
                workerGlobalPost(5, 1, { transfer: [[3, 0]] }), runEventLoops(6),
                portStart(7, [5, 0]), portPost(8, [0, 0]), runEventLoops(9)));
            assert.deepEqual(o.outcomes, Array(10).fill(returned));
            assert.deepEqual(at(o, { workerGlobal: 1 }), [message(3, [[3, 0]])]);
            assert.deepEqual(at(o, { worker: 1 }), [message(5, [[5, 0]])]);
            assert.deepEqual(at(o, { port: [5, 0] }), [message(8)]);
        });

        test('workerGlobalPost of a Symbol throws a DataCloneError in the worker; a port the worker does not hold is skipped', async () => {
            const o = await a.one(sequence(newWorker(0), workerRuns(1, 0),
                workerGlobalPost(2, 0, { message: { symbol: true } }),
                workerGlobalPost(3, 0, { transfer: [[9, 0]] }),
                workerPost(4, 0, { message: { symbol: true } }), runEventLoops(5)));
            assert.deepEqual(o.outcomes, [returned, returned, threw('DataCloneError'), skipped, threw('DataCloneError'), returned]);
            assert.deepEqual(o.events, []);
        });

        test('what names no worker, or no running worker, is skipped; one worker a sequence', async () => {
            const o = await a.one(sequence(
                workerPost(0, 5),          // no worker yet
                newWorker(5),
                workerGlobalPost(6, 5),    // not running yet
                workerRuns(7, 9),          // no worker 9
                workerPost(8, 9),
                newWorker(9),              // a second worker
                workerRuns(10, 5),
                workerRuns(11, 5),         // already runs
                workerGlobalPost(12, 5), runEventLoops(13)));
            assert.deepEqual(o.outcomes, [skipped, returned, skipped, skipped, skipped, skipped, returned, skipped, returned, returned]);
            assert.deepEqual(o.events.map(({ origin: _, ...e }) => e), [{ target: { worker: 5 }, ...message(12) }]);
        });

        test('messages posted before workerRuns: the spec drops them (no entangled port yet); the runtime queues them', async () => {
            const o = await a.one(sequence(newWorker(0), workerPost(1, 0), workerRuns(2, 0), workerPost(3, 0), runEventLoops(4)));
            assert.deepEqual(o.outcomes, Array(5).fill(returned));
            assert.deepEqual(at(o, { workerGlobal: 0 }), [message(1), message(3)]); // a deviation pmconf reports
        });

        test('the worker\'s event loop does not turn between operations, and nothing of one run reaches the next', async () => {
            const [first, second, third] = await a.run(
                // Posted both ways, never run: nothing is dispatched anywhere.
                sequence(newWorker(0), workerRuns(1, 0), workerPost(2, 0), workerGlobalPost(3, 0)),
                sequence(newWorker(0), workerRuns(1, 0), runEventLoops(2)),
                // Posted before workerRuns, never run at all: never dispatched either.
                sequence(newWorker(0), workerPost(1, 0), runEventLoops(2)));
            assert.deepEqual(first.events, []);
            assert.deepEqual(second.events, []);
            assert.deepEqual(third.events, []);
            assert.deepEqual(second.outcomes, [returned, returned, returned]);
        });

        test('a batch of worker sequences gives each the Observation it gets alone', async () => {
            const one = sequence(newChannel(0), newWorker(1), workerPost(2, 1, { transfer: [[0, 0]] }), workerRuns(3, 1),
                workerGlobalPost(4, 1), runEventLoops(5), portPost(6, [0, 1]), runEventLoops(7));
            const two = sequence(newWorker(0), workerRuns(1, 0), workerGlobalPost(2, 0), workerPost(3, 0), runEventLoops(4));
            const batch = [one, two, one, two, one];
            const together = await a.run(...batch);
            for (let i = 0; i < batch.length; ++i)
                assert.deepEqual(together[i], await a.one(batch[i]), `scenario ${i}`);
            assert.deepEqual(at(together[1], { worker: 0 }), [message(2)]);
            assert.deepEqual(at(together[1], { workerGlobal: 0 }), [message(3)]);
        });
    });
}

test('node announces no dedicated-workers and fails a batch with a worker operation, naming it', async () => {
    const a = new Adapter(runtimes.find(r => r.name === 'node').argv);
    try {
        const hello = await a.line();
        assert.ok(!hello.capabilities.includes('dedicated-workers'));
        assert.ok(hello.capabilities.includes('message-ports'));
        for (const s of [sequence(newWorker(0)), sequence(newChannel(0), workerPost(1, 0)), sequence(runEventLoops(0), workerGlobalPost(1, 0))]) {
            const reply = await a.request({ pmconf: 'run', id: 5, scenarios: [s] });
            assert.equal(reply.pmconf, 'error', JSON.stringify(reply));
            assert.match(reply.message, /^scenario 0: operation \d \((newWorker|workerPost|workerGlobalPost)\): node cannot run dedicated workers/);
        }
        assert.equal((await a.request({ pmconf: 'run', id: 6, scenarios: [sequence({ op: 'workerRuns', label: 0 })] })).pmconf, 'error');
    } finally {
        assert.equal((await a.close()).code, 0);
    }
});
