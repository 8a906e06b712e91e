import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createCedarPolicyEngine } from '../src/policy/cedar/index.js'
import { buildCedarRequest } from '../src/policy/cedar/entities.js'
import { CEDAR_WARMUP_MS } from './support/bare-parts.js'
import type { Benchmark, BenchOptions } from './support/benchmark.js'
import { startDecisionProcesses } from './support/decision-processes.js'
import { autoApprovedDecisions } from './support/decision-inputs.js'
import { mainThreadCpuMs } from './support/main-thread-cpu.js'
import { POLICY_DIR } from './support/paths.js'
import { isAllow, preparseRaw } from './support/raw-cedar.js'
import type { Row } from './support/report.js'
import { medianOf, summarize } from './support/stats.js'
import type { DecisionInput, PolicyEngine } from '../src/policy/policy-engine.js'

const SIZES = [20, 200, 2000] as const

/**
 * Policies that never permit alice's request but that Cedar must still look at: half share the
 * `request` action and fail only in their condition, half fail on their scope. All carry an @id
 * and pass strict validation against the shipped schema.
 */
export function fillerPolicies(count: number): string {
  const out: string[] = []
  for (let i = 0; i < count; i++) {
    switch (i % 4) {
      case 0:
        out.push(
          `@id("bench-request-${i}")\n@approvals("1")\n@max_duration("PT4H")\n` +
            `permit (principal, action == Hourglass::Action::"request", resource)\n` +
            `when { resource.risk == "tier-${i}" && principal in Hourglass::Group::"team-${i}" };`,
        )
        break
      case 1:
        out.push(
          `@id("bench-review-${i}")\n` +
            `permit (principal in Hourglass::Group::"team-${i}", action == Hourglass::Action::"review", resource)\n` +
            `when { resource.entitlement.risk == "low" };`,
        )
        break
      case 2:
        out.push(
          `@id("bench-leaver-${i}")\n@description("leaver-${i} has left")\n` +
            `forbid (principal == Hourglass::Identity::"leaver-${i}", action, resource);`,
        )
        break
      default:
        out.push(
          `@id("bench-target-${i}")\n@description("legacy target ${i} is closed")\n` +
            `forbid (principal, action == Hourglass::Action::"request", resource)\n` +
            `when { resource.targetKind == "legacy-${i}" && context.durationSeconds > ${i} };`,
        )
    }
  }
  return out.join('\n\n') + '\n'
}

/** The shipped bundle plus enough filler to reach `total` policies. */
async function policyDirWith(total: number, shipped: number): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hourglass-bench-policies-'))
  for (const entry of await readdir(POLICY_DIR, { withFileTypes: true })) {
    if (entry.isFile())
      await copyFile(path.join(POLICY_DIR, entry.name), path.join(dir, entry.name))
  }
  if (total > shipped)
    await writeFile(path.join(dir, 'zz-bench-filler.cedar'), fillerPolicies(total - shipped))
  return dir
}

async function countShipped(): Promise<number> {
  const engine = await createCedarPolicyEngine({ policyDir: POLICY_DIR })
  const count = engine.bundle().policyIds.length
  await engine.close()
  return count
}

const PROCESSES = 2

/**
 * The issue asks whether decisions can use both cores: the same engine in one child process and
 * in two, alternating round by round, decisions per second summed.
 */
async function coreScaling(policyDir: string, count: number, options: BenchOptions): Promise<Row> {
  const children = await startDecisionProcesses(PROCESSES, {
    policyDir,
    warmupMs: CEDAR_WARMUP_MS,
  })
  try {
    const durationMs = options.quick ? 1000 : 2000
    const runs: Array<Record<'one' | 'two', number>> = []
    for (let round = 0; round < options.rounds; round++) {
      const one = await children.round(1, durationMs)
      const two = await children.round(PROCESSES, durationMs)
      runs.push({ one, two })
    }
    const m = medianOf(runs, ['one', 'two'])
    return {
      metric: `decisions/s in ${PROCESSES} processes vs 1, ${count} policies`,
      unit: '/s',
      ours: m.two,
      floor: m.one,
      targets: [],
    }
  } finally {
    await children.close()
  }
}

/** Decisions the server may have in flight at once (the request benchmark's clients). */
const IN_FLIGHT = 16

/** `inFlight` decisions kept going for `durationMs`: their rate, and main-thread CPU per decision. */
async function saturate(
  engine: PolicyEngine,
  input: DecisionInput,
  inFlight: number,
  durationMs: number,
): Promise<{ perSecond: number; mainCpuUs: number }> {
  let n = 0
  const end = performance.now() + durationMs
  const cpu0 = mainThreadCpuMs()
  const t0 = performance.now()
  const loop = async () => {
    while (performance.now() < end) {
      await engine.decide(input)
      n++
    }
  }
  await Promise.all(Array.from({ length: inFlight }, loop))
  const elapsed = performance.now() - t0
  return { perSecond: (n * 1000) / elapsed, mainCpuUs: ((mainThreadCpuMs() - cpu0) * 1000) / n }
}

/**
 * The engine's own decision thread (`policyThread`, on in the server) against deciding on the
 * event loop, alternating round by round: what a decision costs the thread that serves HTTP and
 * the database (its CPU per decision with 16 in flight), the rate, and the hop's latency.
 */
async function threadGain(policyDir: string, count: number, options: BenchOptions): Promise<Row[]> {
  const onLoop = await createCedarPolicyEngine({ policyDir })
  const onThread = await createCedarPolicyEngine({ policyDir, thread: true })
  try {
    const input = autoApprovedDecisions(new Date()).request
    const warmEnd = performance.now() + CEDAR_WARMUP_MS
    while (performance.now() < warmEnd) await Promise.all([onLoop.decide(input), onThread.decide(input)])
    const durationMs = options.quick ? 1000 : 2000
    const oneByOne = async (engine: PolicyEngine): Promise<number> => {
      const samples: number[] = []
      for (let i = 0; i < (options.quick ? 100 : 300); i++) {
        const t = performance.now()
        await engine.decide(input)
        samples.push(performance.now() - t)
      }
      return summarize(samples).p50 * 1000
    }
    const runs: Array<Record<'loopRate' | 'threadRate' | 'loopCpu' | 'threadCpu' | 'loopP50' | 'threadP50', number>> = []
    for (let round = 0; round < options.rounds; round++) {
      const loop = await saturate(onLoop, input, IN_FLIGHT, durationMs)
      const thread = await saturate(onThread, input, IN_FLIGHT, durationMs)
      runs.push({
        loopRate: loop.perSecond,
        threadRate: thread.perSecond,
        loopCpu: loop.mainCpuUs,
        threadCpu: thread.mainCpuUs,
        loopP50: await oneByOne(onLoop),
        threadP50: await oneByOne(onThread),
      })
    }
    const m = medianOf(runs, ['loopRate', 'threadRate', 'loopCpu', 'threadCpu', 'loopP50', 'threadP50'])
    return [
      {
        metric: `main-thread CPU per decision, ${IN_FLIGHT} in flight: engine thread vs event loop, ${count} policies`,
        unit: 'µs',
        ours: m.threadCpu,
        floor: m.loopCpu,
        targets: [],
      },
      {
        metric: `decisions/s, ${IN_FLIGHT} in flight: engine thread vs event loop`,
        unit: '/s',
        ours: m.threadRate,
        floor: m.loopRate,
        targets: [],
      },
      {
        metric: 'p50 latency one at a time: engine thread vs event loop',
        unit: 'µs',
        ours: m.threadP50,
        floor: m.loopP50,
        targets: [],
      },
    ]
  } finally {
    await onLoop.close()
    await onThread.close()
  }
}

export const policyDecision: Benchmark = {
  name: 'policy',
  title: 'Policy decision: CedarPolicyEngine.decide vs raw pre-parsed statefulIsAuthorized',
  async run(options, progress) {
    const shipped = await countShipped()
    const rows: Row[] = []
    const notes: string[] = []
    const sizes = options.quick ? SIZES.slice(0, 2) : SIZES
    for (const size of sizes) {
      const dir = await policyDirWith(size, shipped)
      const loadStart = performance.now()
      const engine = await createCedarPolicyEngine({ policyDir: dir })
      const loadMs = performance.now() - loadStart
      const bundle = engine.bundle()
      const raw = preparseRaw(bundle)
      try {
        const input = autoApprovedDecisions(new Date()).request
        const cedarRequest = buildCedarRequest(input)
        const ours = await engine.decide(input)
        if (!ours.allowed || !isAllow(raw.decide(cedarRequest))) {
          throw new Error(
            `the benchmark request must be allowed (ours: ${ours.reasons.join('; ')})`,
          )
        }
        const iterations = options.quick ? 100 : size >= 2000 ? 300 : 500
        const warmEnd = performance.now() + CEDAR_WARMUP_MS
        while (performance.now() < warmEnd) {
          await engine.decide(input)
          raw.decide(cedarRequest)
        }
        const runs: Array<
          Record<'oursP50' | 'oursP99' | 'rawP50' | 'rawP99' | 'oursMean' | 'rawMean', number>
        > = []
        for (let round = 0; round < options.rounds; round++) {
          const oursSamples: number[] = []
          const rawSamples: number[] = []
          // Interleaved call by call, so a neighbour's burst on the machine hits both alike.
          for (let i = 0; i < iterations; i++) {
            let t = performance.now()
            await engine.decide(input)
            oursSamples.push(performance.now() - t)
            t = performance.now()
            raw.decide(cedarRequest)
            rawSamples.push(performance.now() - t)
          }
          const o = summarize(oursSamples)
          const r = summarize(rawSamples)
          runs.push({
            oursP50: o.p50,
            oursP99: o.p99,
            rawP50: r.p50,
            rawP99: r.p99,
            oursMean: o.mean,
            rawMean: r.mean,
          })
        }
        const m = medianOf(runs, ['oursP50', 'oursP99', 'rawP50', 'rawP99', 'oursMean', 'rawMean'])
        const count = bundle.policyIds.length
        const us = (ms: number) => ms * 1000
        rows.push(
          {
            metric: `p50 latency, ${count} policies`,
            unit: 'µs',
            ours: us(m.oursP50),
            floor: us(m.rawP50),
            targets: [],
          },
          {
            metric: `p99 latency, ${count} policies`,
            unit: 'µs',
            ours: us(m.oursP99),
            floor: us(m.rawP99),
            targets: [{ on: 'ratio', op: '<=', value: 1.3 }],
          },
          {
            metric: `decisions/s (one core), ${count} policies`,
            unit: '/s',
            ours: 1000 / m.oursMean,
            floor: 1000 / m.rawMean,
            targets: [],
          },
        )
        notes.push(
          `${count} policies: bundle load and strict validation took ${Math.round(loadMs)} ms (once per bundle version).`,
        )
        if (size === sizes[0]) {
          progress('policy: decisions in two processes')
          rows.push(await coreScaling(dir, count, options))
          progress('policy: decisions on the engine thread')
          rows.push(...(await threadGain(dir, count, options)))
        }
        progress(`policy: ${count} policies done`)
      } finally {
        raw.release()
        await engine.close()
        await rm(dir, { recursive: true, force: true })
      }
    }
    notes.push(
      'ours = entity building + Cedar + determining-policy lookup + strictest-wins obligations, through the async port; ' +
        'floor = statefulIsAuthorized on the same pre-parsed set and schema with request JSON built once.',
    )
    return {
      name: this.name,
      title: this.title,
      params: { sizes, rounds: options.rounds },
      rows,
      notes,
    }
  },
}
