/** Messages between the benchmark's main thread (the server) and the load worker (the clients). */

export interface LoadWorkerData {
  url: string
  /** API tokens the clients take turns with. */
  tokens: string[]
  body: string
}

export type LoadCommand =
  /**
   * Without `untilActive` a request completes with its HTTP answer: for a server in another
   * process, whose activations this thread cannot see.
   */
  | { type: 'closed'; concurrency: number; durationMs: number; untilActive: boolean }
  | { type: 'open'; rate: number; durationMs: number; untilActive: boolean }
  /** A grant became active on the server, at `at` (epoch ms, sub-ms precision). */
  | { type: 'active'; grantId: string; at: number }
  | { type: 'stop' }

export interface LoadRoundResult {
  type: 'done'
  /** Requests whose grant became active within the round. */
  completed: number
  failed: number
  firstFailure: string | null
  /** Send → grant active, in ms; open-loop rounds count from the scheduled send time. */
  latencies: number[]
  durationMs: number
}
