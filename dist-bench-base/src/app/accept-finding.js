import { AppError } from '../domain/errors.js';
import { MAX_ACCEPT_SECONDS } from '../domain/finding.js';
import { isAdmin, recordAudit } from './load.js';
/**
 * Accepting a finding is a time-bound exception, not an amnesty: it needs a reason and an expiry
 * (at most 90 days), after which the next reconciliation reopens it if the access is still there.
 */
export async function acceptFinding(deps, actor, findingId, input) {
    if (!isAdmin(actor, deps.settings.adminGroup)) {
        throw new AppError('auth.forbidden', 'Only an administrator can accept a finding');
    }
    if (input.forSeconds > MAX_ACCEPT_SECONDS) {
        throw new AppError('input.invalid', `An acceptance lasts at most ${MAX_ACCEPT_SECONDS / 86400} days`);
    }
    const now = deps.clock.now();
    return deps.store.transaction(async (tx) => {
        const current = await tx.findings.get(findingId);
        if (!current)
            throw new AppError('finding.not_found', `No finding ${JSON.stringify(findingId)}`);
        if (current.state !== 'open') {
            throw new AppError('finding.not_open', `Finding is ${current.state}`);
        }
        const next = {
            ...current,
            state: 'accepted',
            acceptedBy: actor.id,
            acceptReason: input.reason,
            acceptedUntil: new Date(now.getTime() + input.forSeconds * 1000),
        };
        if (!(await tx.findings.update(next, current.version))) {
            throw new AppError('finding.not_open', 'The finding changed; try again');
        }
        await recordAudit(tx, deps, {
            type: 'finding.accepted',
            actor: actor.id,
            grantId: current.grantId,
            data: { findingId, reason: input.reason, acceptedUntil: next.acceptedUntil },
        });
        return { ...next, version: current.version + 1 };
    });
}
