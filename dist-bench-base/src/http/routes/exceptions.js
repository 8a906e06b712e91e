import { z } from 'zod';
import { createException, listExceptions, requireException, revokeException, } from '../../app/manage-exceptions.js';
import { AppError } from '../../domain/errors.js';
import { isAdmin } from '../../app/load.js';
import { exceptionView } from '../governance-views.js';
import { defineRoute } from '../route.js';
import { durationInput, freeText, idParam } from '../schemas.js';
const policyId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'is not a policy id');
const createBody = z
    .object({
    scope: z
        .object({
        identityId: idParam.optional(),
        entitlementId: idParam.optional(),
        policyId: policyId.optional(),
    })
        .strict()
        .optional(),
    reason: freeText(10, 1000),
    /** How long it lasts, at most 90 days. */
    for: durationInput,
    renewedFrom: idParam.optional(),
})
    .strict()
    .refine((b) => b.scope !== undefined || b.renewedFrom !== undefined, {
    message: 'give a scope (identityId, entitlementId and/or policyId) or renewedFrom',
    path: ['scope'],
});
const revokeBody = z.object({ reason: freeText(3, 1000) }).strict();
const listQuery = z.object({ state: z.enum(['active', 'all']).default('active') });
export const exceptionRoutes = [
    defineRoute({
        method: 'post',
        path: '/v1/exceptions',
        summary: 'Approve a time-bound exception (≤ 90 days) or renew one (admins and entitlement owners)',
        tag: 'exceptions',
        auth: 'identity',
        body: createBody,
        status: 201,
        handler: async ({ deps, actor, body }) => {
            const e = await createException(deps, actor, {
                scope: body.scope,
                reason: body.reason,
                forSeconds: body.for,
                renewedFrom: body.renewedFrom,
            });
            return exceptionView(e, deps.clock.now());
        },
    }),
    defineRoute({
        method: 'get',
        path: '/v1/exceptions',
        summary: 'Exceptions: active or all (admins see every one; others what names or concerns them)',
        tag: 'exceptions',
        auth: 'identity',
        query: listQuery,
        handler: async ({ deps, actor, query }) => {
            const now = deps.clock.now();
            const items = await listExceptions(deps, actor, { active: query.state === 'active' });
            return { items: items.map((e) => exceptionView(e, now)) };
        },
    }),
    defineRoute({
        method: 'get',
        path: '/v1/exceptions/{id}',
        summary: 'One exception with each use and the grant it allowed',
        tag: 'exceptions',
        auth: 'identity',
        handler: async ({ deps, actor, params }) => {
            const e = await requireException(deps, idParam.parse(params.id));
            const visible = isAdmin(actor, deps.settings.adminGroup) ||
                (await listExceptions(deps, actor, { active: false })).some((x) => x.id === e.id);
            if (!visible)
                throw new AppError('auth.forbidden', 'You may not see this exception');
            const uses = await deps.store.exceptions.listUses(e.id, 1000);
            // A use on a request that was still pending links to the grant its approval created later.
            const linked = await Promise.all(uses.map(async (u) => {
                if (u.grantId !== null)
                    return u;
                const [grant] = await deps.store.grants.list({ requestId: u.requestId, limit: 1 });
                return { ...u, grantId: grant?.id ?? null };
            }));
            return exceptionView(e, deps.clock.now(), linked);
        },
    }),
    defineRoute({
        method: 'post',
        path: '/v1/exceptions/{id}/revoke',
        summary: 'End an exception now (its approver, an owner of its entitlement, or an admin)',
        tag: 'exceptions',
        auth: 'identity',
        body: revokeBody,
        handler: async ({ deps, actor, params, body }) => exceptionView(await revokeException(deps, actor, idParam.parse(params.id), body.reason), deps.clock.now()),
    }),
];
