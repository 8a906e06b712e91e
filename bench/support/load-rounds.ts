import type { BenchOptions } from './benchmark.js'
import type { LoadDriver } from './load-driver.js'
import { CONCURRENCY } from './served-world.js'
import { median, summarize } from './stats.js'

/** Failures seen across rounds: how many, and the first one's message. */
export interface RoundFailures {
  failed: number
  firstFailure: string | null
}

/** `options.rounds` closed-loop rounds of the benchmark's clients; throughput and latency are medians. */
export async function closedLoopRounds(
  load: LoadDriver,
  options: BenchOptions,
): Promise<RoundFailures & { throughput: number; closedP50: number; closedP99: number }> {
  const closed = []
  let failed = 0
  let firstFailure: string | null = null
  for (let r = 0; r < options.rounds; r++) {
    const res = await load.closed(CONCURRENCY, options.seconds * 1000)
    const s = summarize(res.latencies)
    closed.push({ throughput: (res.completed * 1000) / res.durationMs, p50: s.p50, p99: s.p99 })
    failed += res.failed
    firstFailure ??= res.firstFailure
  }
  return {
    throughput: median(closed.map((c) => c.throughput)),
    closedP50: median(closed.map((c) => c.p50)),
    closedP99: median(closed.map((c) => c.p99)),
    failed,
    firstFailure,
  }
}

/**
 * `options.rounds` open-loop rounds at half the closed-loop throughput (the "p99 at half
 * that rate"), latency counted from each scheduled send.
 */
export async function openLoopRounds(
  load: LoadDriver,
  throughput: number,
  options: BenchOptions,
): Promise<RoundFailures & { openRate: number; openP50: number; openP99: number }> {
  const openRate = Math.max(1, Math.round(throughput / 2))
  const open = []
  let failed = 0
  let firstFailure: string | null = null
  for (let r = 0; r < options.rounds; r++) {
    const res = await load.open(openRate, options.seconds * 1000)
    open.push(summarize(res.latencies))
    failed += res.failed
    firstFailure ??= res.firstFailure
  }
  return {
    openRate,
    openP50: median(open.map((o) => o.p50)),
    openP99: median(open.map((o) => o.p99)),
    failed,
    firstFailure,
  }
}
