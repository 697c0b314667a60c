// Prints run_bench.sh's tables from the JSON files it left in a results folder:
//   <dir>/<benchmark>.<nodes>.json       model_bench --benchmark_format=json, one benchmark and size
//   <dir>/<benchmark>.cold.<nodes>.json  the same without --keep-freed-memory
//   <dir>/node.<shape>.<nodes>.json  node_clone_bench.mjs
//
//   node tools/bench/bench_table.mjs <dir> <nodes> [<nodes> ...]
//
// Exits non-zero when a file is missing or a benchmark reported an error.

import { existsSync, readFileSync } from 'node:fs';

const [dir, ...sizeArgs] = process.argv.slice(2);
if (!dir || sizeArgs.length === 0) {
    console.error('usage: bench_table.mjs <results dir> <nodes>...');
    process.exit(2);
}
const sizes = sizeArgs.map(Number);

function readJson(path) {
    if (!existsSync(path))
        throw new Error(`missing ${path}`);
    // Google Benchmark writes NaN and Infinity (a stddev of identical values can come out as NaN),
    // which JSON does not have.
    return JSON.parse(readFileSync(path, 'utf8').replace(/:\s*-?(nan|inf(inity)?)\b/gi, ': null'));
}

// The median over the repetitions (or the single run) of one model benchmark at one size.
function model(benchmark, nodes) {
    const report = readJson(`${dir}/${benchmark}.${nodes}.json`);
    const runs = report.benchmarks ?? [];
    const failed = runs.find((r) => r.error_occurred);
    if (failed)
        throw new Error(`${failed.name}: ${failed.error_message}`);
    const median = runs.find((r) => r.aggregate_name === 'median') ?? runs.find((r) => r.run_type === 'iteration');
    if (!median)
        throw new Error(`${benchmark}/${nodes}: no result in ${dir}/${benchmark}.${nodes}.json`);
    const peak = Math.max(...runs.map((r) => r.peak_rss_MiB ?? 0));
    return { ...median, peak_rss_MiB: peak };
}

function node(shape, nodes) {
    return readJson(`${dir}/node.${shape}.${nodes}.json`);
}

const fixed = (x, digits) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits));
const percent = (traced, plain) => `${((traced / plain - 1) * 100).toFixed(0)}%`;
const si = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(0)}k`);

function printTable(title, header, rows) {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
    const line = (cells) => cells.map((c, i) => (i < 1 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
    console.log(title);
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows)
        console.log(line(r));
    console.log();
}

try {
    const main = [];
    const detail = [];
    for (const shape of ['wide', 'deep']) {
        for (const n of sizes) {
            const cloneName = shape === 'wide' ? 'BM_StructuredClone' : 'BM_StructuredClone_Deep';
            const clone = model(cloneName, n);
            const cold = model(`${cloneName}.cold`, n);
            const js = node(shape, n);
            const overflow = js.error && /call stack/i.test(js.error);
            const jsCell = js.error ? (overflow ? 'stack overflow' : js.error) : fixed(js.ns_per_node, 0);
            const ratio = (m) => (js.error ? '-' : (js.ns_per_node / m.ns_per_node).toFixed(2));
            let trace = '-';
            let serialize = '-';
            let deserialize = '-';
            let steps = '-';
            if (shape === 'wide') {
                const counts = model('BM_StructuredClone_TraceCounts', n);
                const sequence = model('BM_StructuredClone_TraceSequence', n);
                trace = `${percent(counts.ns_per_node, clone.ns_per_node)} / ${percent(sequence.ns_per_node, clone.ns_per_node)}`;
                steps = fixed(sequence.steps_per_node, 1);
                serialize = fixed(model('BM_Serialize', n).ns_per_node, 0);
                deserialize = fixed(model('BM_Deserialize', n).ns_per_node, 0);
            }
            main.push([shape, n, fixed(clone.ns_per_node, 0), si(clone.nodes_per_s), fixed(clone.peak_rss_MiB, 0), jsCell,
                ratio(clone), trace, fixed(cold.ns_per_node, 0), fixed(cold.faults_per_node, 3), ratio(cold)]);
            detail.push([shape, n, serialize, deserialize, fixed(clone.cpu_ns_per_node, 0),
                js.error ? '-' : fixed(js.cpu_ns_per_node, 0), fixed(clone.clone_extra_MiB, 1),
                fixed((clone.clone_extra_MiB * 1048576) / n, 0), steps, fixed(js.peak_rss_MiB, 0)]);
        }
    }
    printTable('structured clone throughput (medians). node/model = node ns/node over model ns/node; trace overhead = '
        + 'time with a Trace installed (counts only / full sequence) over time without; cold = glibc malloc defaults',
        ['shape', 'nodes', 'model ns/node', 'model nodes/s', 'model peak RSS MiB', 'node ns/node', 'node/model',
            'trace overhead', 'cold: model ns/node', 'cold: faults/node', 'cold: node/model'], main);
    printTable('detail (serialize and deserialize timed apart; CPU = thread CPU time of the model, process CPU time of node)',
        ['shape', 'nodes', 'serialize ns/node', 'deserialize ns/node', 'model CPU ns/node', 'node CPU ns/node',
            'clone extra MiB', 'clone extra B/node', 'steps/node', 'node peak RSS MiB'], detail);
    if (existsSync(`${dir}/BM_StructuredClone_AfterMillionObjects.1000.json`) && sizes.includes(1000)) {
        const late = model('BM_StructuredClone_AfterMillionObjects', 1000);
        const alone = model('BM_StructuredClone', 1000);
        console.log(`a 1000-node wide graph allocated after 1e6 other objects: ${fixed(late.ns_per_node, 0)} ns/node, `
            + `${(late.ns_per_node / alone.ns_per_node).toFixed(1)}x the ${fixed(alone.ns_per_node, 0)} ns/node in a heap of its own`);
    }
} catch (e) {
    console.error(`bench_table.mjs: ${e.message}`);
    process.exit(1);
}
