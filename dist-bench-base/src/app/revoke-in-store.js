import { ConnectorError } from '../connectors/connector.js';
import { casGrants, intentHandle } from './grant-transitions.js';
import { recordAuditMany } from './load.js';
/**
 * One transaction over the due grants among `grantIds`. Where revoking is a write in our own
 * database (a grant never issued; a connector with `revokeManyInStore`, the jwt revocation list)
 * the grant goes from its state straight to `revoked` in the transaction that writes its record:
 * one grant update instead of two, one audit event instead of two, and atomicity instead of a
 * lease for crash safety (a crash leaves the grant as it was and no record, or both committed).
 * Grants of connectors that call a remote target are claimed, as before, for claim → call →
 * commit. Several processes may pass the same ids: compare-and-swap lets exactly one win each.
 */
export async function revokeInStoreOrClaim(deps, grantIds, mode = { inStore: true }) {
    const { store, clock, settings } = deps;
    const now = clock.now();
    const actor = `system:${settings.workerId}`;
    const result = await store.transaction(async (tx) => {
        const due = (await tx.grants.getMany(grantIds)).filter((g) => isRevocableNow(g, now));
        // Two nodes given overlapping batches take the grants' row locks in the same order.
        due.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const { inStore, notIssued, remote } = await splitByConnector(deps, tx, due, mode.inStore);
        const local = inStore.length > 0 || notIssued.length > 0;
        const outcomes = new Map();
        for (const g of notIssued)
            outcomes.set(g.id, { ok: true, verification: 'not_issued' });
        // The fault points of claim → call → commit, at the same steps of this one transaction: a
        // crash at any of them rolls back the records and the grants' changes together.
        if (local)
            deps.faults?.reach('revoke.before_target');
        for (const group of inStore) {
            const results = await revokeGroupInStore(deps, tx, group);
            // A store that failed under the records may have failed the transaction with it (PostgreSQL
            // refuses every statement after an error): roll it all back and let the caller take the
            // claim way, which records the failure and its backoff outside this transaction.
            const broken = results.find((r) => !r.ok && !(r.error instanceof ConnectorError && r.error.reason === 'rejected'));
            if (broken && !broken.ok)
                throw new InStoreRevocationFailed(broken.error);
            for (const [i, g] of group.grants.entries()) {
                const r = results[i];
                if (r?.ok === true && r.liveness === 'gone')
                    outcomes.set(g.id, { ok: true, verification: 'gone' });
                else
                    outcomes.set(g.id, { ok: false, error: r?.ok === false ? r.error : stillListed() });
            }
        }
        if (local)
            deps.faults?.reach('revoke.after_target');
        const revokedAt = clock.now();
        const leaseUntil = new Date(now.getTime() + settings.leaseMs);
        const lags = new Map();
        const stored = await casGrants(tx, due.map((g) => {
            const revokeReason = g.revokeReason ?? 'expired';
            const revokeDueAt = g.revokeDueAt ?? g.expiresAt;
            const outcome = outcomes.get(g.id);
            if (outcome?.ok !== true) {
                return {
                    current: g,
                    changes: {
                        state: 'revoking',
                        revokeReason,
                        revokeDueAt,
                        revokeAttempts: g.revokeAttempts + 1,
                        leaseOwner: settings.workerId,
                        leaseUntil,
                    },
                };
            }
            const lag = Math.max(0, revokedAt.getTime() - revokeDueAt.getTime());
            lags.set(g.id, lag);
            return {
                current: g,
                changes: {
                    state: 'revoked',
                    revokeReason,
                    revokeDueAt,
                    revokeAttempts: g.revokeAttempts + 1,
                    revokedAt,
                    revocationLagMs: lag,
                    verification: outcome.verification,
                    leaseOwner: null,
                    leaseUntil: null,
                    nextAttemptAt: null,
                    lastError: null,
                    // A credential nobody picked up must not outlive the grant, even sealed.
                    credentialCiphertext: null,
                },
            };
        }));
        const settled = { revoked: [], claimed: [], failed: [] };
        const events = [];
        for (const [i, next] of stored.entries()) {
            const from = due[i];
            if (!next || !from)
                continue;
            const base = { actor, requestId: next.requestId, grantId: next.id };
            const lag = lags.get(next.id);
            if (lag !== undefined) {
                settled.revoked.push({ grant: next, lag });
                // Also the evidence the skipped `grant.revoking` event carried (fromState; attempts),
                // in key order, as canonicalJson's fast path wants it.
                events.push({
                    ...base,
                    type: 'grant.revoked',
                    data: {
                        attempts: next.revokeAttempts,
                        fromState: from.state,
                        reason: next.revokeReason,
                        revocationLagMs: lag,
                        verification: next.verification,
                    },
                });
                continue;
            }
            events.push({
                ...base,
                type: 'grant.revoking',
                data: { attempt: next.revokeAttempts, fromState: from.state, reason: next.revokeReason },
            });
            const outcome = outcomes.get(next.id);
            if (outcome?.ok === false)
                settled.failed.push({ grant: next, error: outcome.error });
            else if (remote.has(next.id))
                settled.claimed.push(next);
        }
        await recordAuditMany(tx, deps, events);
        if (local)
            deps.faults?.reach('revoke.before_commit');
        return settled;
    });
    if (result.revoked.length > 0)
        deps.faults?.reach('revoke.after_commit');
    return result;
}
/** Grants never issued, grants of in-store connectors by target, and the ids of all the others. */
async function splitByConnector(deps, tx, due, useInStore) {
    const notIssued = [];
    const byTarget = new Map();
    for (const g of due) {
        if (g.issueAttempts === 0) {
            notIssued.push(g);
            continue;
        }
        const group = byTarget.get(g.targetId);
        if (group)
            group.push(g);
        else
            byTarget.set(g.targetId, [g]);
    }
    const inStore = [];
    const remote = new Set();
    for (const [targetId, grants] of byTarget) {
        const instance = useInStore ? await inStoreInstance(deps, tx, targetId) : null;
        if (instance)
            inStore.push({ ...instance, grants });
        // A target that cannot be resolved goes the claim way too: the call step reports why it failed.
        else
            for (const g of grants)
                remote.add(g.id);
    }
    return { inStore, notIssued, remote };
}
async function inStoreInstance(deps, tx, targetId) {
    try {
        const target = await tx.catalog.getTarget(targetId);
        if (!target)
            return null;
        const instance = await deps.connectors.instanceFor(target);
        return instance.revokeManyInStore ? { target, instance } : null;
    }
    catch {
        return null;
    }
}
async function revokeGroupInStore(deps, tx, { target, instance, grants }) {
    const handles = grants.map((g) => g.handle ?? intentHandle(g));
    const options = { signal: AbortSignal.timeout(deps.settings.connectorTimeoutMs) };
    try {
        const results = await instance.revokeManyInStore?.(handles, deps.connectors.stateIn(tx, target), options);
        if (results?.length !== grants.length)
            throw new Error('the connector answered for a different batch');
        return results;
    }
    catch (error) {
        return grants.map(() => ({ ok: false, error }));
    }
}
/** The in-store revocation of a batch could not be written; nothing of the batch was committed. */
export class InStoreRevocationFailed extends Error {
    constructor(cause) {
        super('the revocation records could not be written in the batch transaction', { cause });
        this.name = 'InStoreRevocationFailed';
    }
}
function stillListed() {
    return new ConnectorError('conflict', 'access is still live on the target after revoke', {
        retryable: true,
    });
}
function isRevocableNow(g, now) {
    const t = now.getTime();
    switch (g.state) {
        case 'active':
            return g.expiresAt.getTime() <= t;
        case 'revoking':
            return g.leaseUntil === null || g.leaseUntil.getTime() <= t;
        case 'revoke_failed':
        case 'irrevocable':
            return g.nextAttemptAt === null || g.nextAttemptAt.getTime() <= t;
        case 'scheduled':
        case 'issuing':
        case 'issue_failed':
        case 'revoked':
            return false;
    }
}
