import { backoffMs } from './grant.js'

/**
 * Where one SIEM sink stands: the last sequence it acknowledged with a 2xx, and who streams it
 * now. Several processes on one database share the row; the lease (taken and renewed by
 * compare-and-swap on `version`) lets only one of them stream the sink at a time, and the
 * cursor moves only after an acknowledgement, so delivery is at-least-once and in order.
 */
export interface SiemCursor {
  sink: string
  /** Every event with seq ≤ ackedSeq was acknowledged; 0 before the first. */
  ackedSeq: number
  leaseOwner: string | null
  leaseUntil: Date | null
  /** Failed attempts since the last success. */
  failures: number
  nextAttemptAt: Date | null
  lastError: string | null
  lastErrorAt: Date | null
  lastSuccessAt: Date | null
  version: number
}

export interface SiemRetry {
  baseMs: number
  capMs: number
}

export function newSiemCursor(sink: string): SiemCursor {
  return {
    sink,
    ackedSeq: 0,
    leaseOwner: null,
    leaseUntil: null,
    failures: 0,
    nextAttemptAt: null,
    lastError: null,
    lastErrorAt: null,
    lastSuccessAt: null,
    version: 1,
  }
}

/** Why a streamer may not send for this sink now; null when it may claim it. */
export function siemBlock(cursor: SiemCursor, owner: string, now: Date): 'leased' | 'backoff' | null {
  const leasedByOther =
    cursor.leaseOwner !== null &&
    cursor.leaseOwner !== owner &&
    cursor.leaseUntil !== null &&
    cursor.leaseUntil.getTime() > now.getTime()
  if (leasedByOther) return 'leased'
  if (cursor.nextAttemptAt !== null && cursor.nextAttemptAt.getTime() > now.getTime()) return 'backoff'
  return null
}

export function claimSiemCursor(cursor: SiemCursor, owner: string, leaseUntil: Date): SiemCursor {
  return { ...cursor, leaseOwner: owner, leaseUntil }
}

/** After a 2xx: the cursor moves to the batch's last sequence and the lease is renewed. */
export function ackSiemCursor(
  cursor: SiemCursor,
  lastSeq: number,
  now: Date,
  leaseUntil: Date,
): SiemCursor {
  return {
    ...cursor,
    // Never backwards: a stale batch acknowledged late must not re-open what was acked.
    ackedSeq: Math.max(cursor.ackedSeq, lastSeq),
    leaseUntil,
    failures: 0,
    nextAttemptAt: null,
    lastSuccessAt: now,
  }
}

/** After a failed attempt: the lease is released and the next attempt waits (full jitter). */
export function failSiemCursor(
  cursor: SiemCursor,
  error: string,
  now: Date,
  retry: SiemRetry,
  random: number,
): SiemCursor {
  const failures = cursor.failures + 1
  const wait = backoffMs(failures, retry.baseMs, retry.capMs, random)
  return {
    ...cursor,
    leaseOwner: null,
    leaseUntil: null,
    failures,
    nextAttemptAt: new Date(now.getTime() + wait),
    lastError: error.slice(0, 500),
    lastErrorAt: now,
  }
}

/** Lets the sink go, so another process may stream it without waiting for the lease to lapse. */
export function releaseSiemCursor(cursor: SiemCursor): SiemCursor {
  return { ...cursor, leaseOwner: null, leaseUntil: null }
}
