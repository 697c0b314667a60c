// Property-test throughput of fast-check in Node.js, for comparison with pmconf's own loop: a
// fast-check property that generates small value graphs (about 10 nodes: objects, arrays, Maps,
// Dates, numbers and strings, with shared references and cycles), round-trips each through the
// runtime's own structuredClone in-process, and checks the clone with a structural equality of
// its own (an isomorphism check that also demands the same sharing; not util.isDeepStrictEqual).
//
//   node tools/bench/iut/fastcheck_bench.mjs [--cases 20000] [--warmup 2000] [--seed 42] [--nodes 10]
//
// After a warm-up run, one timed fc.assert of --cases cases (generation, clone and check all
// counted); prints one JSON line:
//   {"tool":"fast-check","cases":N,"seconds":S,"cases_per_s":X}
// fast-check comes from tools/adapters/node_modules (`cd tools/adapters && npm ci`).
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../adapters/package.json', import.meta.url));
let fc;
try {
    fc = require('fast-check');
} catch {
    process.stderr.write('fastcheck_bench: fast-check is not installed (cd tools/adapters && npm ci)\n');
    process.exit(2);
}

const options = { cases: 20000, warmup: 2000, seed: 42, nodes: 10 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    const value = Number(argv[i + 1]);
    if (!Object.hasOwn(options, key) || !Number.isInteger(value) || value < 0) {
        process.stderr.write('usage: fastcheck_bench.mjs [--cases N] [--warmup N] [--seed N] [--nodes N]\n');
        process.exit(2);
    }
    options[key] = value;
}

// ---------------------------------------------------------------------------------------------
// The generator: a recipe (plain data, so fast-check can shrink it), then the live graph.

const KEYS = ['a', 'b', 'c', 'id', 'next', '0', '1'];
const slot = nodeCount => fc.oneof(
    { weight: 3, arbitrary: fc.double().map(v => ({ number: v })) },
    { weight: 2, arbitrary: fc.string({ maxLength: 6 }).map(v => ({ string: v })) },
    { weight: 4, arbitrary: fc.nat(nodeCount - 1).map(v => ({ ref: v })) }, // refs to any node: sharing and cycles
);
const recipe = fc.integer({ min: Math.max(1, options.nodes - 3), max: options.nodes + 3 }).chain(n => fc.array(
    fc.record({
        kind: fc.constantFrom('object', 'object', 'array', 'map', 'date'),
        slots: fc.array(fc.tuple(fc.constantFrom(...KEYS), slot(n)), { maxLength: 3 }),
        time: fc.integer({ min: -8.64e15, max: 8.64e15 }),
    }),
    { minLength: n, maxLength: n },
));

function build(nodes) {
    const live = nodes.map(n => (n.kind === 'object' ? {} : n.kind === 'array' ? [] : n.kind === 'map' ? new Map() : new Date(n.time)));
    const value = s => ('ref' in s ? live[s.ref] : 'number' in s ? s.number : s.string);
    nodes.forEach((n, i) => {
        const target = live[i];
        for (const [key, s] of n.slots) {
            if (target instanceof Map)
                target.set(key, value(s));
            else if (Array.isArray(target))
                target.push(value(s));
            else if (!(target instanceof Date)) // structuredClone keeps only a Date's time value
                target[key] = value(s);
        }
    });
    return live[0];
}

// ---------------------------------------------------------------------------------------------
// Structural equality: walks both graphs in step and keeps a bijection from original objects to
// clone objects, so sharing and cycles must be reproduced exactly.

function isomorphic(a, b) {
    const forward = new Map();
    const backward = new Map();
    const work = [[a, b]];
    const same = (x, y) => {
        if (typeof x !== 'object' || x === null)
            return Object.is(x, y);
        if (typeof y !== 'object' || y === null || x === y)
            return false;
        if (forward.has(x) || backward.has(y))
            return forward.get(x) === y && backward.get(y) === x;
        forward.set(x, y);
        backward.set(y, x);
        work.push([x, y]);
        return true;
    };
    while (work.length > 0) {
        const [x, y] = work.pop();
        if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y))
            return false;
        if (x instanceof Date && !Object.is(x.getTime(), y.getTime()))
            return false;
        if (x instanceof Map) {
            if (x.size !== y.size)
                return false;
            const ye = [...y];
            let i = 0;
            for (const [k, v] of x) {
                if (!same(k, ye[i][0]) || !same(v, ye[i][1]))
                    return false;
                ++i;
            }
        }
        const kx = Reflect.ownKeys(x);
        const ky = Reflect.ownKeys(y);
        if (kx.length !== ky.length)
            return false;
        for (let i = 0; i < kx.length; ++i) {
            if (kx[i] !== ky[i])
                return false;
            const dx = Object.getOwnPropertyDescriptor(x, kx[i]);
            const dy = Object.getOwnPropertyDescriptor(y, ky[i]);
            if (dx.enumerable !== dy.enumerable || !same(dx.value, dy.value))
                return false;
        }
    }
    return true;
}

const property = fc.property(recipe, nodes => {
    const original = build(nodes);
    return isomorphic(original, structuredClone(original));
});

// The check must be able to fail: a clone that loses sharing is caught.
{
    const shared = { x: 1 };
    const v = { a: shared, b: shared };
    if (isomorphic(v, { a: { x: 1 }, b: { x: 1 } }) || !isomorphic(v, structuredClone(v)))
        throw new Error('fastcheck_bench: the structural equality is broken');
}

fc.assert(property, { numRuns: options.warmup, seed: options.seed + 1 });
const started = process.hrtime.bigint();
fc.assert(property, { numRuns: options.cases, seed: options.seed });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`${JSON.stringify({ tool: 'fast-check', cases: options.cases, seconds: Number(seconds.toFixed(6)), cases_per_s: Math.round(options.cases / seconds) })}\n`);
