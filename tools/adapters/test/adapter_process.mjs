// The adapter as a child process, for the tests that run it under each runtime
// (adapter.test.mjs, operations.test.mjs). Not a test file itself: `node --test` runs it too (every
// .mjs under test/), and it has no tests.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
export const adapterDir = fileURLToPath(new URL('..', import.meta.url));
export const adapter = `${adapterDir}pmconf-adapter.mjs`;
export const bin = name => `${adapterDir}node_modules/.bin/${name}`;
export const hasPackage = name => existsSync(`${adapterDir}node_modules/${name}/package.json`);

export const runtimes = [
    { name: 'node', argv: [process.execPath, adapter] },
    { name: 'deno', argv: [bin('deno'), 'run', '--no-prompt', '--no-lock', adapter], available: existsSync(bin('deno')) },
    { name: 'bun', argv: [bin('bun'), adapter], available: existsSync(bin('bun')) },
];

// One adapter process; request() resolves with the reply line that answers it (replies come in
// request order).
export class Adapter {
    constructor(argv) {
        this.proc = spawn(argv[0], argv.slice(1), { cwd: here, stdio: ['pipe', 'pipe', 'pipe'] });
        this.stderr = '';
        this.proc.stderr.on('data', d => { this.stderr += d; });
        this.lines = [];
        this.waiters = [];
        this.exited = new Promise(resolve => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
        readline.createInterface({ input: this.proc.stdout }).on('line', l => {
            const w = this.waiters.shift();
            if (w)
                w(l);
            else
                this.lines.push(l);
        });
    }

    async line() {
        const l = this.lines.length ? this.lines.shift() : await new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no reply within 10 s; stderr: ${this.stderr}`)), 10000);
            this.waiters.push(x => { clearTimeout(timer); resolve(x); });
        });
        return JSON.parse(l);
    }

    send(text) {
        this.proc.stdin.write(text + '\n');
        return this.line();
    }

    request(message) { return this.send(JSON.stringify(message)); }

    async run(...scenarios) {
        const id = ++Adapter.id;
        const reply = await this.request({ pmconf: 'run', id, scenarios });
        assert.equal(reply.id, id);
        assert.equal(reply.pmconf, 'observations', JSON.stringify(reply));
        assert.equal(reply.observations.length, scenarios.length);
        return reply.observations;
    }

    async one(scenario) { return (await this.run(scenario))[0]; }

    async close() {
        if (this.proc.exitCode === null && !this.proc.killed) {
            this.proc.stdin.write('{"pmconf":"bye"}\n');
            this.proc.stdin.end();
        }
        return this.exited;
    }
}
Adapter.id = 0;
