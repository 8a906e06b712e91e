import { diffAccess } from '../domain/finding.js';
import { errorText } from './grant-transitions.js';
import { recordAudit, requireTarget } from './load.js';
/**
 * Compares what is really on a target with the grants: opens findings for shadow, lingering and
 * drift, closes the ones that disappeared, revokes lingering access again, and in authoritative
 * mode removes shadow access. Never adopts: nothing found on a target becomes a grant (I10).
 */
export async function reconcileTarget(deps, targetId, actor) {
    const target = await requireTarget(deps.store, targetId);
    const instance = await deps.connectors.instanceFor(target);
    const result = { targetId, supported: false, observed: 0, opened: 0, resolved: 0, removed: 0, failures: [] };
    if (!instance.list)
        return result;
    result.supported = true;
    const entitlements = (await deps.store.catalog.listEntitlements()).filter((e) => e.targetId === targetId);
    const signal = () => AbortSignal.timeout(deps.settings.connectorTimeoutMs);
    const observed = await instance.list({ params: entitlements.map((e) => e.params) }, { signal: signal() });
    result.observed = observed.length;
    const paramsById = new Map(entitlements.map((e) => [e.id, e.params]));
    const expected = new Map();
    for (const g of await deps.store.grants.list({ targetId, limit: 1_000_000 })) {
        const params = paramsById.get(g.entitlementId);
        const privileges = instance.privilegesFor && params ? instance.privilegesFor(params) : null;
        expected.set(g.id, { grantId: g.id, state: g.state, privileges });
    }
    const discrepancies = diffAccess(observed.map(toObserved), expected);
    const unexplained = discrepancies.filter((d) => d.kind !== 'drift').length;
    const seen = new Set();
    for (const d of discrepancies) {
        seen.add(`${d.kind}|${d.entry.key}`);
        const finding = await recordFinding(deps, target, d, actor);
        if (finding.opened)
            result.opened++;
        if (finding.current.state === 'accepted')
            continue;
        const remove = d.kind === 'lingering' || (d.kind === 'shadow' && target.reconcile.authoritative);
        if (!remove)
            continue;
        const entry = observed.find((o) => o.key === d.entry.key);
        if (!entry)
            continue;
        try {
            await removeAccess(instance, entry, signal());
            await resolveFinding(deps, finding.current, d.kind === 'lingering' ? 'revoked again' : 'removed (authoritative mode)', actor, {
                type: 'reconcile.access_removed',
                data: { targetId, kind: d.kind, principal: entry.principal, key: entry.key, grantId: entry.grantId },
            });
            result.removed++;
            seen.delete(`${d.kind}|${d.entry.key}`);
        }
        catch (error) {
            result.failures.push(`${entry.key}: ${errorText(error)}`);
        }
    }
    for (const f of await deps.store.findings.list({ targetId, states: ['open'], kinds: ['shadow', 'lingering', 'drift'] })) {
        if (seen.has(`${f.kind}|${f.key}`))
            continue;
        await resolveFinding(deps, f, 'no longer present on the target', actor);
        result.resolved++;
    }
    await deps.store.transaction((tx) => recordAudit(tx, deps, {
        type: 'reconcile.completed',
        actor,
        // Access explained by a grant in force (drift included), for the report's coverage.
        data: { ...result, backedByGrant: observed.length - unexplained },
    }));
    deps.log.info({ ...result }, 'reconciliation finished');
    return result;
}
function toObserved(a) {
    return { key: a.key, principal: a.principal, grantId: a.grantId, privileges: a.privileges };
}
async function removeAccess(instance, entry, signal) {
    if (instance.removeAccess) {
        await instance.removeAccess(entry, { signal });
        return;
    }
    if (entry.grantId !== null) {
        await instance.revoke({ grantId: entry.grantId, targetName: entry.principal, intent: true }, { signal });
        return;
    }
    throw new Error('the connector cannot remove access it did not create');
}
/** Opens, refreshes or reopens the finding for one discrepancy; acceptances hold until they expire. */
async function recordFinding(deps, target, d, actor) {
    const now = deps.clock.now();
    return deps.store.transaction(async (tx) => {
        const existing = await tx.findings.getByKey(target.id, d.kind, d.entry.key);
        if (!existing) {
            const finding = {
                id: deps.ids.newId('fnd'),
                targetId: target.id,
                kind: d.kind,
                key: d.entry.key,
                principal: d.entry.principal,
                grantId: d.entry.grantId,
                details: { ...d.details, privileges: d.entry.privileges },
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
            await recordAudit(tx, deps, { type: 'finding.opened', actor, grantId: d.entry.grantId, data: findingEvidence(finding) });
            return { current: finding, opened: true };
        }
        const acceptanceHolds = existing.state === 'accepted' && existing.acceptedUntil !== null && existing.acceptedUntil > now;
        const reopen = existing.state === 'resolved' || (existing.state === 'accepted' && !acceptanceHolds);
        const next = {
            ...existing,
            lastSeenAt: now,
            details: { ...d.details, privileges: d.entry.privileges },
            ...(reopen ? { state: 'open', resolvedAt: null, resolution: null } : {}),
        };
        if (!(await tx.findings.update(next, existing.version)))
            return { current: existing, opened: false };
        if (reopen) {
            await recordAudit(tx, deps, { type: 'finding.opened', actor, grantId: d.entry.grantId, data: { ...findingEvidence(next), reopened: true } });
        }
        return { current: { ...next, version: existing.version + 1 }, opened: reopen };
    });
}
async function resolveFinding(deps, finding, resolution, actor, extra) {
    const now = deps.clock.now();
    await deps.store.transaction(async (tx) => {
        const current = await tx.findings.get(finding.id);
        if (!current || current.state === 'resolved')
            return;
        const next = { ...current, state: 'resolved', resolvedAt: now, resolution };
        if (!(await tx.findings.update(next, current.version)))
            return;
        if (extra)
            await recordAudit(tx, deps, { type: extra.type, actor, grantId: finding.grantId, data: extra.data });
        await recordAudit(tx, deps, { type: 'finding.resolved', actor, grantId: finding.grantId, data: { findingId: finding.id, resolution } });
    });
}
export function findingEvidence(f) {
    return { findingId: f.id, targetId: f.targetId, kind: f.kind, key: f.key, principal: f.principal, details: f.details };
}
