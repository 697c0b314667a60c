// lib/core.mjs's MessageChannel pool (runParsedScenarios with reuseChannels), in this process:
// pooled channels give every Scenario the Observation a channel of its own gives, a channel is
// reused only once its message has arrived (or its post threw), and one whose message is still
// on its way when its batch fails is closed, never reused.
import assert from 'node:assert/strict';
import { test, after } from 'node:test';
import { fileURLToPath } from 'node:url';

// Count the MessageChannels core.mjs makes: it captures the global when it is evaluated.
let made = 0;
const NativeChannel = globalThis.MessageChannel;
globalThis.MessageChannel = class CountedChannel extends NativeChannel {
    constructor() {
        super();
        ++made;
    }
};
const core = await import('../lib/core.mjs');
globalThis.MessageChannel = NativeChannel;
await core.setImplementation('native', { adaptersDir: fileURLToPath(new URL('..', import.meta.url)) });
after(() => core.closeChannelPool());

const scenario = (nodes, { root = { ref: 0 }, transfer = [], mode = 'messageChannel' } = {}) =>
    core.parseScenario({ graph: { root, nodes }, transfer, mode }, '');
const text = i => scenario([{ kind: 'Array', arrayLength: 1, props: [{ key: '0', value: `message ${i}` }] }]);
const symbol = scenario([{ kind: 'Array', arrayLength: 1, props: [{ key: '0', value: { ref: 1 } }] }, { kind: 'Symbol', description: 's' }]);
const buffer = i => scenario([{ kind: 'ArrayBuffer', byteLength: 2, bytes: `0${i}0${i + 1}` }], { transfer: [{ ref: 0 }] });
const unbuildable = scenario([{ kind: 'Date', date: { t: 'number', v: '-0' } }], { mode: 'structuredClone' });

const fresh = async batch => core.runParsedScenarios(batch);
const pooled = async batch => core.runParsedScenarios(batch, { reuseChannels: true });
const payload = obs => obs.result && obs.result.nodes[0].props[0].value;

test('a pooled channel carries one message at a time: each Scenario gets its own message', async () => {
    const batch = Array.from({ length: 40 }, (_, i) => text(i));
    const expected = await fresh(batch);
    assert.deepEqual(expected.map(payload), batch.map((_, i) => `message ${i}`));

    made = 0;
    assert.deepEqual(await pooled(batch), expected);
    assert.equal(made, 40, 'the first pooled batch makes one channel per message in flight');
    made = 0;
    assert.deepEqual(await pooled(batch), expected);
    assert.equal(made, 0, 'the next batch reuses them all');
});

test('a post that throws frees its channel; transfers and throws land on the right Scenario', async () => {
    const batch = [text(0), symbol, buffer(1), text(2), symbol, buffer(3), text(4)];
    const expected = await fresh(batch);
    assert.equal(expected[1].error.name, 'DataCloneError');
    assert.deepEqual(expected[2].transferables, [{ node: 0, detached: true, byteLength: 0 }]);
    made = 0;
    assert.deepEqual(await pooled(batch), expected);
    assert.equal(made, 0);
});

test('a batch that fails closes the channels whose messages are still on their way', async () => {
    made = 0;
    await assert.rejects(pooled([text(0), text(1), unbuildable, text(3)]), /cannot build/);
    // Both posted messages were still in flight: their channels are closed, not pooled, so the
    // next batch of 40 needs two new channels, and gets the right messages.
    const batch = Array.from({ length: 40 }, (_, i) => text(i));
    const observations = await pooled(batch);
    assert.equal(made, 2);
    assert.deepEqual(observations.map(payload), batch.map((_, i) => `message ${i}`));
});
