// Tests of the reproducer template (repro/template.mjs, filled in by repro/make-repro.mjs as
// pmconf does): reproducers are written to a temporary directory and run from the repository
// root, as pmconf's reports tell users to, under every runtime that is installed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { makeRepro, placeholders, substitute } from '../repro/make-repro.mjs';

const adapterDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
// The runtimes, with the argv prefix that runs a reproducer, as the IUT registry gives them.
const registry = JSON.parse(readFileSync(new URL('../iuts.json', import.meta.url), 'utf8')).iuts;
const runtimes = registry.filter(e => e.impl === 'native').map(e => {
    const program = e.repro[0].includes('/') ? join(repoRoot, e.repro[0]) : e.repro[0] === 'node' ? process.execPath : e.repro[0];
    return { name: e.name, argv: file => [program, ...e.repro.slice(1), file], available: !e.repro[0].includes('/') || existsSync(program) };
});

const dir = mkdtempSync(join(tmpdir(), 'pmconf-repro-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;
function build(spec) {
    const file = join(dir, `repro-${++count}.mjs`);
    writeFileSync(file, makeRepro({ ...spec, file }));
    return file;
}

function run(argv) {
    const r = spawnSync(argv[0], argv.slice(1), { cwd: repoRoot, encoding: 'utf8', timeout: 60000 });
    const line = r.stdout.split('\n').find(l => l.startsWith('PMCONF-OBSERVATION '));
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, observation: line && JSON.parse(line.slice('PMCONF-OBSERVATION '.length)) };
}

const scenario = (nodes, transfer = [], mode = 'structuredClone') => ({ graph: { root: { ref: 0 }, nodes }, transfer, mode });
const returned = nodes => ({ threw: false, result: { root: { ref: 0 }, nodes }, transferables: [], getterCalls: [] });
const domException = [{ kind: 'DOMException', name: 'AbortError', message: 'm' }];
const plain = [{ kind: 'Object', props: [{ key: 'a', value: { ref: 1 } }, { key: 'b', value: { ref: 1 } }] }, { kind: 'Array', arrayLength: 1, props: [{ key: '0', value: { t: 'number', v: '-0' } }] }];

// Verified deviations of Node.js 20 that Deno 2.9 and Bun 1.4 do not have:
// a DOMException clones to a plain object, and an object that is not transferable in the
// transfer list throws a TypeError instead of a "DataCloneError" DOMException.
const cases = {
    domException: {
        scenario: scenario(domException), expected: returned(domException),
        signature: 'result:.kind@html:structureddeserialize:24.4.1', deviates: ['node'],
    },
    notTransferable: {
        scenario: scenario([{ kind: 'Object' }], [{ ref: 0 }], 'messageChannel'),
        expected: { threw: true, error: { name: 'DataCloneError', domException: true }, transferables: [], getterCalls: [] },
        signature: 'error-name:DataCloneError->TypeError@html:structuredserializewithtransfer:2.2', deviates: ['node'],
    },
    conforming: { scenario: scenario(plain), expected: returned(plain), signature: 'none', deviates: [] },
};

// Operation sequences. A port's close() fires a close event at the other port only: Node.js and
// Bun fire one at both, Deno none at all. A port with itself in its transfer list: all conform.
const sequence = (...operations) => ({ mode: 'operations', operations });
const sequenceCases = {
    closeEvent: {
        scenario: sequence({ op: 'newChannel', label: 0, agent: 'windowA' }, { op: 'portClose', label: 1, port: [0, 0] }, { op: 'runEventLoops', label: 2 }),
        expected: { outcomes: [{}, {}, {}], events: [{ target: { port: [0, 1] }, type: 'close' }] },
        signature: 'events:.none->close', deviates: ['node', 'deno', 'bun'],
    },
    selfTransfer: {
        scenario: sequence({ op: 'newChannel', label: 0, agent: 'windowA' }, { op: 'portStart', label: 1, port: [0, 1] },
            { op: 'portPost', label: 2, port: [0, 0], transfer: [[0, 0]], overload: 'options', message: {} }, { op: 'runEventLoops', label: 3 }),
        expected: { outcomes: [{}, {}, { threw: true, error: 'DataCloneError' }, {}], events: [] },
        signature: 'none', deviates: [],
    },
};

for (const rt of runtimes) {
    describe(`reproducers under ${rt.name}`, { skip: rt.available === false && `${rt.name} is not installed (npm ci in tools/adapters)` }, () => {
        for (const [name, c] of Object.entries(cases)) {
            const deviates = c.deviates.includes(rt.name);
            test(`${name}: exit ${deviates ? 1 : 0}, the difference, and one PMCONF-OBSERVATION line`, () => {
                const r = run(rt.argv(build(c)));
                assert.equal(r.status, deviates ? 1 : 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
                assert.equal(r.stdout.split('\n').filter(l => l.startsWith('PMCONF-OBSERVATION ')).length, 1);
                assert.equal(r.observation.threw, c.expected.threw);
                assert.match(r.stdout, new RegExp(`^Ran on: ${rt.name} v?\\d`, 'm'));
                if (deviates) {
                    assert.match(r.stdout, /^The spec requires \(/m);
                    assert.match(r.stdout, new RegExp(`^${rt.name} \\S+ gave: `, 'm'));
                } else {
                    assert.match(r.stdout, /^Conforms: /m);
                }
                if (name === 'domException')
                    assert.equal(r.observation.result.nodes[0].kind, deviates ? 'Object' : 'DOMException');
                if (name === 'notTransferable') {
                    assert.deepEqual(r.observation.error, deviates ? { name: 'TypeError', domException: false } : c.expected.error);
                    // The step where the model threw is in SIGNATURE only (protocol v1 has no field for it).
                    if (deviates)
                        assert.match(r.stdout, /^Spec step: html:structuredserializewithtransfer:2\.2$/m);
                }
                if (deviates)
                    assert.doesNotMatch(r.stdout, /^Note: /m, 'the same deviation as SIGNATURE');
            });
        }

        for (const [name, c] of Object.entries(sequenceCases)) {
            const deviates = c.deviates.includes(rt.name);
            test(`operation sequence ${name}: exit ${deviates ? 1 : 0}, each operation and target side by side`, () => {
                const r = run(rt.argv(build(c)));
                assert.equal(r.status, deviates ? 1 : 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
                assert.match(r.stdout, new RegExp(`^Operations \\(the spec requires \\| ${rt.name} \\S+ gave\\):$`, 'm'));
                assert.match(r.stdout, /^ {2}#0 new MessageChannel\(\) -> port\(0\.0\), port\(0\.1\) +returned \| returned$/m);
                assert.equal(r.observation.outcomes.length, c.expected.outcomes.length);
                if (name === 'closeEvent') {
                    assert.match(r.stdout, /^The spec requires \(events at port:(missing|extra) close\): /m);
                    const closes = r.observation.events.filter(e => e.type === 'close').map(e => e.target.port[1]).sort();
                    assert.deepEqual(closes, rt.name === 'deno' ? [] : [0, 1]);
                    assert.match(r.stdout, /^ {2}port\(0\.1\): close \| /m);
                } else {
                    assert.match(r.stdout, /^Conforms: .*\(4 outcomes, 0 events\)\.$/m);
                    assert.match(r.stdout, /^ {2}#2 port\(0\.0\)\.postMessage\(\[2\], \{transfer: \[port\(0\.0\)\]\}\) +threw DataCloneError \| threw DataCloneError$/m);
                }
            });
        }

        test('a Scenario that cannot exist in a real realm: exit 2', () => {
            const r = run(rt.argv(build({ scenario: scenario([{ kind: 'Date', date: { t: 'number', v: '-0' } }]), expected: returned([]), signature: 'x' })));
            assert.equal(r.status, 2, r.stdout);
            assert.match(r.stdout, /could not run the Scenario .*cannot build/);
            assert.equal(r.observation, undefined);
        });
    });
}

test('a polyfill reproducer loads the polyfill from tools/adapters/node_modules (cwd = repository root)',
    { skip: !existsSync(`${adapterDir}node_modules/@ungap/structured-clone/package.json`) && 'not installed' }, () => {
        const file = build({ impl: 'ungap', ...cases.conforming });
        const r = run([process.execPath, file]);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /^Ran on: ungap \d+\.\d+\.\d+ \(on node v/m);
        // Node's own structuredClone rejects a WeakMap; ungap turns it into a plain object.
        const weak = run([process.execPath, build({ impl: 'ungap', scenario: scenario([{ kind: 'WeakMap' }]),
            expected: { threw: true, error: { name: 'DataCloneError', domException: true }, transferables: [], getterCalls: [] }, signature: 'outcome:returned' })]);
        assert.equal(weak.status, 1, weak.stdout);
        assert.match(weak.stdout, /^The spec requires \(outcome\): a thrown DataCloneError$/m);
        assert.match(weak.stdout, /gave: a returned value$/m);
    });

test('the template has each placeholder once, as a whole line; substitution insists on that', () => {
    const template = readFileSync(new URL('../repro/template.mjs', import.meta.url), 'utf8');
    for (const p of Object.values(placeholders))
        assert.equal(template.split('\n').filter(l => l === p).length, 1, p);
    const r = { header: ['// h'], data: ['const IMPL = "native";'], core: ['// core'] };
    assert.equal(substitute(`a\n${placeholders.header}\n${placeholders.data}\n${placeholders.core}\nb`, r), 'a\n// h\nconst IMPL = "native";\n// core\nb');
    assert.throws(() => substitute(`${placeholders.header}\n${placeholders.data}`, r), /PMCONF_CORE@@ is missing/);
    assert.throws(() => substitute(`${placeholders.header}\n${placeholders.header}\n${placeholders.data}\n${placeholders.core}`, r), /twice/);
    // An indented placeholder is not a placeholder line.
    assert.throws(() => substitute(`  ${placeholders.header}\n${placeholders.data}\n${placeholders.core}`, r), /HEADER@@ is missing/);
});

test('lib/core.mjs and lib/compare.mjs have no static import (pmconf inlines them)', () => {
    for (const f of ['core.mjs', 'compare.mjs']) {
        const text = readFileSync(new URL(`../lib/${f}`, import.meta.url), 'utf8');
        assert.doesNotMatch(text, /^\s*import\s*[\w{*'"]/m, f);
        assert.doesNotMatch(text, /^\s*export\s+(\*|\{[^}]*\}\s*from)/m, f);
    }
});
