// pmconf reproducer: one Scenario, run once on one implementation and compared with what the spec
// requires. Standalone: it needs nothing but a runtime (and, for a polyfill, the package in
// tools/adapters/node_modules). Exit status: 1 the deviation is still there, 0 the implementation
// now conforms, 2 the Scenario could not be run.
//
// @@PMCONF_HEADER@@

// @@PMCONF_DATA@@

// The rest of this file is pmconf's IUT core (tools/adapters/lib/core.mjs: build the Scenario's
// values, run it, encode the Observation) and comparator (tools/adapters/lib/compare.mjs),
// copied verbatim, then the few lines that run the reproducer.

// @@PMCONF_CORE@@

// ---------------------------------------------------------------------------------------------
// The reproducer.

const reproExitStatus = { conforms: 0, deviates: 1, couldNotRun: 2 };
const reproWatchdogMs = 60000;

function reproWrite(text) {
    if (typeof globalThis.Deno !== 'undefined') {
        const bytes = new TextEncoder().encode(text);
        for (let off = 0; off < bytes.length;)
            off += globalThis.Deno.stdout.writeSync(bytes.subarray(off));
        return Promise.resolve();
    }
    return new Promise(resolve => globalThis.process.stdout.write(text, () => resolve()));
}

async function reproExit(status, text) {
    await reproWrite(text);
    if (typeof globalThis.Deno !== 'undefined')
        globalThis.Deno.exit(status);
    globalThis.process.exit(status);
}

function reproDescribeOutcome(o) {
    if (Array.isArray(o.outcomes))
        return `${o.outcomes.length} outcomes, ${(o.events ?? []).length} events`;
    if (!o.threw)
        return 'a returned value';
    const e = o.error ?? {};
    if (e.name === 'user value')
        return `the value the getter threw (${JSON.stringify(o.thrownValue)})`;
    return `a thrown ${e.name}${e.domException ? ' DOMException' : ''}`;
}

// An Observation, one line per field and per result node.
function reproShow(o) {
    const out = [`  threw: ${o.threw}`];
    if (o.threw) {
        out.push(`  error: ${JSON.stringify(o.error)}`);
        if (o.thrownValue !== undefined)
            out.push(`  thrownValue: ${JSON.stringify(o.thrownValue)}`);
    } else if (o.result) {
        out.push(`  result root: ${JSON.stringify(o.result.root)}`);
        (o.result.nodes ?? []).forEach((n, i) => out.push(`  #${i} ${JSON.stringify(n)}`));
    }
    out.push(`  transferables: ${JSON.stringify(o.transferables ?? [])}`, `  getterCalls: ${JSON.stringify(o.getterCalls ?? [])}`);
    return out;
}

// An operation of a sequence, as the reference model's to_string(Operation) shows it.
function reproShowOperation(op) {
    const port = p => `port(${p[0]}.${p[1]})`;
    const message = `[${op.label}]${op.message?.sharedArrayBuffer ? '+SharedArrayBuffer' : ''}${op.message?.symbol ? '+Symbol' : ''}`;
    const transfer = (op.transfer ?? []).map(port).join(', ');
    const args = op.overload === 'sequence' ? `${message}, [${transfer}]` : message + (transfer ? `, {transfer: [${transfer}]}` : '');
    const agent = op.agent !== undefined && op.agent !== 'windowA' ? `in ${op.agent}: ` : '';
    switch (op.op) {
    case 'newChannel': return `${agent}new MessageChannel() -> port(${op.label}.0), port(${op.label}.1)`;
    case 'portPost': return `${port(op.port)}.postMessage(${args})`;
    case 'portStart': return `${port(op.port)}.start()`;
    case 'portSetOnmessage': return `${port(op.port)}.onmessage = f`;
    case 'portAddListener': return `${port(op.port)}.addEventListener('message', f)`;
    case 'portClose': return `${port(op.port)}.close()`;
    case 'newBroadcastChannel': return `${agent}broadcast(${op.label}) = new BroadcastChannel(${JSON.stringify(op.name)})`;
    case 'broadcastPost': return `broadcast(${op.channel}).postMessage(${message})`;
    case 'broadcastClose': return `broadcast(${op.channel}).close()`;
    case 'runEventLoops': return 'run the event loops';
    case 'newWorker': return `worker(${op.label}) = new Worker(${op.unparsableURL ? "'http://['" : 'url'})`;
    case 'workerRuns': return `worker(${op.worker})'s script has loaded and runs`;
    case 'workerPost': return `worker(${op.worker}).postMessage(${args})`;
    case 'workerGlobalPost': return `in worker(${op.worker}): postMessage(${args})`;
    default: return `${op.op} ${JSON.stringify(op)}`;
    }
}

// An operation sequence: each operation with what the spec requires next to what happened, then
// the events per target.
function reproShowOperations(expected, observed, who) {
    const say = o => (o === undefined ? '-' : o.skipped ? 'skipped' : o.threw ? `threw ${o.error}` : 'returned');
    const ops = (SCENARIO.operations ?? []).map(op => `#${op.label} ${reproShowOperation(op)}`);
    const width = Math.max(0, ...ops.map(s => s.length));
    const out = [`Operations (the spec requires | ${who} gave):`];
    ops.forEach((s, i) => {
        const e = say(expected.outcomes[i]);
        const o = say(observed.outcomes?.[i]);
        out.push(`  ${s.padEnd(width)}  ${e} | ${o}${e === o ? '' : '   <- differs'}`);
    });
    out.push(`Events at each target, in order (the spec requires | ${who} gave):`);
    for (const row of operationEventRows(expected, observed)) {
        const e = row.expected.join(', ') || 'none';
        const o = row.observed.join(', ') || 'none';
        out.push(`  ${row.target}: ${e} | ${o}${e === o ? '' : '   <- differs'}`);
    }
    return out;
}

async function reproMain() {
    const watchdog = setTimeout(() => {
        reproExit(reproExitStatus.couldNotRun, `pmconf reproducer: no answer within ${reproWatchdogMs / 1000} s\n`);
    }, reproWatchdogMs);
    let who;
    let observation;
    try {
        await setImplementation(IMPL);
        const d = describeImplementation();
        who = d.implementation === d.runtime ? `${d.runtime} ${d.runtimeVersion}`
            : `${d.implementation} ${d.version} (on ${d.runtime} ${d.runtimeVersion})`;
        observation = await runScenario(SCENARIO);
    } catch (e) {
        clearTimeout(watchdog);
        await reproExit(reproExitStatus.couldNotRun,
            `pmconf reproducer: could not run the Scenario on ${who ?? IMPL}: ${e && e.stack ? e.stack : String(e)}\n`);
        return;
    }
    clearTimeout(watchdog);
    const difference = compareObservations(EXPECTED, observation, SCENARIO);
    const sequence = Array.isArray(EXPECTED.outcomes);
    const lines = [`pmconf reproducer for ${SIGNATURE}`, `Ran on: ${who}`];
    if (difference) {
        // For an outcome or an error name, `where` only repeats what the lines below say.
        const place = difference.where && difference.field !== 'outcome' && difference.field !== 'error-name'
            ? ` (${difference.field} at ${difference.where})` : ` (${difference.field})`;
        lines.push(`The spec requires${place}: ${difference.expected}`);
        lines.push(`${who} gave: ${difference.observed}`);
        // The step where the model threw is in SIGNATURE but not in protocol v1's EXPECTED: a
        // difference without a step matches SIGNATURE without its "@step".
        const now = differenceSignature(difference);
        const stepAt = SIGNATURE.indexOf('@');
        const sameBase = stepAt >= 0 && !difference.step && now === SIGNATURE.slice(0, stepAt);
        const step = difference.step || (sameBase ? SIGNATURE.slice(stepAt + 1) : '');
        if (step)
            lines.push(`Spec step: ${step}`);
        if (now !== SIGNATURE && !sameBase)
            lines.push(`Note: the difference now has the signature ${now}`);
        if (!sequence)
            lines.push('What the spec requires (the reference model\'s Observation):', ...reproShow(EXPECTED));
    } else {
        lines.push(`Conforms: ${who} gave what the spec requires (${reproDescribeOutcome(EXPECTED)}).`);
    }
    if (sequence)
        lines.push(...reproShowOperations(EXPECTED, observation, who));
    else
        lines.push(`What ${who} gave:`, ...reproShow(observation));
    lines.push(`PMCONF-OBSERVATION ${JSON.stringify(observation)}`);
    await reproExit(difference ? reproExitStatus.deviates : reproExitStatus.conforms, `${lines.join('\n')}\n`);
}

await reproMain();
