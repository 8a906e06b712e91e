import { sign } from 'node:crypto'
import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync } from 'node:fs'
import path from 'node:path'
import { checkpointPayload, verifyAuditChain, GENESIS_HASH, type AuditCheckpoint } from '../domain/audit-event.js'
import type { Clock } from '../domain/ports.js'
import { yieldToEventLoop } from '../app/event-loop.js'
import type { Store } from '../storage/store.js'
import type { AuditSigningKey } from './audit-keys.js'

export interface CheckpointerOptions {
  store: Pick<Store, 'audit'>
  key: AuditSigningKey
  clock: Clock
  /** File outside the database that receives every checkpoint too (truncation/rollback evidence). */
  file: string | undefined
  everyEvents: number
  everySeconds: number
  /**
   * True while the node has work more urgent than a checkpoint (revocations falling due). A
   * checkpoint due by its event count then waits, up to `everySeconds` after the previous one:
   * verifying the segment is a pass over every event since it, which during a mass expiry is
   * tens of thousands of events on the thread that revokes (docs/audit.md).
   */
  deferWhile?: () => boolean
  /** Told when a checkpoint is withheld because the chain since the previous one is broken. */
  onFailure?: (reason: string) => void
}

/** Events read per query while verifying a segment: bounded memory whatever the backlog. */
const VERIFY_PAGE = 500

interface LastCheckpoint {
  seq: number
  hash: string
  at: number
}

/**
 * Signs the chain head now and then. A checkpoint in a file the database cannot rewrite lets a
 * verifier notice a deleted tail or a restore from an old backup (T24). Before signing, the
 * segment since the previous checkpoint is verified, so a signature never vouches for events
 * that were already edited in the database; a broken segment is reported and left unsigned.
 */
export class AuditCheckpointer {
  readonly #o: CheckpointerOptions
  #last: LastCheckpoint | null = null
  #turn: Promise<unknown> = Promise.resolve()

  constructor(options: CheckpointerOptions) {
    this.#o = options
  }

  /**
   * Writes a checkpoint if enough events or time passed since the last one. Calls run one at a
   * time: two at once (a sweep and an evidence bundle, or two bundles) would both sign the same
   * head from the same cached last checkpoint, and the second insert would fail on its key.
   */
  maybeCheckpoint(force = false): Promise<AuditCheckpoint | null> {
    const run = this.#turn.then(() => this.#maybeCheckpoint(force))
    this.#turn = run.catch(() => undefined)
    return run
  }

  async #maybeCheckpoint(force: boolean): Promise<AuditCheckpoint | null> {
    const head = await this.#o.store.audit.head()
    const last = await this.#lastCheckpoint()
    if (head.seq === last.seq && head.hash !== last.hash) {
      // Same length, another history: the tail was replaced since it was signed.
      this.#o.onFailure?.(`the chain head at seq ${head.seq} differs from the signed checkpoint there`)
      return null
    }
    if (head.seq === 0 || head.seq === last.seq) return null
    const now = this.#o.clock.now()
    const byTime = now.getTime() - last.at >= this.#o.everySeconds * 1000
    const byEvents = head.seq - last.seq >= this.#o.everyEvents
    const due = force || byTime || (byEvents && this.#o.deferWhile?.() !== true)
    if (!due) return null
    const problem = await this.#verifySegment(last, head)
    if (problem !== null) {
      this.#o.onFailure?.(problem)
      return null
    }
    const unsigned = { seq: head.seq, hash: head.hash, at: now, keyId: this.#o.key.keyId }
    const signature = sign(null, Buffer.from(checkpointPayload(unsigned)), this.#o.key.privateKey)
    const checkpoint: AuditCheckpoint = { ...unsigned, signature: signature.toString('base64url') }
    if (this.#o.file) appendDurably(this.#o.file, JSON.stringify(checkpoint) + '\n')
    await this.#o.store.audit.insertCheckpoint(checkpoint)
    this.#last = { seq: head.seq, hash: head.hash, at: now.getTime() }
    return checkpoint
  }

  /**
   * When the oldest event no verified checkpoint covers was appended; null when every event is
   * covered. One indexed read, cheap enough for every metrics scrape.
   */
  async oldestUncoveredAt(): Promise<Date | null> {
    const last = await this.#lastCheckpoint()
    const [next] = await this.#o.store.audit.list({ afterSeq: last.seq, limit: 1 })
    return next?.at ?? null
  }

  async #lastCheckpoint(): Promise<LastCheckpoint> {
    if (this.#last === null) {
      const all = await this.#o.store.audit.listCheckpoints()
      const latest = all[all.length - 1]
      this.#last = latest
        ? { seq: latest.seq, hash: latest.hash, at: latest.at.getTime() }
        : { seq: 0, hash: GENESIS_HASH, at: 0 }
    }
    return this.#last
  }

  /** Why the events after `last` up to `head` cannot be signed, or null when they check out. */
  async #verifySegment(last: LastCheckpoint, head: { seq: number; hash: string }): Promise<string | null> {
    if (head.seq < last.seq) {
      return `the chain head (seq ${head.seq}) is behind the last checkpoint (seq ${last.seq}): events were removed`
    }
    let prev = { seq: last.seq, hash: last.hash }
    while (prev.seq < head.seq) {
      const page = await this.#o.store.audit.list({ afterSeq: prev.seq, limit: Math.min(VERIFY_PAGE, head.seq - prev.seq) })
      if (page.length === 0) return `events after seq ${prev.seq} are missing (head is seq ${head.seq})`
      const check = verifyAuditChain(page, prev)
      if (!check.ok) return `audit event seq ${check.firstBadSeq}: ${check.reason}`
      prev = { seq: check.lastSeq, hash: check.lastHash }
      // A sweep's segment during a revocation window is tens of thousands of events; on SQLite
      // the pages would otherwise run as one stretch with the event loop (timers, HTTP) held.
      await yieldToEventLoop()
    }
    return prev.hash === head.hash ? null : `the chain head's hash does not match event seq ${head.seq}`
  }
}

function appendDurably(file: string, line: string): void {
  mkdirSync(path.dirname(file), { recursive: true })
  appendFileSync(file, line, { mode: 0o600 })
  const fd = openSync(file, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
