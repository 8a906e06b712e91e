import { createHash, createPublicKey } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
export const EVIDENCE_FORMAT = 'hourglass-evidence/1';
const KINDS = {
    'request.submitted': 'request',
    'request.denied_by_policy': 'policy_denial',
    'review.recorded': 'review',
    'review.rejected': 'review_rejected',
    'request.approved': 'approval',
    'request.denied': 'denial',
    'request.cancelled': 'cancellation',
    'request.lapsed': 'lapse',
    'grant.scheduled': 'grant_scheduled',
    'grant.issuing': 'issuance_attempt',
    'grant.issue_failed': 'issuance_failure',
    'grant.activated': 'issuance',
    'grant.activation_denied': 'issuance_denial',
    'grant.credential_retrieved': 'credential_retrieval',
    'grant.revocation_requested': 'revocation_request',
    'grant.revoking': 'revocation_attempt',
    'grant.revoke_failed': 'revocation_failure',
    'grant.irrevocable': 'irrevocable',
    'grant.revoked': 'revocation',
};
export function evidenceKindOf(type) {
    return KINDS[type] ?? 'other';
}
export function inclusionPayload(i) {
    return canonicalJson({
        format: EVIDENCE_FORMAT,
        requestId: i.requestId,
        items: i.items.map((x) => ({ seq: x.seq, kind: x.kind, hash: x.hash, prevHash: x.prevHash })),
        checkpoint: { seq: i.checkpoint.seq, hash: i.checkpoint.hash },
        foreignEvents: i.foreignEvents,
        at: i.at,
        keyId: i.keyId,
    });
}
const DECISION_STAGES = {
    request: 'request',
    policy_denial: 'request',
    review: 'review',
    issuance: 'issuance',
    issuance_denial: 'issuance',
};
function asRecord(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null;
}
export function deriveDecisions(items) {
    const out = [];
    for (const item of items) {
        const stage = DECISION_STAGES[evidenceKindOf(item.event.type)];
        const d = asRecord(item.event.data.decision);
        if (!stage || !d)
            continue;
        out.push({
            stage,
            seq: item.event.seq,
            hash: item.event.hash,
            allowed: typeof d.allowed === 'boolean' ? d.allowed : null,
            policyHash: typeof d.policyHash === 'string' ? d.policyHash : null,
            determiningPolicies: d.determiningPolicies ?? null,
            obligations: d.obligations ?? null,
            reasons: d.reasons ?? null,
        });
    }
    return out;
}
export function deriveReviews(items) {
    return items
        .filter((i) => i.event.type === 'review.recorded')
        .map((i) => {
        const d = i.event.data;
        return {
            seq: i.event.seq,
            hash: i.event.hash,
            reviewerId: i.event.actor,
            verdict: typeof d.verdict === 'string' ? d.verdict : null,
            comment: typeof d.comment === 'string' ? d.comment : null,
            reviewerIsOwner: typeof d.reviewerIsOwner === 'boolean' ? d.reviewerIsOwner : null,
        };
    });
}
/** sha256 over the key's SPKI DER, hex: what an auditor compares against a key they trust. */
export function publicKeyFingerprint(pem) {
    const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
    return createHash('sha256').update(der).digest('hex');
}
