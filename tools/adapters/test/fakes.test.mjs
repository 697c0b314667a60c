// Tests that each fake IUT (fakes/fake-iut.mjs) misbehaves exactly as documented, so that
// pmconf's own tests can rely on it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const fake = fileURLToPath(new URL('fakes/fake-iut.mjs', import.meta.url));
const good = { threw: true, error: { name: 'DataCloneError', domException: true }, transferables: [], getterCalls: [] };
const run = (id, n = 2) => JSON.stringify({ pmconf: 'run', id, scenarios: Array.from({ length: n }, () => ({})) });

// Starts a fake, sends `lines`, and collects stdout until it exits or `ms` pass (then kills it).
function session(args, lines, { ms = 3000, stopAfterBytes = Infinity } = {}) {
    return new Promise(resolve => {
        const p = spawn(process.execPath, [fake, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
        const out = [];
        let outBytes = 0;
        let newlines = 0;
        let stderrBytes = 0;
        let stderrHead = '';
        let timedOut = false;
        p.stdout.on('data', d => {
            outBytes += d.length;
            for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1))
                ++newlines;
            if (outBytes <= 1 << 20)
                out.push(d);
            if (outBytes >= stopAfterBytes)
                p.kill();
        });
        p.stderr.on('data', d => {
            stderrBytes += d.length;
            if (stderrHead.length < 100)
                stderrHead += d;
        });
        const timer = setTimeout(() => { timedOut = true; p.kill(); }, ms);
        p.on('exit', (code, signal) => {
            clearTimeout(timer);
            const text = Buffer.concat(out).toString();
            resolve({ code, signal, timedOut, text, lines: text.split('\n'), outBytes, newlines, stderrBytes, stderrHead });
        });
        for (const l of lines)
            p.stdin.write(`${l}\n`);
        if (!lines.includes('HOLD'))
            p.stdin.end();
    });
}

const parse = l => JSON.parse(l);

test('good: hello, then one fixed Observation per Scenario, then exit 0 at the end of stdin', async () => {
    const r = await session(['good'], [run(1, 3), run(2, 0), '{"pmconf":"bye"}']);
    assert.equal(r.code, 0);
    const [hello, a, b] = r.lines.map(l => l && parse(l));
    assert.equal(hello.pmconf, 'hello');
    assert.equal(hello.protocol, 1);
    assert.deepEqual(a, { pmconf: 'observations', id: 1, observations: [good, good, good] });
    assert.deepEqual(b, { pmconf: 'observations', id: 2, observations: [] });
});

test('crash: answers N-1 requests, then stderr and exit 7', async () => {
    const r = await session(['crash', '2'], [run(1), run(2), run(3)]);
    assert.equal(r.code, 7);
    assert.equal(r.lines.filter(Boolean).length, 2);
    assert.match(r.stderrHead, /^fake: crashing now/);
});

test('hang: never answers the N-th request and stays alive', async () => {
    const r = await session(['hang', '1'], [run(1), run(2)], { ms: 1000 });
    assert.ok(r.timedOut);
    assert.equal(r.lines.filter(Boolean).length, 1);
});

test('garbage: a line that is not JSON instead of the N-th reply, then good again', async () => {
    const r = await session(['garbage', '2'], [run(1), run(2), run(3)]);
    assert.equal(r.code, 0);
    assert.deepEqual(parse(r.lines[1]).id, 1);
    assert.throws(() => parse(r.lines[2]));
    assert.deepEqual(parse(r.lines[3]).id, 3);
});

test('truncated: half a reply without a newline, then exit 0', async () => {
    const r = await session(['truncated'], [run(1), run(2)]);
    assert.equal(r.code, 0);
    assert.equal(r.newlines, 1);
    assert.match(r.lines[1], /^\{"pmconf":"observations","id":1,/);
    assert.throws(() => parse(r.lines[1]));
});

test('wrong-version: hello says protocol 2', async () => {
    const r = await session(['wrong-version'], [run(1)]);
    assert.equal(parse(r.lines[0]).protocol, 2);
    assert.equal(parse(r.lines[1]).id, 1);
});

test('no-hello: nothing at all, and alive', async () => {
    const r = await session(['no-hello'], [run(1)], { ms: 1000 });
    assert.ok(r.timedOut);
    assert.equal(r.outBytes, 0);
});

test('huge: a 200 MiB reply with no newline', async () => {
    const r = await session(['huge'], [run(1), 'HOLD'], { ms: 20000, stopAfterBytes: 200 * 1024 * 1024 });
    assert.ok(!r.timedOut, 'the 200 MiB arrived in time');
    assert.ok(r.outBytes >= 200 * 1024 * 1024);
    assert.equal(r.newlines, 1, 'only the hello line ends');
});

test('stderr-spam: 10 MiB of stderr per request, correct replies', async () => {
    const r = await session(['stderr-spam'], [run(1), run(2)], { ms: 10000 });
    assert.equal(r.code, 0);
    assert.equal(r.stderrBytes, 2 * 10 * 1024 * 1024);
    assert.deepEqual(r.lines.slice(1, 3).map(l => parse(l).observations.length), [2, 2]);
});

test('wrong-count and wrong-id on the N-th reply', async () => {
    const c = await session(['wrong-count', '2'], [run(1, 2), run(2, 2)]);
    assert.deepEqual(c.lines.slice(1, 3).map(l => parse(l).observations.length), [2, 1]);
    const i = await session(['wrong-id'], [run(5), run(6)]);
    assert.deepEqual(i.lines.slice(1, 3).map(l => parse(l).id), [1005, 6]);
});

test('an unknown mode is a usage error', async () => {
    const r = await session(['frobnicate'], []);
    assert.equal(r.code, 2);
});
