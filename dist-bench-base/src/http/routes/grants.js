import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
import { GRANT_STATES } from '../../domain/grant.js';
import { isAdmin, requireEntitlement, requireGrant, requireRequest } from '../../app/load.js';
import { retrieveCredential } from '../../app/retrieve-credential.js';
import { requestRevocation } from '../../app/revoke-grant.js';
import { defineRoute } from '../route.js';
import { idParam, listQuery } from '../schemas.js';
import { grantView } from '../views.js';
async function assertMaySee(deps, actor, g) {
    if (actor.id === g.subjectId || isAdmin(actor, deps.settings.adminGroup))
        return;
    const r = await requireRequest(deps.store, g.requestId);
    if (actor.id === r.requesterId || r.eligibleReviewers.includes(actor.id))
        return;
    if ((await requireEntitlement(deps.store, g.entitlementId)).owners.includes(actor.id))
        return;
    throw new AppError('auth.forbidden', 'You may not see this grant');
}
export const grantRoutes = [
    defineRoute({
        method: 'get',
        path: '/v1/grants',
        summary: 'List grants: mine (as subject), or all (admins)',
        tag: 'grants',
        auth: 'identity',
        query: listQuery,
        handler: async ({ deps, actor, query }) => {
            let states;
            if (query.state !== undefined) {
                states = query.state.split(',');
                for (const s of states) {
                    if (!GRANT_STATES.includes(s)) {
                        throw new AppError('input.invalid', `Unknown grant state ${JSON.stringify(s)}`);
                    }
                }
            }
            if (query.scope === 'all' && !isAdmin(actor, deps.settings.adminGroup)) {
                throw new AppError('auth.forbidden', 'Only admins can list all grants');
            }
            const items = await deps.store.grants.list({
                ...(query.scope === 'all' ? {} : { subjectId: actor.id }),
                ...(states ? { states } : {}),
                limit: query.limit,
            });
            return { items: items.map(grantView) };
        },
    }),
    defineRoute({
        method: 'get',
        path: '/v1/grants/{id}',
        summary: 'One grant',
        tag: 'grants',
        auth: 'identity',
        handler: async ({ deps, actor, params }) => {
            const g = await requireGrant(deps.store, idParam.parse(params.id));
            await assertMaySee(deps, actor, g);
            return grantView(g);
        },
    }),
    defineRoute({
        method: 'post',
        path: '/v1/grants/{id}/credential',
        summary: 'Retrieve the issued credential, once (it is wiped on retrieval)',
        tag: 'grants',
        auth: 'identity',
        response: z.object({
            grantId: z.string(),
            credential: z.string(),
            instructions: z.string().nullable(),
            expiresAt: z.string(),
        }),
        handler: async ({ deps, actor, params, c }) => {
            const result = await retrieveCredential(deps, actor, idParam.parse(params.id));
            c.header('Cache-Control', 'no-store');
            return {
                grantId: result.grantId,
                credential: result.credential.reveal(),
                instructions: result.instructions,
                expiresAt: result.expiresAt,
            };
        },
    }),
    defineRoute({
        method: 'post',
        path: '/v1/grants/{id}/revoke',
        summary: 'Revoke a grant now (holder, owner or admin); waits for the target',
        tag: 'grants',
        auth: 'identity',
        handler: async ({ deps, actor, params }) => grantView(await requestRevocation(deps, actor, idParam.parse(params.id), 'manual')),
    }),
    defineRoute({
        method: 'post',
        path: '/v1/grants/{id}/complete',
        summary: 'Say the task is done: the grant ends now (holder only)',
        tag: 'grants',
        auth: 'identity',
        handler: async ({ deps, actor, params }) => grantView(await requestRevocation(deps, actor, idParam.parse(params.id), 'completed')),
    }),
];
