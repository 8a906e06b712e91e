/** Messages between the two-node revocation benchmark and each of its node processes. */
export type TwoNodeMessage =
  /** The runtime is built over the shared database; its engine is not started yet. */
  | { type: 'ready'; workerId: string; leaseMs: number; sweepIntervalMs: number }
  /** The engine started (its first sweep and heap fill took engineStartMs). */
  | { type: 'started'; engineStartMs: number }
  /** Sent every BEAT_MS by a timer: a gap between beats is time the node's event loop stood still. */
  | { type: 'beat' }

/** From the benchmark to a node. */
export type TwoNodeCommand = { type: 'start' }

/** What a node reads from its environment (never argv: the URL carries a password). */
export const NODE_ENV = {
  databaseUrl: 'HOURGLASS_BENCH_NODE_DATABASE_URL',
  dataKey: 'HOURGLASS_BENCH_NODE_DATA_KEY',
  auditSigningKeyFile: 'HOURGLASS_BENCH_NODE_AUDIT_KEY_FILE',
} as const
