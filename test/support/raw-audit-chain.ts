import { hashAuditEvent, type AuditEvent, type AuditEventInput } from '../../src/domain/audit-event.js'
import { T0, uniqueId } from './builders.js'

/** A place on the audit chain: an event's, or the head's, seq and hash. */
export interface Link {
  seq: number
  hash: string
}

/**
 * Correctly hashed events chained onto `last`, as an operator's SQL client would write them past
 * the store (the guards' tests write them by hand). `at` gives each its time (T0 by default).
 */
export function chainOnto(last: Link, n: number, at: (i: number) => Date = () => T0): AuditEvent[] {
  const events: AuditEvent[] = []
  for (let i = 0; i < n; i++) {
    const unhashed = {
      seq: last.seq + 1,
      id: uniqueId('evt-raw'),
      at: at(i),
      type: 'grant.revoked' as const,
      actor: 'system:raw',
      requestId: null,
      grantId: null,
      data: {},
      prevHash: last.hash,
    }
    const event = { ...unhashed, hash: hashAuditEvent(unhashed) }
    events.push(event)
    last = event
  }
  return events
}

/** An event for the store to append, as the worker records a revocation. */
export function revokedEvent(): AuditEventInput & { id: string; at: Date } {
  return {
    id: uniqueId('evt'),
    at: T0,
    type: 'grant.revoked',
    actor: 'system:worker',
    requestId: null,
    grantId: uniqueId('grt'),
    data: { attempts: 1, reason: 'expired' },
  }
}
