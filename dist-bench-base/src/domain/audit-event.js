import { hash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
export const AUDIT_EVENT_TYPES = [
    'identity.created',
    'identity.updated',
    'token.created',
    'token.revoked',
    'catalog.synced',
    'policy.loaded',
    'request.submitted',
    'request.denied_by_policy',
    'request.approved',
    'request.denied',
    'request.cancelled',
    'request.lapsed',
    'review.recorded',
    'review.rejected',
    'grant.scheduled',
    'grant.issuing',
    'grant.issue_failed',
    'grant.activated',
    'grant.activation_denied',
    'grant.credential_retrieved',
    'grant.revocation_requested',
    'grant.revoking',
    'grant.revoke_failed',
    'grant.revoked',
    'grant.irrevocable',
    'grant.completed',
    'audit.checkpoint',
    'finding.opened',
    'finding.resolved',
    'finding.accepted',
    'reconcile.completed',
    'reconcile.access_removed',
    'breakglass.used',
    'breakglass.refused',
    'breakglass.reviewed',
    'breakglass.review_overdue',
    'exception.created',
    'exception.revoked',
    'exception.used',
    'ticket.closed',
    'identity.status_changed',
    'nhi.transferred',
    'grants.rechecked',
    'group.created',
    'group.updated',
    'group.deleted',
    'ticket.received',
    'ticket.delivery_rejected',
    'exchange.accepted',
    'exchange.refused',
];
export const GENESIS_HASH = '0'.repeat(64);
/** The hash of an event covers everything but the hash itself, chained to its predecessor. */
export function hashAuditEvent(event) {
    // In key order and with the date as text, canonicalJson's fast path applies: JSON.stringify
    // leaves its fast path for any object with a toJSON (a Date), and the text is the same.
    const body = canonicalJson({
        actor: event.actor,
        at: event.at.toISOString(),
        data: event.data,
        grantId: event.grantId,
        id: event.id,
        prevHash: event.prevHash,
        requestId: event.requestId,
        seq: event.seq,
        type: event.type,
    });
    // One-shot: no Hash object per event, which showed in the verification profile.
    return hash('sha256', body, 'hex');
}
/**
 * Verifies a contiguous run of events. `start` is the (seq, hash) the run must follow; the
 * genesis by default. Detects edits (hash), reorders and gaps (seq), and splices (prevHash).
 */
export function verifyAuditChain(events, start = { seq: 0, hash: GENESIS_HASH }) {
    let prev = start;
    let count = 0;
    for (const e of events) {
        if (e.seq !== prev.seq + 1) {
            return { ok: false, firstBadSeq: e.seq, reason: `expected seq ${prev.seq + 1}` };
        }
        if (e.prevHash !== prev.hash) {
            return { ok: false, firstBadSeq: e.seq, reason: 'prevHash does not match predecessor' };
        }
        if (hashAuditEvent(e) !== e.hash) {
            return { ok: false, firstBadSeq: e.seq, reason: 'content does not match its hash' };
        }
        prev = { seq: e.seq, hash: e.hash };
        count++;
    }
    return { ok: true, count, lastSeq: prev.seq, lastHash: prev.hash };
}
export function checkpointPayload(c) {
    return canonicalJson({ at: c.at.toISOString(), hash: c.hash, keyId: c.keyId, seq: c.seq });
}
