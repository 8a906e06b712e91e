import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
export const REQUEST_STATES = ['pending', 'approved', 'denied', 'cancelled', 'lapsed'];
export const REVOCATION_CONDITIONS = ['expiry', 'task_completion', 'ticket_closed'];
export function requestDigest(fields) {
    const canonical = canonicalJson({
        id: fields.id,
        requesterId: fields.requesterId,
        subjectId: fields.subjectId,
        entitlementId: fields.entitlementId,
        justification: fields.justification,
        ticketRef: fields.ticketRef,
        durationSeconds: fields.durationSeconds,
        revocationCondition: fields.revocationCondition,
        submittedAt: fields.submittedAt,
        // Only when set, so the digests of ordinary requests are what they always were.
        ...(fields.breakGlass ? { breakGlass: true, incidentRef: fields.incidentRef } : {}),
        ...(fields.extendsGrantId !== null ? { extendsGrantId: fields.extendsGrantId } : {}),
    });
    return createHash('sha256').update(canonical).digest('hex');
}
export function isTerminalRequestState(state) {
    return state !== 'pending';
}
const ALLOWED = {
    pending: ['approved', 'denied', 'cancelled', 'lapsed'],
    approved: [],
    denied: [],
    cancelled: [],
    lapsed: [],
};
/** Terminal states never change; only `pending` moves, and only to a terminal state. */
export function canTransitionRequest(from, to) {
    return ALLOWED[from].includes(to);
}
