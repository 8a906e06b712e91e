export const FINDING_KINDS = [
    'shadow',
    'lingering',
    'drift',
    'orphaned_nhi',
    'stale_credential',
    'exception_drift',
];
export const FINDING_STATES = ['open', 'resolved', 'accepted'];
/** Grant states in which access on the target is expected (or may legitimately still exist). */
const EXPECTED = new Set([
    'issuing',
    'active',
    'revoking',
    'revoke_failed',
    'irrevocable',
]);
/**
 * Desired (grants) against actual (target). Access no grant created is shadow; access whose grant
 * ended (or never existed) is lingering; access that differs from what its grant gives is drift.
 * Never adopts: nothing found on a target becomes a grant.
 */
export function diffAccess(observed, grants) {
    const out = [];
    for (const entry of observed) {
        if (entry.grantId === null) {
            out.push({ kind: 'shadow', entry, details: { reason: 'no grant created this access' } });
            continue;
        }
        const grant = grants.get(entry.grantId);
        if (!grant) {
            out.push({ kind: 'lingering', entry, details: { reason: 'named for a grant Hourglass has no record of' } });
            continue;
        }
        if (!EXPECTED.has(grant.state)) {
            out.push({ kind: 'lingering', entry, details: { reason: `grant is ${grant.state}`, grantState: grant.state } });
            continue;
        }
        if (grant.privileges !== null && !samePrivileges(grant.privileges, entry.privileges)) {
            out.push({
                kind: 'drift',
                entry,
                details: { expected: [...grant.privileges].sort(), actual: [...entry.privileges].sort() },
            });
        }
    }
    return out;
}
function samePrivileges(a, b) {
    const x = [...new Set(a)].sort();
    const y = [...new Set(b)].sort();
    return x.length === y.length && x.every((v, i) => v === y[i]);
}
/** Accepting a finding is a time-bound exception: it needs a reason and ends within 90 days. */
export const MAX_ACCEPT_SECONDS = 90 * 86400;
