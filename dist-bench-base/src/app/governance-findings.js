import { recordAudit } from './load.js';
import { findingEvidence } from './reconcile-target.js';
/**
 * Findings about Hourglass's own records rather than a target (orphaned NHIs, exception drift)
 * carry this in place of a target id.
 */
export const GOVERNANCE_TARGET = 'hourglass';
/** Opens the finding, reopens it if it was resolved, or refreshes it; returns whether it opened. */
export async function openGovernanceFinding(deps, input, actor) {
    const now = deps.clock.now();
    return deps.store.transaction(async (tx) => {
        const existing = await tx.findings.getByKey(GOVERNANCE_TARGET, input.kind, input.key);
        if (!existing) {
            const finding = {
                id: deps.ids.newId('fnd'),
                targetId: GOVERNANCE_TARGET,
                kind: input.kind,
                key: input.key,
                principal: input.principal,
                grantId: null,
                details: input.details,
                state: 'open',
                firstSeenAt: now,
                lastSeenAt: now,
                resolvedAt: null,
                resolution: null,
                acceptedBy: null,
                acceptReason: null,
                acceptedUntil: null,
                version: 1,
            };
            await tx.findings.insert(finding);
            await recordAudit(tx, deps, { type: 'finding.opened', actor, data: findingEvidence(finding) });
            return { finding, opened: true };
        }
        const acceptanceHolds = existing.state === 'accepted' &&
            existing.acceptedUntil !== null &&
            existing.acceptedUntil > now;
        const reopen = existing.state === 'resolved' || (existing.state === 'accepted' && !acceptanceHolds);
        const next = {
            ...existing,
            lastSeenAt: now,
            details: input.details,
            ...(reopen ? { state: 'open', resolvedAt: null, resolution: null } : {}),
        };
        if (!(await tx.findings.update(next, existing.version)))
            return { finding: existing, opened: false };
        if (reopen) {
            await recordAudit(tx, deps, {
                type: 'finding.opened',
                actor,
                data: { ...findingEvidence(next), reopened: true },
            });
        }
        return { finding: { ...next, version: existing.version + 1 }, opened: reopen };
    });
}
/** Resolves the open finding for this key, if there is one. */
export async function resolveGovernanceFinding(deps, kind, key, resolution, actor) {
    const now = deps.clock.now();
    return deps.store.transaction(async (tx) => {
        const current = await tx.findings.getByKey(GOVERNANCE_TARGET, kind, key);
        if (!current || current.state !== 'open')
            return false;
        const next = { ...current, state: 'resolved', resolvedAt: now, resolution };
        if (!(await tx.findings.update(next, current.version)))
            return false;
        await recordAudit(tx, deps, {
            type: 'finding.resolved',
            actor,
            data: { findingId: current.id, resolution },
        });
        return true;
    });
}
