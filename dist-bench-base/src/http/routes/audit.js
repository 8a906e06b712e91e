import { defineRoute } from '../route.js';
import { auditQuery } from '../schemas.js';
export const auditRoutes = [
    defineRoute({
        method: 'get',
        path: '/v1/audit/events',
        summary: 'Audit events in sequence order, for export and verification (admins)',
        tag: 'audit',
        auth: 'admin',
        query: auditQuery,
        handler: async ({ deps, query }) => {
            const items = await deps.store.audit.list({
                afterSeq: query.after,
                limit: query.limit,
                ...(query.requestId ? { requestId: query.requestId } : {}),
                ...(query.grantId ? { grantId: query.grantId } : {}),
                ...(query.actor ? { actor: query.actor } : {}),
                ...(query.from ? { from: new Date(query.from) } : {}),
                ...(query.to ? { to: new Date(query.to) } : {}),
            });
            const head = await deps.store.audit.head();
            return { items, head };
        },
    }),
    defineRoute({
        method: 'get',
        path: '/v1/audit/checkpoints',
        summary: 'Signed checkpoints of the audit chain (admins)',
        tag: 'audit',
        auth: 'admin',
        handler: async ({ deps }) => ({ items: await deps.store.audit.listCheckpoints() }),
    }),
    defineRoute({
        method: 'get',
        path: '/v1/audit/public-key',
        summary: 'The Ed25519 public key that verifies audit checkpoints (SPKI PEM)',
        tag: 'audit',
        auth: 'none',
        handler: ({ deps }) => Promise.resolve({ publicKeyPem: deps.auditPublicKeyPem }),
    }),
    defineRoute({
        method: 'get',
        path: '/v1/audit/sinks',
        summary: 'SIEM sinks: acknowledged cursor, lag in events, last error and last success (admins)',
        tag: 'audit',
        auth: 'admin',
        handler: async ({ deps }) => ({ items: (await deps.siemSinks?.()) ?? [] }),
    }),
];
