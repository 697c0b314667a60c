// A fake IUT for testing how pmconf copes with a misbehaving implementation: speaks protocol v1
// (docs/protocol.md) on stdin/stdout and misbehaves in one way, chosen by argv. No dependencies.
//
//   node tools/adapters/test/fakes/fake-iut.mjs MODE [N]
//
// N (default 1) counts `run` requests from 1. Until the N-th one the fake answers like `good`.
//
//   good           answers every Scenario with the same valid Observation:
//                  {"threw":true,"error":{"name":"DataCloneError","domException":true},"transferables":[],"getterCalls":[]}
//   crash          writes "fake: crashing now" to stderr and exits with status 7 on the N-th run
//   hang           never answers the N-th run (nor anything after it); stays alive
//   garbage        writes a line that is not JSON instead of the N-th reply, then goes on
//   truncated      writes the first half of the N-th reply (no newline) and exits with status 0
//   wrong-version  says "protocol":2 in its hello, then answers like good
//   no-hello       writes nothing at all and stays alive
//   huge           writes one 200 MiB line with no newline instead of the N-th reply; stays alive
//   stderr-spam    writes 10 MiB to stderr on every run request (waiting until it is taken),
//                  then answers correctly
//   wrong-count    the N-th reply has one Observation fewer than there are Scenarios
//   wrong-id       the N-th reply carries the request's id + 1000
//   crash-on-date  exits with status 7 on any run request with a Scenario that holds a Date
//                  (a crash one Scenario causes: pmconf pins it to that Scenario and shrinks it)
//   hang-on-date   never answers a run request with a Scenario that holds a Date (nor anything
//                  after it); stays alive
//
// Every mode exits with status 0 on {"pmconf":"bye"} or at the end of stdin (unless it is hanging).
import readline from 'node:readline';

// `node --test tools/adapters/test/` runs every .mjs file under test/, this one included, with no
// arguments: there is nothing to test here.
if (process.argv.length <= 2 && process.env.NODE_TEST_CONTEXT)
    process.exit(0);
const [mode = 'good', nArg = '1'] = process.argv.slice(2);
const N = Number(nArg);
const modes = ['good', 'crash', 'hang', 'garbage', 'truncated', 'wrong-version', 'no-hello', 'huge', 'stderr-spam', 'wrong-count', 'wrong-id', 'crash-on-date', 'hang-on-date'];
if (!modes.includes(mode) || !Number.isInteger(N) || N < 1) {
    process.stderr.write(`usage: fake-iut.mjs ${modes.join('|')} [N >= 1]\n`);
    process.exit(2);
}
const observation = { threw: true, error: { name: 'DataCloneError', domException: true }, transferables: [], getterCalls: [] };
const capabilities = ['structured-clone', 'message-channel', 'shared-array-buffer', 'growable-shared-array-buffer',
    'resizable-array-buffer', 'float16array', 'message-port', 'dom-exception', 'image-bitmap', 'weak-ref', 'detach-key'];
const write = (stream, text) => new Promise(resolve => stream.write(text, resolve));
const stayAlive = () => { setInterval(() => { }, 1 << 30); return new Promise(() => { }); };

if (mode === 'no-hello')
    await stayAlive();
await write(process.stdout, `${JSON.stringify({ pmconf: 'hello', protocol: mode === 'wrong-version' ? 2 : 1, implementation: `fake-${mode}`, version: '0', capabilities })}\n`);

let runs = 0;
for await (const line of readline.createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    let msg;
    try {
        msg = JSON.parse(line);
    } catch {
        continue;
    }
    if (msg.pmconf === 'bye')
        break;
    if (msg.pmconf !== 'run')
        continue;
    const now = ++runs === N;
    const count = Array.isArray(msg.scenarios) ? msg.scenarios.length : 0;
    const reply = { pmconf: 'observations', id: msg.id, observations: Array.from({ length: count }, () => observation) };
    if (mode === 'stderr-spam')
        await write(process.stderr, 'fake: spam '.repeat(10 * 1024 * 1024 / 11 + 1).slice(0, 10 * 1024 * 1024));
    if (mode === 'crash-on-date' && (msg.scenarios ?? []).some(sc => (sc?.graph?.nodes ?? []).some(n => n?.kind === 'Date'))) {
        await write(process.stderr, 'fake: a Date, crashing\n');
        process.exit(7);
    }
    if (mode === 'hang-on-date' && (msg.scenarios ?? []).some(sc => (sc?.graph?.nodes ?? []).some(n => n?.kind === 'Date')))
        await stayAlive();
    if (now && mode === 'crash') {
        await write(process.stderr, 'fake: crashing now\n');
        process.exit(7);
    }
    if (now && mode === 'hang')
        await stayAlive();
    if (now && mode === 'garbage') {
        await write(process.stdout, 'fake: this line is not JSON\n');
        continue;
    }
    if (now && mode === 'truncated') {
        const text = JSON.stringify(reply);
        await write(process.stdout, text.slice(0, text.length >> 1));
        process.exit(0);
    }
    if (now && mode === 'huge') {
        const chunk = 'x'.repeat(1 << 20);
        await write(process.stdout, `{"pmconf":"observations","id":${JSON.stringify(msg.id)},"observations":["`);
        for (let i = 0; i < 200; ++i)
            await write(process.stdout, chunk);
        await stayAlive();
    }
    if (now && mode === 'wrong-count')
        reply.observations.pop();
    if (now && mode === 'wrong-id')
        reply.id = typeof msg.id === 'number' ? msg.id + 1000 : 1000;
    await write(process.stdout, `${JSON.stringify(reply)}\n`);
}
process.exit(0);
