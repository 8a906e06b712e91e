import { ConnectorError } from '../connectors/connector.js';
import { backoffMs } from '../domain/grant.js';
import { yieldToEventLoop } from './event-loop.js';
import { casGrant, casGrants, errorText, intentHandle } from './grant-transitions.js';
import { InStoreRevocationFailed, revokeInStoreOrClaim } from './revoke-in-store.js';
import { recordAudit, recordAuditMany } from './load.js';
/** Grants per batch at most: bounds one transaction's length and one connector call's size. */
export const MAX_REVOCATION_BATCH = 500;
/**
 * The lifecycle engine's batch on SQLite. There a batch is one synchronous stretch of the event
 * loop, and a grant falling due meanwhile waits for it; per grant a batch cost the same at 50,
 * 100 and 200 grants as at 500 (0.13-0.15 ms CPU, 100,000-grant database), so a fifth of the
 * batch is a fifth of the wait for the same throughput. PostgreSQL keeps the full batch, whose
 * round trips it amortises.
 */
export const SQLITE_REVOCATION_BATCH = 100;
/** Target calls in flight at once for a connector without batches (as the engine ran them before). */
const ONE_BY_ONE_IN_FLIGHT = 8;
/**
 * Revokes the due grants among `grantIds`, verifies access is gone, and records the outcomes.
 * Where the revocation is a write in our own database (the jwt list, a grant never issued) that
 * is one transaction per batch (revoke-in-store.ts); for targets called remotely it is one claim
 * transaction, one batch call per target where the connector takes batches, and one commit for
 * all that succeeded, with the steps and audit events of one grant at a time. At 10,000 grants
 * due in a second, that is tens of transactions instead of 20,000. Several processes may pass
 * the same ids: compare-and-swap lets exactly one win each grant. Returns, per id, the grant as
 * it ended here, or null when there was nothing (more) to do.
 */
export async function executeRevocations(deps, grantIds) {
    const ended = new Map();
    for (let i = 0; i < grantIds.length; i += MAX_REVOCATION_BATCH) {
        for (const g of await revokeBatch(deps, grantIds.slice(i, i + MAX_REVOCATION_BATCH))) {
            ended.set(g.id, g);
        }
    }
    return grantIds.map((id) => ended.get(id) ?? null);
}
async function revokeBatch(deps, grantIds) {
    const settled = await revokeInStoreOrClaim(deps, grantIds).catch((error) => {
        if (!(error instanceof InStoreRevocationFailed))
            throw error;
        deps.log.warn({ grants: grantIds.length, error: errorText(error.cause) }, 'in-store revocation failed; claiming the batch instead');
        return revokeInStoreOrClaim(deps, grantIds, { inStore: false });
    });
    const ended = announceRevoked(deps, settled.revoked);
    for (const { grant, error } of settled.failed) {
        const next = await recordRevokeFailure(deps, grant, error);
        if (next)
            ended.push(next);
    }
    const claimed = settled.claimed;
    if (claimed.length === 0)
        return ended;
    // On SQLite every await here resolves at once: without these turns a batch would hold the
    // event loop (timers, HTTP, /readyz) from its claim to its commit.
    await yieldToEventLoop();
    deps.faults?.reach('revoke.before_target');
    const outcomes = await revokeOnTargets(deps, claimed);
    deps.faults?.reach('revoke.after_target');
    await yieldToEventLoop();
    ended.push(...(await commitRevoked(deps, claimed, outcomes)));
    for (const grant of claimed) {
        const outcome = outcomes.get(grant.id);
        if (outcome?.ok !== false)
            continue;
        const next = await recordRevokeFailure(deps, grant, outcome.error);
        if (next)
            ended.push(next);
    }
    return ended;
}
/** One transaction: every grant whose access is verified gone becomes `revoked`. */
async function commitRevoked(deps, claimed, outcomes) {
    const { store, clock, settings } = deps;
    const revokedAt = clock.now();
    const items = claimed.flatMap((grant) => {
        const outcome = outcomes.get(grant.id);
        if (outcome?.ok !== true)
            return [];
        const due = grant.revokeDueAt ?? grant.expiresAt;
        const lag = Math.max(0, revokedAt.getTime() - due.getTime());
        return [{ grant, lag, verification: outcome.verification }];
    });
    if (items.length === 0)
        return [];
    const done = await store.transaction(async (tx) => {
        const stored = await casGrants(tx, items.map(({ grant, lag, verification }) => ({
            current: grant,
            changes: {
                state: 'revoked',
                revokedAt,
                revocationLagMs: lag,
                verification,
                leaseOwner: null,
                leaseUntil: null,
                nextAttemptAt: null,
                lastError: null,
                // A credential nobody picked up must not outlive the grant, even sealed.
                credentialCiphertext: null,
            },
        })));
        const won = [];
        for (const [i, next] of stored.entries()) {
            const item = items[i];
            if (next && item)
                won.push({ grant: next, lag: item.lag });
        }
        await recordAuditMany(tx, deps, won.map(({ grant, lag }) => ({
            type: 'grant.revoked',
            actor: `system:${settings.workerId}`,
            requestId: grant.requestId,
            grantId: grant.id,
            data: {
                attempts: grant.revokeAttempts,
                reason: grant.revokeReason,
                revocationLagMs: lag,
                verification: grant.verification,
            },
        })));
        deps.faults?.reach('revoke.before_commit');
        return won;
    });
    if (done.length > 0)
        deps.faults?.reach('revoke.after_commit');
    return announceRevoked(deps, done);
}
/** After commit: the signals and log lines of revoked grants. */
function announceRevoked(deps, done) {
    // One line per grant at debug, one per batch at info: the audit log holds every revocation, and
    // a revocation window must not turn into thousands of log lines a second.
    let maxLag = 0;
    for (const { grant, lag } of done) {
        deps.log.debug({ grantId: grant.id, lagMs: lag, verification: grant.verification }, 'grant revoked');
        maxLag = Math.max(maxLag, lag);
        deps.signals.grantRevoked(grant);
    }
    if (done.length === 1) {
        const [only] = done;
        deps.log.info({ grantId: only?.grant.id, lagMs: maxLag, verification: only?.grant.verification }, 'grant revoked');
    }
    else if (done.length > 1) {
        deps.log.info({ grants: done.length, maxLagMs: maxLag }, 'grants revoked');
    }
    return done.map(({ grant }) => grant);
}
/** Revokes each claimed grant on its target: one batch per target where the connector takes one. */
async function revokeOnTargets(deps, claimed) {
    const outcomes = new Map();
    const byTarget = new Map();
    for (const grant of claimed) {
        if (grant.issueAttempts === 0) {
            outcomes.set(grant.id, { ok: true, verification: 'not_issued' });
            continue;
        }
        const group = byTarget.get(grant.targetId);
        if (group)
            group.push(grant);
        else
            byTarget.set(grant.targetId, [grant]);
    }
    await Promise.all([...byTarget].map(async ([targetId, grants]) => {
        let instance;
        try {
            const target = await deps.store.catalog.getTarget(targetId);
            if (!target) {
                throw new ConnectorError('not-found', 'target is no longer configured', { retryable: true });
            }
            instance = await deps.connectors.instanceFor(target);
        }
        catch (error) {
            for (const g of grants)
                outcomes.set(g.id, { ok: false, error });
            return;
        }
        const results = instance.revokeMany
            ? await revokeAsBatch(deps, instance, grants)
            : await revokeOneByOne(deps, instance, grants);
        for (const [i, g] of grants.entries()) {
            outcomes.set(g.id, results[i] ?? { ok: false, error: new Error('no outcome') });
        }
    }));
    return outcomes;
}
async function revokeAsBatch(deps, instance, grants) {
    try {
        const results = await instance.revokeMany?.(grants.map((g) => g.handle ?? intentHandle(g)), { signal: AbortSignal.timeout(deps.settings.connectorTimeoutMs) });
        if (results?.length !== grants.length)
            throw new Error('the connector answered for a different batch');
        return results.map((r) => {
            if (!r.ok)
                return r;
            return r.liveness === 'gone' ? { ok: true, verification: 'gone' } : { ok: false, error: stillLive() };
        });
    }
    catch (error) {
        return grants.map(() => ({ ok: false, error }));
    }
}
/** Connectors without batches: a few calls in flight at once, each revoke then inspect. */
async function revokeOneByOne(deps, instance, grants) {
    const results = new Array(grants.length);
    let next = 0;
    const worker = async () => {
        for (let i = next++; i < grants.length; i = next++) {
            const grant = grants[i];
            if (!grant)
                continue;
            try {
                results[i] = { ok: true, verification: await revokeOne(deps, instance, grant) };
            }
            catch (error) {
                results[i] = { ok: false, error };
            }
        }
    };
    const workers = Math.min(grants.length, ONE_BY_ONE_IN_FLIGHT);
    await Promise.all(Array.from({ length: workers }, worker));
    return results;
}
async function revokeOne(deps, instance, grant) {
    const handle = grant.handle ?? intentHandle(grant);
    await instance.revoke(handle, { signal: AbortSignal.timeout(deps.settings.connectorTimeoutMs) });
    if (!instance.inspect)
        return 'not_supported';
    const live = await instance.inspect(handle, { signal: AbortSignal.timeout(deps.settings.connectorTimeoutMs) });
    if (live === 'live')
        throw stillLive();
    return 'gone';
}
function stillLive() {
    return new ConnectorError('conflict', 'access is still live on the target after revoke', {
        retryable: true,
    });
}
async function recordRevokeFailure(deps, claimed, error) {
    const { settings, clock } = deps;
    const now = clock.now();
    const final = claimed.revokeAttempts >= settings.revoke.maxAttempts;
    const wait = final
        ? settings.irrevocableRetryMs
        : backoffMs(claimed.revokeAttempts, settings.revoke.baseMs, settings.revoke.capMs, deps.random());
    const message = errorText(error);
    const next = await deps.store.transaction(async (tx) => {
        const stored = await casGrant(tx, claimed, {
            state: final ? 'irrevocable' : 'revoke_failed',
            nextAttemptAt: new Date(now.getTime() + wait),
            lastError: message,
            leaseOwner: null,
            leaseUntil: null,
        });
        if (!stored)
            return null;
        await recordAudit(tx, deps, {
            type: final ? 'grant.irrevocable' : 'grant.revoke_failed',
            actor: `system:${settings.workerId}`,
            requestId: claimed.requestId,
            grantId: claimed.id,
            data: { attempt: claimed.revokeAttempts, error: message, nextAttemptAt: new Date(now.getTime() + wait) },
        });
        return stored;
    });
    if (next && final) {
        deps.log.error({ grantId: claimed.id, error: message }, 'grant is irrevocable: a human must act');
        deps.signals.grantIrrevocable(next);
    }
    else if (next) {
        deps.log.warn({ grantId: claimed.id, attempt: claimed.revokeAttempts, error: message }, 'revocation failed; will retry');
    }
    return next;
}
