import { backoffMs } from './grant.js';
export function newSiemCursor(sink) {
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
    };
}
/** Why a streamer may not send for this sink now; null when it may claim it. */
export function siemBlock(cursor, owner, now) {
    const leasedByOther = cursor.leaseOwner !== null &&
        cursor.leaseOwner !== owner &&
        cursor.leaseUntil !== null &&
        cursor.leaseUntil.getTime() > now.getTime();
    if (leasedByOther)
        return 'leased';
    if (cursor.nextAttemptAt !== null && cursor.nextAttemptAt.getTime() > now.getTime())
        return 'backoff';
    return null;
}
export function claimSiemCursor(cursor, owner, leaseUntil) {
    return { ...cursor, leaseOwner: owner, leaseUntil };
}
/** After a 2xx: the cursor moves to the batch's last sequence and the lease is renewed. */
export function ackSiemCursor(cursor, lastSeq, now, leaseUntil) {
    return {
        ...cursor,
        // Never backwards: a stale batch acknowledged late must not re-open what was acked.
        ackedSeq: Math.max(cursor.ackedSeq, lastSeq),
        leaseUntil,
        failures: 0,
        nextAttemptAt: null,
        lastSuccessAt: now,
    };
}
/** After a failed attempt: the lease is released and the next attempt waits (full jitter). */
export function failSiemCursor(cursor, error, now, retry, random) {
    const failures = cursor.failures + 1;
    const wait = backoffMs(failures, retry.baseMs, retry.capMs, random);
    return {
        ...cursor,
        leaseOwner: null,
        leaseUntil: null,
        failures,
        nextAttemptAt: new Date(now.getTime() + wait),
        lastError: error.slice(0, 500),
        lastErrorAt: now,
    };
}
/** Lets the sink go, so another process may stream it without waiting for the lease to lapse. */
export function releaseSiemCursor(cursor) {
    return { ...cursor, leaseOwner: null, leaseUntil: null };
}
