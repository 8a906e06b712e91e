import { z } from 'zod';
import { requireEntitlement, requireTarget } from '../../app/load.js';
import { defineRoute } from '../route.js';
import { idParam } from '../schemas.js';
import { entitlementView } from '../views.js';
export const catalogRoutes = [
    defineRoute({
        method: 'get',
        path: '/v1/catalog',
        summary: 'List catalog entitlements (the only things a request can ask for)',
        tag: 'catalog',
        auth: 'identity',
        handler: async ({ deps }) => {
            const targets = new Map((await deps.store.catalog.listTargets()).map((t) => [t.id, t.kind]));
            const items = await deps.store.catalog.listEntitlements();
            return { items: items.map((e) => entitlementView(e, targets.get(e.targetId) ?? null)) };
        },
    }),
    defineRoute({
        method: 'get',
        path: '/v1/catalog/{id}',
        summary: 'One catalog entitlement',
        tag: 'catalog',
        auth: 'identity',
        handler: async ({ deps, params }) => {
            const e = await requireEntitlement(deps.store, idParam.parse(params.id));
            const t = await requireTarget(deps.store, e.targetId);
            return entitlementView(e, t.kind);
        },
    }),
];
export const catalogListResponse = z.object({ items: z.array(z.object({ id: z.string() })) });
