import { createPublicKey, verify } from 'node:crypto'
import {
  checkpointPayload,
  verifyAuditChain,
  type AuditCheckpoint,
  type AuditEvent,
} from '../domain/audit-event.js'

export interface VerifyReport {
  ok: boolean
  events: number
  lastSeq: number
  checkpointsChecked: number
  /** The first sequence number that cannot be trusted, when not ok. */
  firstBadSeq: number | null
  reason: string | null
}

/**
 * Verifies an exported chain offline with only the checkpoint public key: the hash chain itself,
 * every checkpoint's signature, that each checkpoint matches the chain at its sequence (an edited
 * and re-hashed history fails here), and that no checkpoint lies beyond the end (truncation).
 */
export function verifyExport(
  events: readonly AuditEvent[],
  checkpoints: readonly AuditCheckpoint[],
  publicKeyPem: string,
): VerifyReport {
  const chain = verifyAuditChain(events)
  const base = { events: events.length, checkpointsChecked: 0 }
  if (!chain.ok) {
    return {
      ...base,
      ok: false,
      lastSeq: chain.firstBadSeq - 1,
      firstBadSeq: chain.firstBadSeq,
      reason: chain.reason,
    }
  }
  const key = createPublicKey(publicKeyPem)
  // The chain check passed from the genesis, so the event at seq n is events[n - 1].
  const atSeq = (seq: number): AuditEvent | undefined => events[seq - 1]
  let checked = 0
  let lastGood = 0
  for (const cp of [...checkpoints].sort((a, b) => a.seq - b.seq)) {
    const valid = verify(
      null,
      Buffer.from(checkpointPayload(cp)),
      key,
      Buffer.from(cp.signature, 'base64url'),
    )
    if (!valid) {
      return fail(base, chain.lastSeq, cp.seq, `checkpoint at seq ${cp.seq} has a bad signature`)
    }
    if (cp.seq > chain.lastSeq) {
      return fail(
        base,
        chain.lastSeq,
        chain.lastSeq + 1,
        `chain ends at seq ${chain.lastSeq} but a signed checkpoint covers seq ${cp.seq}: events were removed`,
      )
    }
    const event = atSeq(cp.seq)
    if (event && event.hash !== cp.hash) {
      // The earlier checkpoint still matched, so the rewrite starts after it.
      return fail(
        base,
        chain.lastSeq,
        lastGood + 1,
        `history up to seq ${cp.seq} differs from the signed checkpoint`,
      )
    }
    if (event) lastGood = cp.seq
    checked++
  }
  return {
    ...base,
    ok: true,
    lastSeq: chain.lastSeq,
    checkpointsChecked: checked,
    firstBadSeq: null,
    reason: null,
  }
}

function fail(
  base: { events: number },
  lastSeq: number,
  firstBadSeq: number,
  reason: string,
): VerifyReport {
  return { ...base, ok: false, lastSeq, checkpointsChecked: 0, firstBadSeq, reason }
}

/** Parses one exported JSONL line back into an event (dates arrive as ISO strings). */
export function parseExportedEvent(line: string): AuditEvent {
  const raw = JSON.parse(line) as AuditEvent & { at: string }
  return { ...raw, at: new Date(raw.at) }
}

export function parseCheckpoint(line: string): AuditCheckpoint {
  const raw = JSON.parse(line) as AuditCheckpoint & { at: string }
  return { ...raw, at: new Date(raw.at) }
}
