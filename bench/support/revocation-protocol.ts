/** Messages from the revocation node (a child process) to the benchmark. */
export type NodeMessage =
  | {
      type: 'ready'
      dataDir: string
      dbFile: string
      /** Epoch ms of the first expiry and of the end of the window. */
      base: number
      windowEnd: number
      seedMs: number
      engineStartMs: number
    }
  /** Sent every BEAT_MS by a timer: a gap between beats is time the node's event loop stood still. */
  | { type: 'beat' }

export const BEAT_MS = 100
