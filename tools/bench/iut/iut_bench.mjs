// Throughput of pmconf against Node.js, end to end (generation, the model, JSON both ways, the
// node adapter, comparison), at batch sizes 1, 10, 100 and 1000, and in the same run a fast-check
// property that round-trips similar values through structuredClone in-process.
//
//   node tools/bench/iut/iut_bench.mjs [--cases 20000] [--max-size 300] [--pmconf build/bin/pmconf]
//
// Run from the repository root after building pmconf (tools/bench/iut/run_iut_bench.sh does
// both). For each batch size: cases/s, mean nodes per case, and the share of wall time pmconf
// spent waiting for the IUT's replies (high: the IUT is the bottleneck, not the harness).
// Prints a Markdown table, then one JSON line with every figure.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const options = { cases: 20000, 'max-size': 300, pmconf: 'build/bin/pmconf' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!Object.hasOwn(options, key) || argv[i + 1] === undefined) {
        process.stderr.write('usage: iut_bench.mjs [--cases N] [--max-size N] [--pmconf PATH]\n');
        process.exit(2);
    }
    options[key] = key === 'pmconf' ? argv[i + 1] : Number(argv[i + 1]);
}

const property = 'round-trip-plain-data';
const dir = mkdtempSync(join(tmpdir(), 'pmconf-iut-bench-'));
const rows = [];
try {
    for (const batch of [1, 10, 100, 1000]) {
        // Batch size 1 is a round trip per case: fewer cases keep it short.
        const cases = batch === 1 ? Math.max(1, Math.floor(options.cases / 4)) : options.cases;
        const out = join(dir, `b${batch}`);
        const started = process.hrtime.bigint();
        try {
            execFileSync(options.pmconf, ['run', '-q', '--iut', 'node', '--property', property, '--cases', String(cases),
                '--max-size', String(options['max-size']), '--batch-size', String(batch), '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
        } catch (e) {
            if (e.status !== 1) // 1: deviations, still a measurement
                throw e;
        }
        const wall = Number(process.hrtime.bigint() - started) / 1e9;
        const xml = readFileSync(join(out, 'node.junit.xml'), 'utf8');
        const prop = name => Number((xml.match(new RegExp(`name="${name}\\.${property}" value="([^"]*)"`)) ?? [])[1]);
        const seconds = Number((xml.match(new RegExp(`<testcase name="${property}[^"]*" classname="[^"]*" time="([^"]*)"`)) ?? [])[1]);
        const n = prop('cases');
        rows.push({ batch, cases: n, seconds, cases_per_s: n / seconds, nodes_per_case: prop('nodes') / n,
            iut_wait_share: prop('iut_wait_seconds') / seconds, process_wall_seconds: wall });
    }
} finally {
    rmSync(dir, { recursive: true, force: true });
}
const fc = JSON.parse(execFileSync(process.execPath, ['tools/bench/iut/fastcheck_bench.mjs', '--cases', String(options.cases)], { encoding: 'utf8' }).trim().split('\n').pop());

const f = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(`| batch | cases | nodes/case | seconds | cases/s | waiting for node | pmconf / fast-check |`);
console.log(`| ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
for (const r of rows)
    console.log(`| ${r.batch} | ${r.cases} | ${f(r.nodes_per_case, 1)} | ${f(r.seconds, 2)} | ${f(r.cases_per_s)} | ${f(100 * r.iut_wait_share)}% | ${f(r.cases_per_s / fc.cases_per_s, 2)} |`);
console.log(`\nfast-check in-process (${fc.cases} cases, same run): ${f(fc.cases_per_s)} cases/s`);
console.log(JSON.stringify({ pmconf: rows, fastcheck: fc }));
