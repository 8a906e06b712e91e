import { z } from 'zod';
import { acceptFinding } from '../../app/accept-finding.js';
import { reconcileAll } from '../../app/reconcile-all.js';
import { reconcileTarget } from '../../app/reconcile-target.js';
import { AppError } from '../../domain/errors.js';
import { FINDING_KINDS, FINDING_STATES } from '../../domain/finding.js';
import { defineRoute } from '../route.js';
import { durationInput, freeText, idParam } from '../schemas.js';
const reconcileBody = z.object({ targetId: idParam.optional() }).strict();
const findingsQuery = z.object({
    state: z.string().max(64).optional(),
    kind: z.string().max(64).optional(),
    targetId: idParam.optional(),
    limit: z.coerce.number().int().min(1).max(5000).default(500),
});
const acceptBody = z.object({ reason: freeText(10, 1000), for: durationInput }).strict();
function listOf(raw, allowed) {
    if (raw === undefined)
        return undefined;
    const values = raw.split(',');
    return values.filter((v) => allowed.includes(v)).length === values.length
        ? values
        : (() => {
            // An AppError, not a hand-built ZodError: Zod 4 builds those without Error in their
            // prototype chain, so the HTTP layer's error handler never saw them (a bare 500).
            throw new AppError('input.invalid', `Invalid input: state/kind: must be among ${allowed.join(', ')}`, {
                details: { issues: [{ path: 'state/kind', message: `must be among ${allowed.join(', ')}` }] },
            });
        })();
}
export const findingRoutes = [
    defineRoute({
        method: 'post',
        path: '/v1/reconcile',
        summary: 'Reconcile one target (or all) against the grants now (admins)',
        tag: 'reconciliation',
        auth: 'admin',
        body: reconcileBody,
        handler: async ({ deps, actor, body }) => ({
            results: body.targetId
                ? [await reconcileTarget(deps, body.targetId, actor.id)]
                : await reconcileAll(deps, actor.id),
        }),
    }),
    defineRoute({
        method: 'get',
        path: '/v1/findings',
        summary: 'Reconciliation findings: shadow, lingering, drift (admins)',
        tag: 'reconciliation',
        auth: 'admin',
        query: findingsQuery,
        handler: async ({ deps, query }) => {
            const states = listOf(query.state, FINDING_STATES);
            const kinds = listOf(query.kind, FINDING_KINDS);
            return {
                items: await deps.store.findings.list({
                    ...(query.targetId ? { targetId: query.targetId } : {}),
                    ...(states ? { states } : {}),
                    ...(kinds ? { kinds } : {}),
                    limit: query.limit,
                }),
            };
        },
    }),
    defineRoute({
        method: 'post',
        path: '/v1/findings/{id}/accept',
        summary: 'Accept an open finding for a bounded time (≤ 90 days) with a reason (admins)',
        tag: 'reconciliation',
        auth: 'admin',
        body: acceptBody,
        handler: async ({ deps, actor, params, body }) => acceptFinding(deps, actor, idParam.parse(params.id), { reason: body.reason, forSeconds: body.for }),
    }),
];
