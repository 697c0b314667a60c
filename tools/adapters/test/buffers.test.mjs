// The adapter builds every buffer with the bytes the Scenario gives, whatever views it has to make
// on it (length-tracking views on resizable ArrayBuffers and growable SharedArrayBuffers, views
// that end up out of bounds, views on buffers detached afterwards, WebAssembly.Memory buffers),
// under each runtime. Building a length-tracking view once resized the buffer down and up, which
// zeroed the bytes past the shrink: pmconf then reported runtimes for "copying" a zero byte they
// were given. Also: `--plant zero-buffer-bytes` (a deliberate artefact for pmconf's own tests)
// does what it says, and only with the flag.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test, before, after } from 'node:test';

import { Adapter, adapter, runtimes } from './adapter_process.mjs';

// n non-zero bytes, all different (for n < 255), as lowercase hex.
const bytes = (n, seed = 1) => Array.from({ length: n }, (_, k) => ((seed + k * 37) % 255) + 1)
    .map(b => b.toString(16).padStart(2, '0')).join('');

// A Scenario whose root is an Array [buffer, ...views], the views on node 1 (the buffer). A view
// out of bounds cannot be cloned (a DataCloneError): with `unreachable`, the root is [buffer] and
// the views are nodes nothing refers to, which the adapter builds all the same.
const bufferWithViews = (buffer, views, { unreachable = false } = {}) => ({
    graph: {
        root: { ref: 0 },
        nodes: [
            { kind: 'Array', arrayLength: unreachable ? 1 : 1 + views.length,
                props: (unreachable ? [buffer] : [buffer, ...views]).map((_, k) => ({ key: String(k), value: { ref: k + 1 } })) },
            buffer,
            ...views.map(v => ({ kind: v.viewType === 'DataView' ? 'DataView' : 'TypedArray', buffer: 1, ...v })),
        ],
    },
    transfer: [],
    mode: 'structuredClone',
});

const ab = (byteLength, extra = {}) => ({ kind: 'ArrayBuffer', byteLength, bytes: bytes(byteLength), ...extra });
const sab = (byteLength, extra = {}) => ({ kind: 'SharedArrayBuffer', byteLength, bytes: bytes(byteLength, 5), ...extra });
const lt = (viewType, byteOffset = 0) => ({ viewType, byteOffset, length: null });
const fixed = (viewType, byteOffset, length) => ({ viewType, byteOffset, length });

// Every kind of view on every kind of buffer it can be made on, with non-zero bytes everywhere.
const cases = {
    'fixed views on a fixed-length ArrayBuffer': bufferWithViews(ab(7), [fixed('Uint16Array', 2, 2), fixed('DataView', 1, 5), fixed('Uint8Array', 0, 7)]),
    'a length-tracking Uint16Array on a resizable ArrayBuffer of an odd length': bufferWithViews(ab(7, { maxByteLength: 12 }), [lt('Uint16Array')]),
    'length-tracking views whose remaining lengths are not whole elements': bufferWithViews(ab(7, { maxByteLength: 16 }), [lt('Uint32Array', 4), lt('Float64Array'), lt('Int16Array', 2), lt('DataView', 3)]),
    'length-tracking and fixed views together on a resizable ArrayBuffer': bufferWithViews(ab(5, { maxByteLength: 8 }), [lt('Uint16Array'), fixed('Uint8Array', 1, 3), lt('BigInt64Array')]),
    'a fixed view out of bounds of a resizable ArrayBuffer (made larger, then shrunk)': bufferWithViews(ab(9, { maxByteLength: 16 }), [fixed('Uint8Array', 6, 4), lt('Uint32Array')], { unreachable: true }),
    'a length-tracking view whose byteOffset is past the end': bufferWithViews(ab(5, { maxByteLength: 16 }), [lt('Uint16Array', 6), lt('Uint32Array')], { unreachable: true }),
    'views on a fixed-length SharedArrayBuffer': bufferWithViews(sab(6), [fixed('Int16Array', 2, 2), fixed('DataView', 0, 6)]),
    'length-tracking views on a growable SharedArrayBuffer of an odd length': bufferWithViews(sab(7, { maxByteLength: 12 }), [lt('Uint16Array'), lt('Uint32Array', 4), fixed('Uint8Array', 1, 2)]),
    'views on a WebAssembly.Memory buffer (a detach key)': bufferWithViews(ab(65536, { detachKey: true }), [fixed('Uint16Array', 2, 3), fixed('DataView', 65530, 6)]),
};

// What a runtime needs for a case (the adapter's capabilities).
const needs = sc => {
    const b = sc.graph.nodes[1];
    if (b.kind === 'SharedArrayBuffer')
        return b.maxByteLength === undefined ? 'shared-array-buffer' : 'growable-shared-array-buffer';
    if (b.detachKey)
        return 'detach-key';
    return b.maxByteLength === undefined ? 'structured-clone' : 'resizable-array-buffer';
};

// The result's [buffer, ...views], in the input's order (the result root is the Array).
function resultItems(o) {
    assert.equal(o.threw, false, JSON.stringify(o.error));
    const { root, nodes } = o.result;
    const array = nodes[root.ref];
    return array.props.map(p => ({ index: p.value.ref, node: nodes[p.value.ref] }));
}

for (const rt of runtimes) {
    describe(`buffer bytes under ${rt.name}`, { skip: rt.available === false && `${rt.name} is not installed (npm ci in tools/adapters)` }, () => {
        let a;
        let capabilities;
        before(async () => {
            a = new Adapter(rt.argv);
            capabilities = (await a.line()).capabilities;
        });
        after(async () => {
            const { code } = await a.close();
            assert.equal(code, 0, `exit status; stderr: ${a.stderr}`);
        });

        for (const [name, sc] of Object.entries(cases)) {
            test(`${name}: the clone has exactly the input bytes, and its views are on it`, async t => {
                if (!capabilities.includes(needs(sc)))
                    return t.skip(`no ${needs(sc)}`);
                const input = sc.graph.nodes[1];
                const [buffer, ...views] = resultItems(await a.one(sc));
                assert.equal(buffer.node.kind, input.kind);
                assert.equal(buffer.node.byteLength, input.byteLength);
                assert.equal(buffer.node.bytes, input.bytes, 'the bytes of the cloned buffer');
                for (const v of views)
                    assert.equal(v.node.buffer, buffer.index, 'a view is on the cloned buffer');
            });
        }

        test('a view on a buffer detached after it was made: the buffer is detached, the clone throws a DataCloneError', async () => {
            const sc = bufferWithViews({ kind: 'ArrayBuffer', byteLength: 0, maxByteLength: 8, detached: true, bytes: '' }, [lt('Uint16Array', 2), fixed('Uint8Array', 1, 3)]);
            const o = await a.one(sc);
            assert.equal(o.threw, true);
            assert.deepEqual(o.error, { name: 'DataCloneError', domException: true });
            // The same buffer in the transfer list is reported detached, with byteLength 0.
            const t = await a.one({ ...sc, graph: { root: { ref: 1 }, nodes: sc.graph.nodes }, transfer: [{ ref: 1 }] });
            assert.deepEqual(t.transferables, [{ node: 1, detached: true, byteLength: 0 }]);
        });

        test('--plant zero-buffer-bytes zeroes the first byte of every non-empty ArrayBuffer, and nothing else', async t => {
            const sc = {
                graph: {
                    root: { ref: 0 },
                    nodes: [
                        { kind: 'Array', arrayLength: 5, props: [1, 2, 3, 4, 5].map((r, k) => ({ key: String(k), value: { ref: r } })) },
                        ab(4),
                        ab(6, { maxByteLength: 9 }),
                        ab(0),
                        { kind: 'TypedArray', buffer: 2, viewType: 'Uint16Array', byteOffset: 0, length: null },
                        capabilities.includes('shared-array-buffer') ? sab(3) : ab(2),
                    ],
                },
                transfer: [],
                mode: 'structuredClone',
            };
            const inputs = [1, 2, 3, 5].map(i => sc.graph.nodes[i]);
            const clean = resultItems(await a.one(sc));
            const planted = new Adapter([...rt.argv, '--plant', 'zero-buffer-bytes']);
            let bad;
            try {
                assert.equal((await planted.line()).pmconf, 'hello', `stderr: ${planted.stderr}`);
                bad = resultItems(await planted.one(sc));
            } finally {
                const { code } = await planted.close();
                assert.equal(code, 0, `exit status; stderr: ${planted.stderr}`);
            }
            const bytesOf = items => [0, 1, 2, 4].map(k => items[k].node.bytes);
            assert.deepEqual(bytesOf(clean), inputs.map(n => n.bytes), 'without the flag, every buffer has its bytes');
            assert.deepEqual(bytesOf(bad), inputs.map(n => (n.kind === 'ArrayBuffer' && n.byteLength > 0 ? `00${n.bytes.slice(2)}` : n.bytes)),
                'with it, each non-empty ArrayBuffer starts with a zero byte; an empty one and a SharedArrayBuffer are as given');
            if (!capabilities.includes('shared-array-buffer'))
                t.diagnostic('no SharedArrayBuffer here: only ArrayBuffers checked');
        });
    });
}

test('--plant with an unknown artefact is a usage error (status 2)', () => {
    const r = spawnSync(process.execPath, [adapter, '--plant', 'no-such-artefact'], { input: '', encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown artefact "no-such-artefact" \(known: zero-buffer-bytes\)/);
    assert.equal(r.stdout, '');
});
