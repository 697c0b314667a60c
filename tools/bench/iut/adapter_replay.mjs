// The IUT adapter alone: replays a captured protocol trace (the request lines pmconf sent, as
// written by PMCONF_TRACE_PROTOCOL=FILE) through the adapter and reports microseconds per
// Scenario, without pmconf, the model or the comparison in the way.
//
//   node tools/bench/iut/adapter_replay.mjs TRACE [--passes 5] [--out FILE] [-- ARGV...]
//   node tools/bench/iut/adapter_replay.mjs TRACE --in-process [--core FILE] [--passes 5] [--out FILE]
//   node tools/bench/iut/adapter_replay.mjs --diff A B
//
// Run from the repository root. Child-process mode: ARGV is the adapter's command line (default:
// this node running tools/adapters/pmconf-adapter.mjs; e.g. `-- node --cpu-prof
// --cpu-prof-dir=/tmp/prof tools/adapters/pmconf-adapter.mjs` for a CPU profile, or a Deno / Bun
// argv from tools/adapters/iuts.json). Its stdin is a file holding the trace `--passes` times over
// (request ids made unique) and a bye, so that it never waits for this process to refill a pipe;
// a pass is timed from the end of the previous one (the first: from the hello) to its last reply.
// CPU time is the adapter process's (user + system, all its threads, from /proc: 10 ms steps).
//
// `--in-process` does what pmconf-adapter.mjs does with each request (JSON.parse, parseScenario,
// run, JSON.stringify the reply) in this process, with lib/core.mjs or `--core FILE` (an older
// core.mjs with only runParsedScenario works too, one Scenario after another, for before/after
// figures). CPU time is this process's. The figures leave out the pipes, which is closer to the
// adapter's own cost on a busy machine; `node --cpu-prof tools/bench/iut/adapter_replay.mjs ...
// --in-process` profiles the core directly.
//
// Prints one line per pass (the first includes JIT warm-up), then the min and median and a JSON
// line with every figure. `--out FILE` writes the replies of the first pass (one line each, each
// reply's id put back to the traced one), so that two adapters' outputs can be diffed:
//
//   node tools/bench/iut/adapter_replay.mjs TRACE --passes 1 --out /tmp/a.jsonl -- node OLD/pmconf-adapter.mjs
//   node tools/bench/iut/adapter_replay.mjs TRACE --passes 1 --out /tmp/b.jsonl
//   node tools/bench/iut/adapter_replay.mjs --diff /tmp/a.jsonl /tmp/b.jsonl
//
// `--diff A B` compares two such files reply by reply, Observation by Observation, ignoring
// Error stacks (the `stack` field and own "stack" properties: they name the adapter's files,
// functions and line numbers); exit status 1 when they differ. Requests that are not `run`
// (`bye`, ...) are skipped. In child-process mode an adapter that exits (Node.js 20 aborts on some
// transfers the traced properties make) is restarted on the next request; its reply is written as
// {"pmconf":"exited","status":...} and the CPU time it had used is not counted (so measure with
// traces that do not crash it, e.g. round-trip-plain-data's).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function usage(message) {
    process.stderr.write(`adapter_replay: ${message}\n`
        + 'usage: adapter_replay.mjs TRACE [--passes N] [--out FILE] [--in-process [--core FILE] | -- ARGV...]\n'
        + '       adapter_replay.mjs --diff A B\n');
    process.exit(2);
}

const argv = process.argv.slice(2);
if (argv[0] === '--diff') {
    if (argv.length !== 3)
        usage('--diff takes two files');
    process.exit(diff(argv[1], argv[2]));
}

let trace;
let passes = 5;
let out;
let inProcess = false;
let corePath = 'tools/adapters/lib/core.mjs';
let cmd = [process.execPath, 'tools/adapters/pmconf-adapter.mjs'];
for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--') {
        cmd = argv.slice(i + 1);
        if (cmd.length === 0)
            usage('an empty argv after --');
        break;
    }
    if (argv[i] === '--passes')
        passes = Number(argv[++i]);
    else if (argv[i] === '--out')
        out = argv[++i];
    else if (argv[i] === '--in-process')
        inProcess = true;
    else if (argv[i] === '--core')
        corePath = argv[++i];
    else if (trace === undefined && !argv[i].startsWith('--'))
        trace = argv[i];
    else
        usage(`unknown argument ${JSON.stringify(argv[i])}`);
}
if (trace === undefined || !(passes >= 1))
    usage('a trace file is needed');

// The run requests of the trace, parsed once (ids are rewritten per pass).
const requests = [];
let scenarios = 0;
for (const line of readFileSync(trace, 'utf8').split('\n')) {
    if (line.trim() === '')
        continue;
    const msg = JSON.parse(line);
    if (msg.pmconf !== 'run')
        continue;
    requests.push({ id: msg.id, body: line, count: msg.scenarios.length });
    scenarios += msg.scenarios.length;
}
if (requests.length === 0)
    usage(`${trace}: no run request`);

// One adapter process: its stdout as lines, its CPU time so far. A crashed adapter (Node.js 20
// aborts on some transfers, by design of the traced properties) is restarted by the pass loop.
class Adapter {
    // `input`: a file whose text is the adapter's whole stdin (read without waiting for this
    // process, which a busy machine may not schedule in time to keep a pipe filled).
    constructor(input) {
        const fd = openSync(input, 'r');
        this.child = spawn(cmd[0], cmd.slice(1), { stdio: [fd, 'pipe', 'pipe'] });
        closeSync(fd);
        this.stderr = ''; // its tail, shown when it exits early
        this.child.stderr.setEncoding('utf8');
        this.child.stderr.on('data', chunk => { this.stderr = (this.stderr + chunk).slice(-4000); });
        this.buffered = '';
        this.lines = [];
        this.waiting = null;
        this.exited = false;
        this.child.stdout.setEncoding('utf8');
        this.child.stdout.on('data', chunk => {
            this.buffered += chunk;
            for (let nl; (nl = this.buffered.indexOf('\n')) >= 0;) {
                this.lines.push(this.buffered.slice(0, nl));
                this.buffered = this.buffered.slice(nl + 1);
            }
            this.wake();
        });
        this.child.on('exit', (code, signal) => {
            this.exited = signal ?? code;
            this.wake();
        });
        this.cpuBase = 0;
    }

    wake() {
        if (this.waiting) {
            const w = this.waiting;
            this.waiting = null;
            w();
        }
    }

    // The next line, or null once the process has exited.
    async nextLine() {
        while (this.lines.length === 0) {
            if (this.exited !== false)
                return null;
            await new Promise(resolve => { this.waiting = resolve; });
        }
        return this.lines.shift();
    }

    // CPU time (user + system) in seconds, from /proc on Linux (10 ms resolution); less disturbed
    // than wall time by other work on a shared machine. NaN elsewhere.
    cpuSeconds() {
        const stat = `/proc/${this.child.pid}/stat`;
        if (!existsSync(stat))
            return NaN;
        const fields = readFileSync(stat, 'utf8').replace(/^.*\) /, '').split(' ');
        return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime (fields 14, 15) in ticks
    }

    async hello() {
        const line = await this.nextLine();
        const hello = line === null ? null : JSON.parse(line);
        if (!hello || hello.pmconf !== 'hello')
            throw new Error(`no hello: ${line}`);
    }
}

// A request line with its id replaced ("id" is a top-level number in pmconf's requests; pmconf
// writes it second, which saves parsing the line again).
const withId = (r, id) => {
    const prefix = `{"pmconf":"run","id":${r.id},`;
    if (r.body.startsWith(prefix))
        return `{"pmconf":"run","id":${id},${r.body.slice(prefix.length)}`;
    const m = JSON.parse(r.body);
    m.id = id;
    return JSON.stringify(m);
};
// A reply's id, without parsing all of it when it starts the usual way.
const replyId = line => {
    const m = /^\{"pmconf":"(?:observations|error)","id":(-?\d+|null)[,}]/.exec(line);
    return m ? JSON.parse(m[1]) : JSON.parse(line).id;
};

const results = [];
const cpuResults = [];
let crashes = 0;
const report = (pass, seconds, cpuSecs, replies) => {
    const us = seconds * 1e6 / scenarios;
    const cpuUs = cpuSecs * 1e6 / scenarios;
    results.push(us);
    cpuResults.push(cpuUs);
    process.stdout.write(`pass ${pass + 1}: ${scenarios} scenarios in ${seconds.toFixed(3)} s: ${us.toFixed(2)} us/scenario wall, ${cpuUs.toFixed(2)} us/scenario CPU\n`);
    if (pass === 0 && out) {
        writeFileSync(out, replies.map((line, k) => {
            const m = JSON.parse(line);
            m.id = requests[k].id;
            return JSON.stringify(m);
        }).join('\n') + '\n');
    }
};
if (inProcess)
    await inProcessPasses();
else
    await childPasses();

// In this process: what pmconf-adapter.mjs does with a request (parse it and its Scenarios, run
// them, stringify the reply), without the pipes. Works with an older core.mjs too (one that has
// only runParsedScenario), for before/after figures.
async function inProcessPasses() {
    const { pathToFileURL } = await import('node:url');
    const { dirname, resolve } = await import('node:path');
    const file = resolve(corePath);
    const core = await import(pathToFileURL(file).href);
    await core.setImplementation('native', { adaptersDir: dirname(dirname(file)) });
    cmd = [`in-process ${corePath}`];
    const runBatch = core.runParsedScenarios
        ? scs => core.runParsedScenarios(scs, { reuseChannels: true })
        : async scs => {
            const obs = [];
            for (const [k, sc] of scs.entries())
                obs.push(await core.runParsedScenario(sc, `scenario ${k}: `));
            return obs;
        };
    for (let pass = 0; pass < passes; ++pass) {
        const started = process.hrtime.bigint();
        const cpuStarted = process.cpuUsage();
        const replies = [];
        for (const r of requests) {
            const msg = JSON.parse(r.body);
            let reply;
            try {
                const scs = msg.scenarios.map((s, k) => core.parseScenario(s, `scenario ${k}: `));
                reply = { pmconf: 'observations', id: msg.id, observations: await runBatch(scs) };
            } catch (e) {
                core.restoreObjectPrototype();
                reply = { pmconf: 'error', id: msg.id, message: e instanceof core.AdapterError ? e.message : `adapter failure: ${e && e.stack}` };
            }
            replies.push(JSON.stringify(reply));
        }
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const cpu = process.cpuUsage(cpuStarted);
        report(pass, seconds, (cpu.user + cpu.system) / 1e6, replies);
    }
}

// Every pass's requests (ids made unique) in one file that is the adapter's stdin, then `bye`.
// A pass is timed from the previous pass's last reply (the first: from the hello) to its own
// last reply. After a crash the adapter is restarted on the requests after the one it crashed on.
async function childPasses() {
    const bodies = [];
    for (let pass = 0, id = 1; pass < passes; ++pass)
        for (const r of requests)
            bodies.push(withId(r, id++));
    const dir = mkdtempSync(join(tmpdir(), 'adapter-replay-'));
    const inputFrom = from => {
        const file = join(dir, `stdin-${from}`);
        writeFileSync(file, `${bodies.slice(from).join('\n')}\n${JSON.stringify({ pmconf: 'bye' })}\n`);
        return file;
    };
    try {
        let adapter = new Adapter(inputFrom(0));
        await adapter.hello();
        let next = 0; // global request index
        for (let pass = 0; pass < passes; ++pass) {
            const started = process.hrtime.bigint();
            let cpu = 0;
            let cpuStarted = adapter.cpuSeconds();
            const replies = [];
            for (let k = 0; k < requests.length; ++k, ++next) {
                const line = await adapter.nextLine();
                if (line === null) { // crashed on this request: note it, restart with the next one
                    const last = adapter.stderr.split('\n').find(l => /Assertion failed|Error/.test(l)) ?? adapter.stderr.slice(-200);
                    process.stderr.write(`adapter_replay: the adapter exited (${adapter.exited}) on request ${requests[k].id}: ${last.trim()}\n`);
                    replies.push(JSON.stringify({ pmconf: 'exited', id: next + 1, status: adapter.exited }));
                    ++crashes;
                    adapter = new Adapter(inputFrom(next + 1));
                    await adapter.hello();
                    cpuStarted = adapter.cpuSeconds();
                    continue;
                }
                const id = replyId(line);
                if (id !== next + 1)
                    throw new Error(`reply to ${id} where ${next + 1} was expected: ${line.slice(0, 300)}`);
                replies.push(line);
            }
            cpu += adapter.cpuSeconds() - cpuStarted;
            report(pass, Number(process.hrtime.bigint() - started) / 1e9, cpu, replies);
        }
        await new Promise(resolve => (adapter.exited !== false ? resolve() : adapter.child.on('exit', resolve)));
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

const stats = xs => {
    const sorted = [...xs].sort((a, b) => a - b);
    return { passes: xs.map(x => +x.toFixed(2)), min: +sorted[0].toFixed(2), median: +sorted[Math.floor(sorted.length / 2)].toFixed(2) };
};
const wall = stats(results);
const cpu = stats(cpuResults);
process.stdout.write(`wall us/scenario: min ${wall.min}, median ${wall.median}; CPU us/scenario: min ${cpu.min}, median ${cpu.median}\n`);
process.stdout.write(`${JSON.stringify({ trace, requests: requests.length, scenarios, wall_us_per_scenario: wall, cpu_us_per_scenario: cpu, crashes, argv: cmd })}\n`);

// ---------------------------------------------------------------------------------------------

function diff(a, b) {
    const strip = v => {
        if (Array.isArray(v))
            return v.map(strip);
        if (v !== null && typeof v === 'object') {
            const o = {};
            for (const k of Object.keys(v))
                o[k] = k === 'stack' ? '<stack>' : strip(v[k]);
            if (o.key === 'stack' && Object.hasOwn(o, 'value')) // an Error's own "stack" property
                o.value = '<stack>';
            return o;
        }
        return v;
    };
    const read = f => readFileSync(f, 'utf8').split('\n').filter(l => l !== '');
    const la = read(a);
    const lb = read(b);
    let differences = 0;
    let observations = 0;
    if (la.length !== lb.length) {
        process.stdout.write(`${a}: ${la.length} replies, ${b}: ${lb.length}\n`);
        differences++;
    }
    for (let i = 0; i < Math.min(la.length, lb.length); ++i) {
        const ma = strip(JSON.parse(la[i]));
        const mb = strip(JSON.parse(lb[i]));
        const oa = ma.observations ?? [];
        const ob = mb.observations ?? [];
        observations += oa.length;
        if (ma.pmconf !== mb.pmconf || oa.length !== ob.length || ma.id !== mb.id) {
            process.stdout.write(`reply ${i + 1}: ${JSON.stringify([ma.pmconf, ma.id, oa.length, ma.message])} vs ${JSON.stringify([mb.pmconf, mb.id, ob.length, mb.message])}\n`);
            differences++;
            continue;
        }
        for (let k = 0; k < oa.length; ++k) {
            const sa = JSON.stringify(oa[k]);
            const sb = JSON.stringify(ob[k]);
            if (sa !== sb) {
                if (differences < 10)
                    process.stdout.write(`reply ${i + 1} (id ${ma.id}), observation ${k}:\n  ${sa}\n  ${sb}\n`);
                differences++;
            }
        }
    }
    process.stdout.write(`${observations} observations compared, ${differences} differ (Error stacks ignored)\n`);
    return differences === 0 ? 0 : 1;
}
