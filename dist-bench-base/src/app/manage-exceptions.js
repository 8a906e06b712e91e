import { assertExceptionApprover, assertScope, isExceptionActive, MAX_EXCEPTION_SECONDS, } from '../domain/access-exception.js';
import { AppError } from '../domain/errors.js';
import { isAdmin, recordAudit, requireEntitlement, requireIdentity } from './load.js';
export async function requireException(deps, id) {
    const e = await deps.store.exceptions.get(id);
    if (!e)
        throw new AppError('exception.not_found', `No exception ${JSON.stringify(id)}`);
    return e;
}
/**
 * Creates (approves) an exception. The creator is its approver: an admin, or an owner of the
 * entitlement it names, and never its beneficiary. A renewal takes the scope of what it renews,
 * ends it, and counts one more renewal in a row (drift is judged on that count).
 */
export async function createException(deps, actor, input) {
    const { store, clock } = deps;
    if (input.forSeconds > MAX_EXCEPTION_SECONDS) {
        throw new AppError('exception.too_long', `An exception lasts at most ${MAX_EXCEPTION_SECONDS / 86400} days`, {
            details: { maxSeconds: MAX_EXCEPTION_SECONDS },
        });
    }
    const previous = input.renewedFrom !== undefined ? await requireException(deps, input.renewedFrom) : null;
    const scope = previous ? renewalScope(previous.scope, input.scope) : normalScope(input.scope);
    assertScope(scope);
    const beneficiary = scope.identityId !== null ? await requireIdentity(store, scope.identityId) : null;
    const entitlement = scope.entitlementId !== null ? await requireEntitlement(store, scope.entitlementId) : null;
    assertMayApprove(deps, actor, entitlement);
    assertExceptionApprover(actor, beneficiary);
    const now = clock.now();
    const exception = {
        id: deps.ids.newId('exc'),
        scope,
        reason: input.reason,
        approverId: actor.id,
        createdAt: now,
        expiresAt: new Date(now.getTime() + input.forSeconds * 1000),
        renewedFrom: previous?.id ?? null,
        renewals: previous ? previous.renewals + 1 : 0,
        uses: 0,
        revokedAt: null,
        revokedBy: null,
        endReason: null,
        version: 1,
    };
    await store.transaction(async (tx) => {
        if (previous) {
            const current = await tx.exceptions.get(previous.id);
            if (!current || current.endReason !== null) {
                throw new AppError('exception.not_active', `Exception ${previous.id} was ${current?.endReason ?? 'removed'}; it cannot be renewed`);
            }
            // Ended now (if still running) so the renewal replaces it rather than stacking on it.
            const ended = {
                ...current,
                endReason: 'renewed',
                ...(isExceptionActive(current, now) ? { revokedAt: now, revokedBy: actor.id } : {}),
            };
            if (!(await tx.exceptions.update(ended, current.version))) {
                throw new AppError('exception.not_active', 'The exception changed meanwhile; try again');
            }
        }
        await tx.exceptions.insert(exception);
        await recordAudit(tx, deps, {
            type: 'exception.created',
            actor: actor.id,
            data: {
                exceptionId: exception.id,
                scope,
                reason: exception.reason,
                expiresAt: exception.expiresAt,
                renewedFrom: exception.renewedFrom,
                renewals: exception.renewals,
            },
        });
    });
    deps.log.info({ exceptionId: exception.id, scope, approver: actor.id, renewals: exception.renewals }, 'exception approved');
    return exception;
}
/** Ends an exception now: its approver, an owner of its entitlement, or an admin. */
export async function revokeException(deps, actor, id, reason) {
    const existing = await requireException(deps, id);
    const entitlement = existing.scope.entitlementId !== null
        ? await deps.store.catalog.getEntitlement(existing.scope.entitlementId)
        : null;
    if (actor.id !== existing.approverId)
        assertMayApprove(deps, actor, entitlement);
    const now = deps.clock.now();
    return deps.store.transaction(async (tx) => {
        const current = await tx.exceptions.get(id);
        if (!current || !isExceptionActive(current, now)) {
            throw new AppError('exception.not_active', `Exception ${id} is no longer active`);
        }
        const next = {
            ...current,
            revokedAt: now,
            revokedBy: actor.id,
            endReason: 'revoked',
            version: current.version + 1,
        };
        if (!(await tx.exceptions.update(next, current.version))) {
            throw new AppError('exception.not_active', 'The exception changed meanwhile; try again');
        }
        await recordAudit(tx, deps, {
            type: 'exception.revoked',
            actor: actor.id,
            data: { exceptionId: id, reason, uses: current.uses },
        });
        return next;
    });
}
/** Admins see every exception; anyone else those naming them, approved by them, or on what they own. */
export async function listExceptions(deps, actor, filter) {
    const now = deps.clock.now();
    const all = await deps.store.exceptions.list({
        ...(filter.active ? { activeAt: now } : {}),
        limit: 1000,
    });
    if (isAdmin(actor, deps.settings.adminGroup))
        return all;
    const owned = new Set((await deps.store.catalog.listEntitlements())
        .filter((e) => e.owners.includes(actor.id))
        .map((e) => e.id));
    return all.filter((e) => e.approverId === actor.id ||
        e.scope.identityId === actor.id ||
        (e.scope.entitlementId !== null && owned.has(e.scope.entitlementId)));
}
function assertMayApprove(deps, actor, entitlement) {
    if (isAdmin(actor, deps.settings.adminGroup))
        return;
    if (entitlement?.owners.includes(actor.id))
        return;
    throw new AppError('auth.forbidden', 'Only an administrator, or an owner of the entitlement it names, can approve or end an exception');
}
function normalScope(scope) {
    return {
        identityId: scope?.identityId ?? null,
        entitlementId: scope?.entitlementId ?? null,
        policyId: scope?.policyId ?? null,
    };
}
/** A renewal keeps the scope it renews; a different scope is a new exception, not a renewal. */
function renewalScope(previous, asked) {
    if (asked === undefined)
        return previous;
    const scope = normalScope(asked);
    if (scope.identityId !== previous.identityId ||
        scope.entitlementId !== previous.entitlementId ||
        scope.policyId !== previous.policyId) {
        throw new AppError('input.invalid', 'A renewal keeps the scope of the exception it renews');
    }
    return scope;
}
