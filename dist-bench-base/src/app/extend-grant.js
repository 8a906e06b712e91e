import { formatDuration } from '../domain/duration.js';
import { AppError } from '../domain/errors.js';
import { requireEntitlement, requireGrant, requireRequest } from './load.js';
import { endGrant, executeRevocation } from './revoke-grant.js';
import { submitRequest } from './submit-request.js';
/** Guards against a corrupt chain looping; real chains are a handful of links. */
const MAX_CHAIN = 1000;
/**
 * Asks for more time on an active grant. This is a new request linked to the grant, decided by
 * the current policy and never under laxer obligations than the request it extends (an extension
 * of a reviewed grant is reviewed again). The sum of the chain's durations is capped, a recent
 * denial cools the requester down, and break-glass access is never extended (T05).
 *
 * On approval the new grant is issued at once; when it is active the old one is revoked with
 * reason `superseded` (`supersedeExtendedGrant`). The old grant's expiry is never edited.
 */
export async function extendGrant(deps, actor, grantId, input) {
    const { store } = deps;
    const grant = await requireGrant(store, grantId);
    const original = await requireRequest(store, grant.requestId);
    if (actor.id !== original.requesterId) {
        throw new AppError('auth.forbidden', 'Only the requester of a grant can ask to extend it');
    }
    if (original.breakGlass) {
        throw new AppError('extension.not_allowed', 'Break-glass access is never extended; break glass again or request access');
    }
    if (grant.state !== 'active') {
        throw new AppError('grant.not_active', `Grant is ${grant.state}; only an active grant can be extended`);
    }
    const pending = await store.requests.list({
        requesterId: actor.id,
        states: ['pending'],
        limit: 500,
    });
    if (pending.some((r) => r.extendsGrantId === grant.id)) {
        throw new AppError('extension.not_allowed', 'An extension of this grant is already waiting for review');
    }
    const entitlement = await requireEntitlement(store, grant.entitlementId);
    const chainSeconds = await chainDuration(deps, original);
    const capSeconds = Math.floor(deps.settings.governance.extensionCapFactor * entitlement.maxDurationSeconds);
    if (chainSeconds + input.durationSeconds > capSeconds) {
        throw new AppError('extension.cap_exceeded', `Extending by ${formatDuration(input.durationSeconds)} would make this access last ${formatDuration(chainSeconds + input.durationSeconds)} in all; the cap is ${formatDuration(capSeconds)}`, { details: { chainSeconds, askedSeconds: input.durationSeconds, capSeconds } });
    }
    return submitRequest(deps, actor, {
        entitlementId: original.entitlementId,
        subjectId: original.subjectId,
        justification: input.justification,
        ticketRef: original.ticketRef,
        durationSeconds: input.durationSeconds,
        revocationCondition: original.revocationCondition,
        extendsGrantId: grant.id,
        obligationFloor: original.obligations,
    });
}
/** The requested durations along the chain of extensions ending in `request`. */
async function chainDuration(deps, request) {
    let total = 0;
    let current = request;
    for (let i = 0; current !== null && i < MAX_CHAIN; i++) {
        total += current.durationSeconds;
        const previousGrant = current.extendsGrantId !== null ? await deps.store.grants.get(current.extendsGrantId) : null;
        current = previousGrant ? await deps.store.requests.get(previousGrant.requestId) : null;
    }
    return total;
}
/**
 * Called when a grant becomes active: if it extends another grant, that one ends now (reason
 * `superseded`), so access continues without a gap and overlaps only for the seconds in between.
 */
export async function supersedeExtendedGrant(deps, grant, 
/** The grant's request when the caller already holds it (what it extends never changes). */
known) {
    try {
        const request = known?.id === grant.requestId ? known : await deps.store.requests.get(grant.requestId);
        if (!request || request.extendsGrantId === null)
            return;
        const ended = await endGrant(deps, request.extendsGrantId, 'superseded', `system:${deps.settings.workerId}`, {
            change: 'extended',
            supersededBy: grant.id,
            requestId: request.id,
        });
        if (ended.state === 'revoking')
            await executeRevocation(deps, ended.id);
    }
    catch (error) {
        // The old grant still ends at its own expiry; the sweep retries a failed revocation.
        deps.log.error({ grantId: grant.id, err: error }, 'could not end the grant this one extends');
    }
}
