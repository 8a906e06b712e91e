import { AppError } from '../domain/errors.js';
import { canTransitionGrant } from '../domain/grant.js';
/**
 * Persists a grant transition with compare-and-swap: returns the stored grant, or null when
 * another process changed the grant first (it then owns the next step).
 */
export async function casGrant(tx, current, changes) {
    const [stored] = await casGrants(tx, [{ current, changes }]);
    return stored ?? null;
}
/**
 * casGrant for many grants in one go (a revocation batch): each succeeds or loses on its own.
 * Only the changed fields are written; the rest cannot differ, since the version still matched.
 */
export async function casGrants(tx, items) {
    const patches = items.map(({ current, changes }) => {
        const next = { ...current, ...changes, version: current.version + 1 };
        if (next.state !== current.state && !canTransitionGrant(current.state, next.state)) {
            throw new AppError('grant.not_active', `A grant cannot go from ${current.state} to ${next.state}`);
        }
        const fields = Object.keys(changes);
        return { grant: next, expectedVersion: current.version, fields };
    });
    const changed = await tx.grants.patchMany(patches);
    return patches.map((p, i) => (changed[i] === true ? p.grant : null));
}
/**
 * The handle a revoke gets when issuance never recorded one (a crash between the target call
 * and the commit): connectors derive target names from the grant id, so this is enough to find
 * and remove an earlier attempt.
 */
export function intentHandle(grant) {
    const handle = { grantId: grant.id, targetName: grant.targetName, intent: true };
    return { ...handle };
}
export function errorText(error) {
    const text = error instanceof Error ? error.message : 'unknown failure';
    return text.slice(0, 500);
}
