/**
 * An expiry this late when its timer fires was loaded already overdue: a dead node's share taken
 * over (silent for seconds before that), a node started after downtime. A timer fired on time is
 * late by one event-loop turn at most, far below this.
 */
export const LATE_AFTER_MS = 1_000

/** The part of every batch the late queue is given while it holds grants, so it always drains. */
export const LATE_SHARE = 0.1

/** FIFO without Array.shift, which copies on long queues (a revocation window's backlog). */
export class JobQueue<T = () => Promise<unknown>> {
  #items: Array<T | undefined> = []
  #head = 0

  push(job: T): void {
    this.#items.push(job)
  }

  get size(): number {
    return this.#items.length - this.#head
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined
    const job = this.#items[this.#head]
    this.#items[this.#head++] = undefined
    if (this.#head > 1_024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head)
      this.#head = 0
    }
    return job
  }
}

/**
 * The grants a node has to revoke, in three queues:
 * - `urgent`: revocations already under way or asked for (a dead node's lapsed claims, early
 *   revocations, due retries): few, and each has waited already, so they go first;
 * - `due`: expiries whose timer fired on time;
 * - `late`: expiries loaded overdue (LATE_AFTER_MS). When a node takes over a dead node's share
 *   it finds seconds of that share's expiries overdue at once; served before its own, as they
 *   were in expiry order, they made every expiry of the node's own share late by the whole
 *   backlog (2.2-2.4 s in the two-node benchmark). Behind `due`, the backlog waits instead, and
 *   the node's own expiries stay on time. Each batch still gives `late` at least LATE_SHARE of
 *   its places, so the backlog drains even while fresh expiries would fill every batch.
 */
export class RevocationQueues {
  readonly urgent = new JobQueue<string>()
  readonly due = new JobQueue<string>()
  readonly late = new JobQueue<string>()

  get size(): number {
    return this.urgent.size + this.due.size + this.late.size
  }

  /** Up to `size` grant ids for the next batch. */
  take(size: number): string[] {
    const ids: string[] = []
    fill(ids, this.urgent, size)
    const reserved = Math.min(this.late.size, Math.ceil(size * LATE_SHARE))
    fill(ids, this.due, Math.max(ids.length, size - reserved))
    fill(ids, this.late, size)
    fill(ids, this.due, size)
    return ids
  }
}

function fill(ids: string[], queue: JobQueue<string>, upTo: number): void {
  while (ids.length < upTo) {
    const id = queue.shift()
    if (id === undefined) return
    ids.push(id)
  }
}
