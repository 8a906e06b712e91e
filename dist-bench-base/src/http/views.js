/** What the API shows of a grant: never the sealed credential, only whether it awaits pickup. */
export function grantView(g) {
    return {
        id: g.id,
        requestId: g.requestId,
        subjectId: g.subjectId,
        entitlementId: g.entitlementId,
        targetId: g.targetId,
        connectorKind: g.connectorKind,
        breakGlass: g.breakGlass,
        state: g.state,
        targetName: g.targetName,
        startsAt: g.startsAt,
        expiresAt: g.expiresAt,
        issuedAt: g.issuedAt,
        credentialAvailable: g.credentialCiphertext !== null,
        credentialRetrievedAt: g.credentialRetrievedAt,
        issueAttempts: g.issueAttempts,
        revokeAttempts: g.revokeAttempts,
        nextAttemptAt: g.nextAttemptAt,
        lastError: g.lastError,
        revokeReason: g.revokeReason,
        revokeDueAt: g.revokeDueAt,
        revokedAt: g.revokedAt,
        revocationLagMs: g.revocationLagMs,
        verification: g.verification,
    };
}
export function requestView(r, reviews) {
    return {
        id: r.id,
        state: r.state,
        requesterId: r.requesterId,
        subjectId: r.subjectId,
        entitlementId: r.entitlementId,
        justification: r.justification,
        ticketRef: r.ticketRef,
        durationSeconds: r.durationSeconds,
        revocationCondition: r.revocationCondition,
        submittedAt: r.submittedAt,
        breakGlass: r.breakGlass,
        incidentRef: r.incidentRef,
        extendsGrantId: r.extendsGrantId,
        digest: r.digest,
        obligations: r.obligations,
        eligibleReviewers: r.eligibleReviewers,
        policyHash: r.policyHash,
        reviewDeadline: r.reviewDeadline,
        decidedAt: r.decidedAt,
        decisionReason: r.decisionReason,
        ...(reviews ? { reviews: reviews.map(reviewView) } : {}),
    };
}
export function reviewView(r) {
    return {
        id: r.id,
        reviewerId: r.reviewerId,
        verdict: r.verdict,
        comment: r.comment,
        requestDigest: r.requestDigest,
        reviewerIsOwner: r.reviewerIsOwner,
        createdAt: r.createdAt,
    };
}
export function identityView(i) {
    return {
        id: i.id,
        kind: i.kind,
        displayName: i.displayName,
        email: i.email,
        status: i.status,
        groups: i.groups,
        ownerId: i.ownerId,
        purpose: i.purpose,
    };
}
export function entitlementView(e, targetKind) {
    return {
        id: e.id,
        name: e.name,
        description: e.description,
        targetId: e.targetId,
        targetKind,
        riskTier: e.riskTier,
        owners: e.owners,
        defaultDurationSeconds: e.defaultDurationSeconds,
        maxDurationSeconds: e.maxDurationSeconds,
        subjectKinds: e.subjectKinds,
        params: e.params,
    };
}
