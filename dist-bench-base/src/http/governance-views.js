import { postUseReviewState } from '../domain/break-glass.js';
import { isExceptionActive } from '../domain/access-exception.js';
import { grantView, identityView } from './views.js';
export function postUseReviewView(r, now) {
    return {
        requestId: r.requestId,
        grantId: r.grantId,
        userId: r.userId,
        entitlementId: r.entitlementId,
        incidentRef: r.incidentRef,
        breakGlass: true,
        state: postUseReviewState(r, now),
        usedAt: r.usedAt,
        dueAt: r.dueAt,
        escalatedAt: r.escalatedAt,
        reviewerId: r.reviewerId,
        verdict: r.verdict,
        comment: r.comment,
        reviewedAt: r.reviewedAt,
    };
}
export function exceptionView(e, now, uses) {
    return {
        id: e.id,
        scope: e.scope,
        reason: e.reason,
        approverId: e.approverId,
        state: isExceptionActive(e, now)
            ? 'active'
            : e.revokedAt !== null
                ? (e.endReason ?? 'revoked')
                : 'expired',
        createdAt: e.createdAt,
        expiresAt: e.expiresAt,
        renewedFrom: e.renewedFrom,
        renewals: e.renewals,
        uses: e.uses,
        revokedAt: e.revokedAt,
        revokedBy: e.revokedBy,
        ...(uses
            ? {
                usedBy: uses.map((u) => ({
                    id: u.id,
                    requestId: u.requestId,
                    grantId: u.grantId,
                    action: u.action,
                    at: u.at,
                })),
            }
            : {}),
    };
}
export function nhiView(n) {
    return {
        ...identityView(n.identity),
        owner: n.owner,
        orphaned: n.orphaned,
        lastGrant: n.lastGrant ? grantView(n.lastGrant) : null,
        credentialAgeSeconds: n.credentialAgeSeconds,
    };
}
