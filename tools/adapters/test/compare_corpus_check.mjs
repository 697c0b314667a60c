// Checks lib/compare.mjs against the C++ comparator on a corpus of Observation pairs written by
// pmconf_compare_corpus (conformance/tests/compare_corpus.cpp): for every pair, the same verdict
// and, when they differ, the same field, where, expected, observed, step, signature, summary and
// nearest allowed Observation (referenceIndex). The ctest test conformance.compare_corpus_js_agrees
// runs both.
//
//   node tools/adapters/test/compare_corpus_check.mjs CORPUS.jsonl [--show N]
//
// Prints the first N (10) disagreements with their line numbers, and a count by part; exits 1 when
// there is any, 2 when the corpus cannot be read. `node --test` runs every .mjs file under test/,
// this one too: without arguments it exits at once.
import { readFileSync } from 'node:fs';
import process from 'node:process';

import { compareObservations, differenceSignature, differenceSummary } from '../lib/compare.mjs';

const args = process.argv.slice(2);
if (args.length === 0)
    process.exit(0);
let file;
let show = 10;
for (let i = 0; i < args.length; ++i) {
    if (args[i] === '--show' && i + 1 < args.length)
        show = Number(args[++i]);
    else if (file === undefined)
        file = args[i];
    else {
        process.stderr.write('usage: compare_corpus_check.mjs CORPUS.jsonl [--show N]\n');
        process.exit(2);
    }
}

let text;
try {
    text = readFileSync(file, 'utf8');
} catch (e) {
    process.stderr.write(`compare_corpus_check: cannot read ${file}: ${e.message}\n`);
    process.exit(2);
}

const parts = ['field', 'where', 'expected', 'observed', 'step', 'signature', 'summary', 'referenceIndex'];

// What compare.mjs says about a pair, in the corpus's form (null: no difference).
function jsVerdict(reference, observed) {
    const d = compareObservations(reference, observed);
    if (d === null)
        return null;
    return { ...d, signature: differenceSignature(d), summary: differenceSummary(d), referenceIndex: d.referenceIndex ?? 0 };
}

const started = performance.now();
const lines = text.split('\n').filter(l => l !== '');
const disagreements = [];
const byPart = new Map();
let differences = 0;
for (let i = 0; i < lines.length; ++i) {
    let pair;
    try {
        pair = JSON.parse(lines[i]);
    } catch (e) {
        process.stderr.write(`compare_corpus_check: ${file}:${i + 1}: not JSON: ${e.message}\n`);
        process.exit(2);
    }
    const cpp = pair.cpp;
    if (cpp !== null)
        ++differences;
    let js;
    let what;
    try {
        js = jsVerdict(pair.reference, pair.observed);
    } catch (e) {
        what = [['exception', e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : String(e), 'no exception']];
    }
    if (!what) {
        if ((js === null) !== (cpp === null))
            what = [['verdict', js === null ? 'no difference' : js.summary, cpp === null ? 'no difference' : cpp.summary]];
        else if (js !== null)
            what = parts.filter(p => js[p] !== cpp[p]).map(p => [p, js[p], cpp[p]]);
        else
            what = [];
    }
    if (what.length === 0)
        continue;
    disagreements.push({ line: i + 1, pair, what });
    for (const [part] of what)
        byPart.set(part, (byPart.get(part) ?? 0) + 1);
}
const ms = Math.round(performance.now() - started);

const say = s => process.stdout.write(`${s}\n`);
say(`compare_corpus_check: ${lines.length} pairs (${differences} with a difference, ${lines.length - differences} without) `
    + `checked in ${ms} ms: ${lines.length - disagreements.length} agree, ${disagreements.length} disagree`);
if (disagreements.length === 0)
    process.exit(0);
say(`disagreements by part: ${[...byPart].map(([p, n]) => `${p} ${n}`).join(', ')}`);
for (const { line, pair, what } of disagreements.slice(0, show)) {
    say(`${file}:${line}: case ${pair.case}, change ${pair.change}`);
    for (const [part, js, cpp] of what) {
        say(`  ${part}:`);
        say(`    compare.mjs: ${JSON.stringify(js)}`);
        say(`    C++:         ${JSON.stringify(cpp)}`);
    }
}
if (disagreements.length > show)
    say(`... and ${disagreements.length - show} more`);
process.exit(1);
