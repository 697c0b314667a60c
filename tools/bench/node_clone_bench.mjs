// structuredClone throughput of the JavaScript engine running this script (node, deno or bun),
// on the graphs model_bench clones. The graphs are built by the algorithm documented in
// graph_shape.h, draw for draw; `--shape-stats` prints the same statistics as
// `model_bench --shape-stats=<shape>:<nodes>`, and run_bench.sh checks that they agree.
//
//   node tools/bench/node_clone_bench.mjs --shape wide --nodes 1000 [--reps 7] [--min-batch-ms 50]
//   node tools/bench/node_clone_bench.mjs --shape-stats wide:1000
//
// Prints one JSON object: the median ns/node over --reps timed batches (each batch clones the
// graph enough times to last at least --min-batch-ms, after a warm-up), the median CPU ns/node
// of the process (all threads: V8's garbage collector helps from other threads), its peak RSS,
// and, when structuredClone throws (the deep shape overflows V8's recursive serializer), the
// error instead of a time.

const KEYS = ['id', 'name', 'kind', 'next', 'prev', 'left', 'right', 'value'];
const STRINGS = ['a', 'bc', 'def', 'ghij', 'klmno', 'p', 'qr', 'stu'];
const DEFAULT_SEED = 0x9e3779b9;

// xorshift32, shifts 13/17/5, on uint32 (see graph_shape.h).
function makeRng(seed) {
    let x = seed >>> 0 || 1;
    const next = () => {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        return x;
    };
    return { below: (bound) => next() % bound, state: () => x };
}

// The recursion depth of a recursive serializer: the deepest nesting of a depth-first walk from
// root through every object-valued property, in property order.
function depthFirstMaxDepth(root) {
    const visited = new Set([root]);
    const stack = [[Object.values(root), 0]];
    let maxDepth = 1;
    while (stack.length > 0) {
        const top = stack[stack.length - 1];
        if (top[1] === top[0].length) {
            stack.pop();
            continue;
        }
        const value = top[0][top[1]++];
        if (typeof value === 'object' && value !== null && !visited.has(value)) {
            visited.add(value);
            stack.push([Object.values(value), 0]);
            maxDepth = Math.max(maxDepth, stack.length);
        }
    }
    return maxDepth;
}

const NUMBER = 0, STRING = 1, NODE = 2, SHARED = 3;

// The four passes of graph_shape.h.
function buildWide(n, seed = DEFAULT_SEED) {
    const rng = makeRng(seed);
    const stats = { shape: 'wide', nodes: 0, arrays: 0, objects: 0, slots: 0, references: 0, shared_references: 0,
        numbers: 0, strings: 0, max_depth: 0, final_state: 0 };
    if (n === 0)
        return { root: undefined, stats };

    // 1. The tree, breadth first. A node plan: { isArray, firstKey, slots: [[kind, value]] }.
    const nodes = [];
    const create = () => {
        const isArray = rng.below(4) === 0;
        if (isArray)
            stats.arrays++;
        else
            stats.objects++;
        nodes.push({ isArray, firstKey: 0, slots: [] });
        return nodes.length - 1;
    };
    const number = () => {
        stats.numbers++;
        return [NUMBER, rng.below(1000000) / 4];
    };
    create();
    for (let i = 0; i < nodes.length; i++) {
        const node = nodes[i];
        const count = 2 + rng.below(3);
        node.firstKey = node.isArray ? 0 : rng.below(8);
        for (let j = 0; j < count; j++) {
            const last = j === count - 1 && i === nodes.length - 1 && nodes.length < n;
            const r = rng.below(100);
            if (last) {
                node.slots.push([NODE, create()]);
                stats.references++;
            } else if (r < 40) {
                const s = rng.below(100);
                if (s < 5) {
                    node.slots.push([SHARED, 0]);
                    stats.references++;
                    stats.shared_references++;
                } else if (nodes.length < n) {
                    node.slots.push([NODE, create()]);
                    stats.references++;
                } else {
                    node.slots.push(number());
                }
            } else if (r < 70) {
                node.slots.push(number());
            } else {
                node.slots.push([STRING, rng.below(8)]);
                stats.strings++;
            }
            stats.slots++;
        }
    }

    // 2. Preorder numbers, depth first along the tree's slots.
    const preorder = [0];
    const pre = new Array(nodes.length).fill(0);
    const stack = [[0, 0]];
    while (stack.length > 0) {
        const top = stack[stack.length - 1];
        const node = nodes[top[0]];
        if (top[1] === node.slots.length) {
            stack.pop();
            continue;
        }
        const slot = node.slots[top[1]++];
        if (slot[0] === NODE) {
            pre[slot[1]] = preorder.length;
            preorder.push(slot[1]);
            stack.push([slot[1], 0]);
        }
    }

    // 3. Shared targets: a node at or before this one in preorder.
    for (let i = 0; i < nodes.length; i++)
        for (const slot of nodes[i].slots)
            if (slot[0] === SHARED)
                slot[1] = preorder[rng.below(pre[i] + 1)];

    // 4. The objects.
    const objects = nodes.map((node) => (node.isArray ? [] : {}));
    for (let i = 0; i < nodes.length; i++) {
        const node = nodes[i];
        const object = objects[i];
        node.slots.forEach(([kind, v], j) => {
            const value = kind === NUMBER ? v : kind === STRING ? STRINGS[v] : objects[v];
            if (node.isArray)
                object.push(value);
            else
                object[KEYS[(node.firstKey + j) % 8]] = value;
        });
    }
    stats.nodes = nodes.length;
    stats.final_state = rng.state();
    stats.max_depth = depthFirstMaxDepth(objects[0]);
    return { root: objects[0], stats };
}

function buildDeep(n) {
    const stats = { shape: 'deep', nodes: n, arrays: 0, objects: n, slots: 0, references: 0, shared_references: 0,
        numbers: 0, strings: 0, max_depth: 0, final_state: 0 };
    if (n === 0)
        return { root: undefined, stats };
    const nodes = [];
    for (let i = 0; i < n; i++)
        nodes.push({});
    for (let i = 0; i < n; i++) {
        nodes[i].value = i;
        stats.numbers++;
        if (i + 1 < n) {
            nodes[i].next = nodes[i + 1];
            stats.references++;
        }
        nodes[i].back = nodes[Math.floor(i / 2)];
        stats.references++;
        stats.shared_references++;
    }
    stats.slots = stats.numbers + stats.references;
    stats.max_depth = depthFirstMaxDepth(nodes[0]);
    return { root: nodes[0], stats };
}

function build(shape, n) {
    if (shape === 'wide')
        return buildWide(n);
    if (shape === 'deep')
        return buildDeep(n);
    throw new Error(`unknown shape ${shape}`);
}

function parseArgs(argv) {
    const args = { shape: 'wide', nodes: 1000, reps: 7, minBatchMs: 50, shapeStats: null };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = () => {
            if (i + 1 >= argv.length)
                throw new Error(`${a} needs a value`);
            return argv[++i];
        };
        if (a === '--shape') args.shape = value();
        else if (a === '--nodes') args.nodes = Number(value());
        else if (a === '--reps') args.reps = Number(value());
        else if (a === '--min-batch-ms') args.minBatchMs = Number(value());
        else if (a === '--shape-stats') args.shapeStats = value();
        else throw new Error(`unknown argument ${a}`);
    }
    if (!Number.isInteger(args.nodes) || args.nodes < 1)
        throw new Error('--nodes must be a positive integer');
    return args;
}

function engineName() {
    if (typeof Deno !== 'undefined') return `deno ${Deno.version.deno}`;
    if (typeof Bun !== 'undefined') return `bun ${Bun.version}`;
    return `node ${process.version}`;
}

function peakRssMiB() {
    // resourceUsage().maxRSS is in KiB.
    if (typeof process !== 'undefined' && process.resourceUsage)
        return process.resourceUsage().maxRSS / 1024;
    return null;
}

const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function main() {
    const args = parseArgs(process.argv.slice(2));
    if (args.shapeStats) {
        const [shape, nodes] = args.shapeStats.split(':');
        console.log(JSON.stringify(build(shape, Number(nodes)).stats));
        return;
    }
    const { root, stats } = build(args.shape, args.nodes);
    const result = { engine: engineName(), shape: args.shape, nodes: stats.nodes, ns_per_node: null, cpu_ns_per_node: null,
        samples_ns_per_node: [], clones_per_batch: 0, peak_rss_MiB: null, error: null };
    const cpuSamples = [];
    let sink;
    try {
        // Warm-up: one clone, then enough to last about one batch.
        let t0 = process.hrtime.bigint();
        sink = structuredClone(root);
        const oneMs = Number(process.hrtime.bigint() - t0) / 1e6;
        const perBatch = Math.max(1, Math.ceil(args.minBatchMs / Math.max(oneMs, 1e-3)));
        for (let k = 0; k < perBatch; k++)
            sink = structuredClone(root);
        result.clones_per_batch = perBatch;
        for (let rep = 0; rep < args.reps; rep++) {
            const cpu0 = process.cpuUsage();
            t0 = process.hrtime.bigint();
            for (let k = 0; k < perBatch; k++)
                sink = structuredClone(root);
            const ns = Number(process.hrtime.bigint() - t0);
            const cpu = process.cpuUsage(cpu0); // microseconds, all threads (V8's GC helpers included)
            result.samples_ns_per_node.push(ns / perBatch / stats.nodes);
            cpuSamples.push(((cpu.user + cpu.system) * 1000) / perBatch / stats.nodes);
        }
        result.ns_per_node = median(result.samples_ns_per_node);
        result.cpu_ns_per_node = median(cpuSamples);
    } catch (e) {
        // A recursive serializer runs out of stack on the deep shape: that is a result, not a
        // failure of this script. Anything else is.
        if (!(e instanceof RangeError && /call stack/i.test(e.message)))
            throw e;
        result.error = `${e.name}: ${e.message}`;
        sink = undefined;
    }
    if (sink === root)
        throw new Error('structuredClone returned its argument');
    result.peak_rss_MiB = peakRssMiB();
    console.log(JSON.stringify(result));
}

main();
