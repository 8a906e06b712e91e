import { AppError } from '../domain/errors.js';
import { recordAudit, requireRequest } from './load.js';
/** The requester withdraws a pending request. Approved requests end through their grant instead. */
export async function cancelRequest(deps, actor, requestId) {
    return deps.store.transaction(async (tx) => {
        const current = await requireRequest(tx, requestId);
        if (current.requesterId !== actor.id) {
            throw new AppError('auth.forbidden', 'Only the requester can cancel a request');
        }
        if (current.state !== 'pending') {
            throw new AppError('request.not_pending', `Request is ${current.state}; it cannot be cancelled`);
        }
        const next = {
            ...current,
            state: 'cancelled',
            decidedAt: deps.clock.now(),
            decisionReason: 'cancelled by requester',
            version: current.version + 1,
        };
        if (!(await tx.requests.update(next, current.version))) {
            throw new AppError('request.concurrent_update', 'The request changed; try again');
        }
        await recordAudit(tx, deps, {
            type: 'request.cancelled',
            actor: actor.id,
            requestId,
            data: {},
        });
        return next;
    });
}
/** Pending requests nobody reviewed in time lapse; they never become grants. */
export async function lapseRequests(deps, limit = 100) {
    const now = deps.clock.now();
    const due = await deps.store.requests.listLapsable(now, limit);
    let lapsed = 0;
    for (const request of due) {
        const won = await deps.store.transaction(async (tx) => {
            const next = {
                ...request,
                state: 'lapsed',
                decidedAt: now,
                decisionReason: 'no decision before the review deadline',
                version: request.version + 1,
            };
            if (!(await tx.requests.update(next, request.version)))
                return false;
            await recordAudit(tx, deps, {
                type: 'request.lapsed',
                actor: 'system:lifecycle',
                requestId: request.id,
                data: { reviewDeadline: request.reviewDeadline },
            });
            return true;
        });
        if (won)
            lapsed++;
    }
    return lapsed;
}
