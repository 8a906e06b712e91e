import { REQUEST_STATES } from '../../domain/access-request.js';
import { AppError } from '../../domain/errors.js';
import { cancelRequest } from '../../app/cancel-request.js';
import { isAdmin, requireEntitlement, requireRequest } from '../../app/load.js';
import { reviewRequest } from '../../app/review-request.js';
import { submitRequest } from '../../app/submit-request.js';
import { defineRoute } from '../route.js';
import { idParam, listQuery, reviewBody, submitRequestBody } from '../schemas.js';
import { grantView, requestView, reviewView } from '../views.js';
/** Who may read a request: its parties, its named reviewers, the owners, and admins. */
async function assertMaySee(deps, actor, r) {
    if ([r.requesterId, r.subjectId, ...r.eligibleReviewers].includes(actor.id))
        return;
    if (isAdmin(actor, deps.settings.adminGroup))
        return;
    const e = await requireEntitlement(deps.store, r.entitlementId);
    if (e.owners.includes(actor.id))
        return;
    throw new AppError('auth.forbidden', 'You may not see this request');
}
function parseStates(state) {
    if (state === undefined)
        return undefined;
    const states = state.split(',');
    for (const s of states) {
        if (!REQUEST_STATES.includes(s)) {
            throw new AppError('input.invalid', `Unknown request state ${JSON.stringify(s)}`);
        }
    }
    return states;
}
export const requestRoutes = [
    defineRoute({
        method: 'post',
        path: '/v1/requests',
        summary: 'Submit an access request for a catalog entitlement',
        tag: 'requests',
        auth: 'identity',
        body: submitRequestBody,
        status: 201,
        handler: async ({ deps, actor, body }) => {
            const result = await submitRequest(deps, actor, {
                entitlementId: body.entitlementId,
                subjectId: body.subjectId,
                justification: body.justification,
                ticketRef: body.ticketRef,
                durationSeconds: body.duration,
                revocationCondition: body.revocationCondition,
            });
            return {
                request: requestView(result.request),
                grant: result.grant ? grantView(result.grant) : null,
            };
        },
    }),
    defineRoute({
        method: 'get',
        path: '/v1/requests',
        summary: 'List requests: mine, awaiting my review, or all (admins)',
        tag: 'requests',
        auth: 'identity',
        query: listQuery,
        handler: async ({ deps, actor, query }) => {
            const states = parseStates(query.state);
            const filter = query.scope === 'review'
                ? { reviewerId: actor.id, states: states ?? ['pending'] }
                : query.scope === 'all'
                    ? {}
                    : { requesterId: actor.id };
            if (query.scope === 'all' && !isAdmin(actor, deps.settings.adminGroup)) {
                throw new AppError('auth.forbidden', 'Only admins can list all requests');
            }
            const items = await deps.store.requests.list({
                ...filter,
                ...(states && query.scope !== 'review' ? { states } : {}),
                limit: query.limit,
            });
            return { items: items.map((r) => requestView(r)) };
        },
    }),
    defineRoute({
        method: 'get',
        path: '/v1/requests/{id}',
        summary: 'One request with its reviews and grant',
        tag: 'requests',
        auth: 'identity',
        handler: async ({ deps, actor, params }) => {
            const r = await requireRequest(deps.store, idParam.parse(params.id));
            await assertMaySee(deps, actor, r);
            const reviews = await deps.store.reviews.listForRequest(r.id);
            const [grant] = await deps.store.grants.list({ requestId: r.id, limit: 1 });
            return { ...requestView(r, reviews), grant: grant ? grantView(grant) : null };
        },
    }),
    defineRoute({
        method: 'post',
        path: '/v1/requests/{id}/reviews',
        summary: 'Approve or deny a request as one of its named reviewers',
        tag: 'requests',
        auth: 'identity',
        body: reviewBody,
        status: 201,
        handler: async ({ deps, actor, params, body }) => {
            const result = await reviewRequest(deps, actor, idParam.parse(params.id), {
                verdict: body.verdict,
                comment: body.comment,
                digest: body.digest,
            });
            return {
                review: reviewView(result.review),
                request: requestView(result.request),
                outcome: result.tally.outcome,
                grant: result.grant ? grantView(result.grant) : null,
            };
        },
    }),
    defineRoute({
        method: 'post',
        path: '/v1/requests/{id}/cancel',
        summary: 'Withdraw a pending request (requester only)',
        tag: 'requests',
        auth: 'identity',
        handler: async ({ deps, actor, params }) => requestView(await cancelRequest(deps, actor, idParam.parse(params.id))),
    }),
];
