import type { BenchResult } from './report.js'

export interface BenchOptions {
  /** Smaller sizes and fewer rounds: a smoke run, not figures to publish. */
  quick: boolean
  /** Grants expiring in the revocation window. */
  grants: number
  /** Revocation windows to run (each is a fresh seed, ~1 minute at 100,000 grants). */
  revocationRuns: number
  /** Events in the exported audit chain. */
  events: number
  /** Entries on each side of the reconciliation diff. */
  keys: number
  /** Length of one load round, in seconds. */
  seconds: number
  /** Repeated runs per figure (each figure is the median over them). */
  rounds: number
  pgUrl: string | undefined
}

export interface Benchmark {
  name: string
  title: string
  run(options: BenchOptions, progress: (message: string) => void): Promise<BenchResult>
}
