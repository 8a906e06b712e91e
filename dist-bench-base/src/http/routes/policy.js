import { reloadPolicy } from '../../app/reload-policy.js';
import { defineRoute } from '../route.js';
export const policyRoutes = [
    defineRoute({
        method: 'get',
        path: '/v1/policy',
        summary: 'The policy bundle in force',
        tag: 'policy',
        auth: 'identity',
        handler: ({ deps }) => Promise.resolve({ policyHash: deps.policy.policyHash() }),
    }),
    defineRoute({
        method: 'post',
        path: '/v1/policy/reload',
        summary: 'Re-read and strictly validate the policy directory (admins)',
        tag: 'policy',
        auth: 'admin',
        handler: ({ deps, actor }) => reloadPolicy(deps, actor.id),
    }),
];
