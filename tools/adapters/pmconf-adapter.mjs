// pmconf IUT adapter, protocol v1 (docs/protocol.md): one ES module that runs unchanged under
// Node.js, Deno and Bun and speaks the protocol on stdin/stdout.
//
//   node pmconf-adapter.mjs                    the runtime's own structuredClone / MessageChannel
//   deno run pmconf-adapter.mjs                (no permission is needed for the native IUT)
//   bun pmconf-adapter.mjs
//   node pmconf-adapter.mjs --impl ungap       @ungap/structured-clone's default export
//   node pmconf-adapter.mjs --impl core-js     core-js/actual/structured-clone (the global build)
//   node pmconf-adapter.mjs --impl core-js-pure  core-js-pure/actual/structured-clone
//   node pmconf-adapter.mjs --describe         print the capability probes as JSON and exit
//   node pmconf-adapter.mjs --plant zero-buffer-bytes   a deliberate adapter bug, for pmconf's own
//                                              tests only (lib/core.mjs plantArtefact)
//
// This file is only the protocol: arguments, the hello line, reading requests, writing replies.
// Building values, running Scenarios, encoding Observations and probing capabilities live in
// lib/core.mjs (which reproducer files inline). The polyfills are loaded from the node_modules
// next to this file.

import { writeSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

import {
    AdapterError, describeImplementation, parseScenario, plantArtefact, probeCapabilities, restoreObjectPrototype,
    runParsedScenarios, setImplementation,
} from './lib/core.mjs';

const G = globalThis;
const { runtime } = describeImplementation();
const args = runtime === 'deno' ? [...G.Deno.args] : process.argv.slice(2);

function usage(message) {
    process.stderr.write(`pmconf-adapter: ${message}\nusage: pmconf-adapter.mjs [--impl native|ungap|core-js|core-js-pure] [--describe] [--plant zero-buffer-bytes]\n`);
    process.exit(2);
}

let implName = 'native';
let describe = false;
let plant = null;
for (let i = 0; i < args.length; ++i) {
    if (args[i] === '--impl' && i + 1 < args.length)
        implName = args[++i];
    else if (args[i].startsWith('--impl='))
        implName = args[i].slice('--impl='.length);
    else if (args[i] === '--describe')
        describe = true;
    else if (args[i] === '--plant' && i + 1 < args.length)
        plant = args[++i];
    else
        usage(`unknown argument ${JSON.stringify(args[i])}`);
}

try {
    await setImplementation(implName, { adaptersDir: fileURLToPath(new URL('.', import.meta.url)) });
} catch (e) {
    usage(e instanceof AdapterError ? e.message : `${implName}: ${e && e.message}`);
}
if (plant !== null) {
    try {
        plantArtefact(plant);
    } catch (e) {
        usage(`--plant: ${e && e.message}`);
    }
}

// ---------------------------------------------------------------------------------------------
// The protocol loop.

const isObj = j => j !== null && typeof j === 'object' && !Array.isArray(j);

const textEncoder = new TextEncoder();
function writeLine(obj) {
    const line = JSON.stringify(obj) + '\n';
    if (runtime === 'deno') {
        const bytes = textEncoder.encode(line);
        for (let off = 0; off < bytes.length;)
            off += G.Deno.stdout.writeSync(bytes.subarray(off));
        return Promise.resolve();
    }
    return new Promise(resolve => process.stdout.write(line, () => resolve()));
}

// Bun's structuredClone (JavaScriptCore's serializer) visits every index of an Array, holes
// included, at roughly 45 ns each: a sparse Array of length 2^32 - 1 keeps it busy for 3 minutes,
// in one synchronous call that nothing in this process can interrupt. pmconf's batch timeout
// kills the adapter then; this note, written synchronously just before, tells it why.
const slowArrayLength = 2 ** 24;
function warnIfSlow(sc, what) {
    for (const [i, node] of sc.nodes.entries()) {
        if (node.kind === 'Array' && node.arrayLength >= slowArrayLength) {
            const seconds = node.arrayLength * 4.5e-8;
            const time = seconds < 120 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
            writeSync(2, `pmconf-adapter: ${what}: node ${i} is an Array of length ${node.arrayLength}; bun's structuredClone `
                + `visits every index, holes included (about ${time} here, in one call that cannot be interrupted)\n`);
            return;
        }
    }
}

async function handleRun(msg) {
    const scenariosJ = Object.hasOwn(msg, 'scenarios') ? msg.scenarios : undefined;
    if (!Array.isArray(scenariosJ))
        throw new AdapterError('run: "scenarios" is not an array');
    // Parse every Scenario first: a malformed one fails the batch before anything runs.
    const scenarios = scenariosJ.map((s, k) => parseScenario(s, `scenario ${k}: `));
    const before = runtime === 'bun' ? (k, sc) => warnIfSlow(sc, `request ${JSON.stringify(msg.id)}, scenario ${k}`) : undefined;
    const observations = await runParsedScenarios(scenarios, { before, reuseChannels: true });
    return { pmconf: 'observations', id: msg.id, observations };
}

async function handleLine(line) {
    if (line.trim() === '')
        return true;
    let msg;
    try {
        msg = JSON.parse(line);
    } catch (e) {
        await writeLine({ pmconf: 'error', id: null, message: `not JSON: ${e.message}` });
        return true;
    }
    const id = isObj(msg) && Object.hasOwn(msg, 'id') ? msg.id : null;
    if (!isObj(msg)) {
        await writeLine({ pmconf: 'error', id, message: 'not a JSON object' });
        return true;
    }
    switch (msg.pmconf) {
    case 'bye':
        return false;
    case 'run': {
        let reply;
        try {
            reply = await handleRun(msg);
        } catch (e) {
            restoreObjectPrototype();
            const message = e instanceof AdapterError ? e.message : `adapter failure: ${e && e.stack ? e.stack : String(e)}`;
            reply = { pmconf: 'error', id, message };
        }
        await writeLine(reply);
        return true;
    }
    default:
        await writeLine({ pmconf: 'error', id, message: `unknown message ${JSON.stringify(msg.pmconf)}` });
        return true;
    }
}

function installCrashGuards() {
    // pmconf hung up: nobody is left to answer.
    try {
        process.stdout.on('error', e => process.exit(e && e.code === 'EPIPE' ? 0 : 3));
    } catch { /* not supported */ }
    // Keep serving whatever a Scenario leaves behind (e.g. an error in a port's handler).
    const report = what => e => process.stderr.write(`pmconf-adapter: ${what}: ${e && e.stack ? e.stack : String(e)}\n`);
    try {
        process.on('uncaughtException', report('uncaught exception'));
        process.on('unhandledRejection', report('unhandled rejection'));
    } catch { /* not supported */ }
    if (typeof G.addEventListener === 'function' && runtime === 'deno') {
        G.addEventListener('error', e => { e.preventDefault(); report('uncaught error')(e.error); });
        G.addEventListener('unhandledrejection', e => { e.preventDefault(); report('unhandled rejection')(e.reason); });
    }
}

async function main() {
    const probes = await probeCapabilities();
    const capabilities = Object.keys(probes).filter(k => probes[k]);
    const { implementation, version, runtimeVersion } = describeImplementation();
    if (describe) {
        await writeLine({ runtime, runtimeVersion, implementation, version, probes, capabilities });
        process.exit(0);
    }
    installCrashGuards();
    await writeLine({ pmconf: 'hello', protocol: 1, implementation, version, capabilities });

    // Lines as readline would give them (a line ends at \n, \r\n or a lone \r; a last line
    // without an end counts), split by hand: readline's per-line machinery is slow for lines of
    // hundreds of kilobytes.
    const lines = [];
    let wake = null;
    let ended = false;
    let partial = '';
    let pendingCR = false; // the last chunk ended in \r: a \n starting the next one belongs to it
    const decoder = new TextDecoder();
    const split = text => {
        let start = 0;
        if (pendingCR && text.length > 0 && text.charCodeAt(0) === 10)
            start = 1;
        pendingCR = false;
        for (let i = start; i < text.length; ++i) {
            const c = text.charCodeAt(i);
            if (c !== 10 && c !== 13)
                continue;
            lines.push(partial + text.slice(start, i));
            partial = '';
            if (c === 13) {
                if (i + 1 < text.length) {
                    if (text.charCodeAt(i + 1) === 10)
                        ++i;
                } else {
                    pendingCR = true;
                }
            }
            start = i + 1;
        }
        partial += text.slice(start);
    };
    process.stdin.on('data', chunk => {
        split(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
        if (wake)
            wake();
    });
    process.stdin.on('end', () => {
        split(decoder.decode());
        if (partial !== '')
            lines.push(partial);
        partial = '';
        ended = true;
        if (wake)
            wake();
    });
    for (let next = 0; ;) {
        if (next < lines.length) {
            const line = lines[next];
            lines[next++] = undefined;
            if (!(await handleLine(line)))
                break;
            continue;
        }
        if (ended)
            break;
        await new Promise(resolve => { wake = resolve; });
        wake = null;
    }
    process.exit(0);
}

await main();
