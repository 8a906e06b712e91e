import { sign } from 'node:crypto'
import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync } from 'node:fs'
import path from 'node:path'
import { checkpointPayload, type AuditCheckpoint } from '../domain/audit-event.js'
import type { Clock } from '../domain/ports.js'
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
}

/**
 * Signs the chain head now and then. A checkpoint in a file the database cannot rewrite lets a
 * verifier notice a deleted tail or a restore from an old backup (T24).
 */
export class AuditCheckpointer {
  readonly #o: CheckpointerOptions
  #last: { seq: number; at: number } | null = null

  constructor(options: CheckpointerOptions) {
    this.#o = options
  }

  /** Writes a checkpoint if enough events or time passed since the last one. */
  async maybeCheckpoint(force = false): Promise<AuditCheckpoint | null> {
    const head = await this.#o.store.audit.head()
    if (this.#last === null) {
      const all = await this.#o.store.audit.listCheckpoints()
      const latest = all[all.length - 1]
      this.#last = latest ? { seq: latest.seq, at: latest.at.getTime() } : { seq: 0, at: 0 }
    }
    if (head.seq === 0 || head.seq === this.#last.seq) return null
    const now = this.#o.clock.now()
    const due =
      force ||
      head.seq - this.#last.seq >= this.#o.everyEvents ||
      now.getTime() - this.#last.at >= this.#o.everySeconds * 1000
    if (!due) return null
    const unsigned = { seq: head.seq, hash: head.hash, at: now, keyId: this.#o.key.keyId }
    const signature = sign(null, Buffer.from(checkpointPayload(unsigned)), this.#o.key.privateKey)
    const checkpoint: AuditCheckpoint = { ...unsigned, signature: signature.toString('base64url') }
    if (this.#o.file) appendDurably(this.#o.file, JSON.stringify(checkpoint) + '\n')
    await this.#o.store.audit.insertCheckpoint(checkpoint)
    this.#last = { seq: head.seq, at: now.getTime() }
    return checkpoint
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
