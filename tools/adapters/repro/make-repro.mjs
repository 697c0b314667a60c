// Builds a standalone reproducer from template.mjs, exactly as pmconf does in C++: each of the
// three placeholder lines is replaced whole (see README.md, "Reproducers").
//
//   node tools/adapters/repro/make-repro.mjs --scenario S.json --expected E.json \
//       --signature SIG [--impl native|ungap|core-js] [--summary TEXT] [--step STEP] --out FILE.mjs
//
// S.json is a protocol v1 Scenario, E.json the reference model's protocol v1 Observation.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = new URL('.', import.meta.url);
const read = rel => readFileSync(new URL(rel, here), 'utf8');

export const placeholders = { header: '// @@PMCONF_HEADER@@', data: '// @@PMCONF_DATA@@', core: '// @@PMCONF_CORE@@' };

// The header: what deviates, the spec step, how to run it (from the repository root).
export function headerLines({ impl = 'native', signature, summary, step, file = 'FILE' }) {
    const lines = [`// Deviation: ${signature}`];
    if (summary)
        lines.push(`// ${summary}`);
    if (step)
        lines.push(`// Spec step: ${step}`);
    lines.push('// Run from the repository root with any of:');
    lines.push(`//   node ${file}`);
    if (impl === 'native') {
        lines.push(`//   tools/adapters/node_modules/.bin/deno run --no-prompt --no-lock ${file}`);
        lines.push(`//   tools/adapters/node_modules/.bin/bun ${file}`);
    }
    lines.push('// It prints the difference, the full Observation and a line "PMCONF-OBSERVATION <json>".');
    return lines;
}

export function dataLines({ impl = 'native', scenario, expected, signature }) {
    return [
        `const IMPL = ${JSON.stringify(impl)};`,
        `const SCENARIO = ${JSON.stringify(scenario)};`,
        `const EXPECTED = ${JSON.stringify(expected)};`,
        `const SIGNATURE = ${JSON.stringify(signature)};`,
    ];
}

// Replaces each placeholder line (the whole line, which must appear exactly once) with `lines`.
export function substitute(template, replacements) {
    const out = [];
    const seen = new Set();
    for (const line of template.split('\n')) {
        const name = Object.keys(placeholders).find(k => placeholders[k] === line);
        if (name === undefined) {
            out.push(line);
            continue;
        }
        if (seen.has(name))
            throw new Error(`placeholder ${line} appears twice`);
        seen.add(name);
        out.push(...replacements[name]);
    }
    for (const name of Object.keys(placeholders))
        if (!seen.has(name))
            throw new Error(`placeholder ${placeholders[name]} is missing`);
    return out.join('\n');
}

export function makeRepro({ impl = 'native', scenario, expected, signature, summary, step, file }) {
    const core = `${read('../lib/core.mjs')}\n${read('../lib/compare.mjs')}`;
    return substitute(read('template.mjs'), {
        header: headerLines({ impl, signature, summary, step, file }),
        data: dataLines({ impl, scenario, expected, signature }),
        core: core.replace(/\n$/, '').split('\n'),
    });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
    const args = {};
    for (let i = 2; i < process.argv.length; i += 2) {
        const k = process.argv[i];
        if (!k.startsWith('--') || i + 1 >= process.argv.length) {
            process.stderr.write('usage: make-repro.mjs --scenario S.json --expected E.json --signature SIG [--impl IMPL] [--summary TEXT] [--step STEP] --out FILE.mjs\n');
            process.exit(2);
        }
        args[k.slice(2)] = process.argv[i + 1];
    }
    for (const k of ['scenario', 'expected', 'signature', 'out'])
        if (args[k] === undefined) {
            process.stderr.write(`make-repro.mjs: --${k} is required\n`);
            process.exit(2);
        }
    writeFileSync(args.out, makeRepro({
        impl: args.impl ?? 'native',
        scenario: JSON.parse(readFileSync(args.scenario, 'utf8')),
        expected: JSON.parse(readFileSync(args.expected, 'utf8')),
        signature: args.signature, summary: args.summary, step: args.step, file: args.out,
    }));
}
