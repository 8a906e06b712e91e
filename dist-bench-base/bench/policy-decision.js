import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCedarPolicyEngine } from '../src/policy/cedar/index.js';
import { buildCedarRequest } from '../src/policy/cedar/entities.js';
import { CEDAR_WARMUP_MS } from './support/bare-parts.js';
import { startDecisionProcesses } from './support/decision-processes.js';
import { autoApprovedDecisions } from './support/decision-inputs.js';
import { POLICY_DIR } from './support/paths.js';
import { isAllow, preparseRaw } from './support/raw-cedar.js';
import { medianOf, summarize } from './support/stats.js';
const SIZES = [20, 200, 2000];
/**
 * Policies that never permit alice's request but that Cedar must still look at: half share the
 * `request` action and fail only in their condition, half fail on their scope. All carry an @id
 * and pass strict validation against the shipped schema.
 */
export function fillerPolicies(count) {
    const out = [];
    for (let i = 0; i < count; i++) {
        switch (i % 4) {
            case 0:
                out.push(`@id("bench-request-${i}")\n@approvals("1")\n@max_duration("PT4H")\n` +
                    `permit (principal, action == Hourglass::Action::"request", resource)\n` +
                    `when { resource.risk == "tier-${i}" && principal in Hourglass::Group::"team-${i}" };`);
                break;
            case 1:
                out.push(`@id("bench-review-${i}")\n` +
                    `permit (principal in Hourglass::Group::"team-${i}", action == Hourglass::Action::"review", resource)\n` +
                    `when { resource.entitlement.risk == "low" };`);
                break;
            case 2:
                out.push(`@id("bench-leaver-${i}")\n@description("leaver-${i} has left")\n` +
                    `forbid (principal == Hourglass::Identity::"leaver-${i}", action, resource);`);
                break;
            default:
                out.push(`@id("bench-target-${i}")\n@description("legacy target ${i} is closed")\n` +
                    `forbid (principal, action == Hourglass::Action::"request", resource)\n` +
                    `when { resource.targetKind == "legacy-${i}" && context.durationSeconds > ${i} };`);
        }
    }
    return out.join('\n\n') + '\n';
}
/** The shipped bundle plus enough filler to reach `total` policies. */
async function policyDirWith(total, shipped) {
    const dir = await mkdtemp(path.join(tmpdir(), 'hourglass-bench-policies-'));
    for (const entry of await readdir(POLICY_DIR, { withFileTypes: true })) {
        if (entry.isFile())
            await copyFile(path.join(POLICY_DIR, entry.name), path.join(dir, entry.name));
    }
    if (total > shipped)
        await writeFile(path.join(dir, 'zz-bench-filler.cedar'), fillerPolicies(total - shipped));
    return dir;
}
async function countShipped() {
    const engine = await createCedarPolicyEngine({ policyDir: POLICY_DIR });
    const count = engine.bundle().policyIds.length;
    await engine.close();
    return count;
}
const PROCESSES = 2;
/**
 * The issue asks whether decisions can use both cores: the same engine in one child process and
 * in two, alternating round by round, decisions per second summed.
 */
async function coreScaling(policyDir, count, options) {
    const children = await startDecisionProcesses(PROCESSES, {
        policyDir,
        warmupMs: CEDAR_WARMUP_MS,
    });
    try {
        const durationMs = options.quick ? 1000 : 2000;
        const runs = [];
        for (let round = 0; round < options.rounds; round++) {
            const one = await children.round(1, durationMs);
            const two = await children.round(PROCESSES, durationMs);
            runs.push({ one, two });
        }
        const m = medianOf(runs, ['one', 'two']);
        return {
            metric: `decisions/s in ${PROCESSES} processes vs 1, ${count} policies`,
            unit: '/s',
            ours: m.two,
            floor: m.one,
            targets: [],
        };
    }
    finally {
        await children.close();
    }
}
export const policyDecision = {
    name: 'policy',
    title: 'Policy decision: CedarPolicyEngine.decide vs raw pre-parsed statefulIsAuthorized',
    async run(options, progress) {
        const shipped = await countShipped();
        const rows = [];
        const notes = [];
        const sizes = options.quick ? SIZES.slice(0, 2) : SIZES;
        for (const size of sizes) {
            const dir = await policyDirWith(size, shipped);
            const loadStart = performance.now();
            const engine = await createCedarPolicyEngine({ policyDir: dir });
            const loadMs = performance.now() - loadStart;
            const bundle = engine.bundle();
            const raw = preparseRaw(bundle);
            try {
                const input = autoApprovedDecisions(new Date()).request;
                const cedarRequest = buildCedarRequest(input);
                const ours = await engine.decide(input);
                if (!ours.allowed || !isAllow(raw.decide(cedarRequest))) {
                    throw new Error(`the benchmark request must be allowed (ours: ${ours.reasons.join('; ')})`);
                }
                const iterations = options.quick ? 100 : size >= 2000 ? 300 : 500;
                const warmEnd = performance.now() + CEDAR_WARMUP_MS;
                while (performance.now() < warmEnd) {
                    await engine.decide(input);
                    raw.decide(cedarRequest);
                }
                const runs = [];
                for (let round = 0; round < options.rounds; round++) {
                    const oursSamples = [];
                    const rawSamples = [];
                    // Interleaved call by call, so a neighbour's burst on the machine hits both alike.
                    for (let i = 0; i < iterations; i++) {
                        let t = performance.now();
                        await engine.decide(input);
                        oursSamples.push(performance.now() - t);
                        t = performance.now();
                        raw.decide(cedarRequest);
                        rawSamples.push(performance.now() - t);
                    }
                    const o = summarize(oursSamples);
                    const r = summarize(rawSamples);
                    runs.push({
                        oursP50: o.p50,
                        oursP99: o.p99,
                        rawP50: r.p50,
                        rawP99: r.p99,
                        oursMean: o.mean,
                        rawMean: r.mean,
                    });
                }
                const m = medianOf(runs, ['oursP50', 'oursP99', 'rawP50', 'rawP99', 'oursMean', 'rawMean']);
                const count = bundle.policyIds.length;
                const us = (ms) => ms * 1000;
                rows.push({
                    metric: `p50 latency, ${count} policies`,
                    unit: 'µs',
                    ours: us(m.oursP50),
                    floor: us(m.rawP50),
                    targets: [],
                }, {
                    metric: `p99 latency, ${count} policies`,
                    unit: 'µs',
                    ours: us(m.oursP99),
                    floor: us(m.rawP99),
                    targets: [{ on: 'ratio', op: '<=', value: 1.3 }],
                }, {
                    metric: `decisions/s (one core), ${count} policies`,
                    unit: '/s',
                    ours: 1000 / m.oursMean,
                    floor: 1000 / m.rawMean,
                    targets: [],
                });
                notes.push(`${count} policies: bundle load and strict validation took ${Math.round(loadMs)} ms (once per bundle version).`);
                if (size === sizes[0]) {
                    progress('policy: decisions in two processes');
                    rows.push(await coreScaling(dir, count, options));
                }
                progress(`policy: ${count} policies done`);
            }
            finally {
                raw.release();
                await engine.close();
                await rm(dir, { recursive: true, force: true });
            }
        }
        notes.push('ours = entity building + Cedar + determining-policy lookup + strictest-wins obligations, through the async port; ' +
            'floor = statefulIsAuthorized on the same pre-parsed set and schema with request JSON built once.');
        return {
            name: this.name,
            title: this.title,
            params: { sizes, rounds: options.rounds },
            rows,
            notes,
        };
    },
};
