import { z } from 'zod';
import { checkMetricsToken } from '../auth/metrics-token.js';
import { defineRoute } from '../route.js';
export const healthRoutes = [
    defineRoute({
        method: 'get',
        path: '/healthz',
        summary: 'Liveness: the process is up',
        tag: 'operations',
        auth: 'none',
        response: z.object({ status: z.literal('ok') }),
        handler: () => Promise.resolve({ status: 'ok' }),
    }),
    defineRoute({
        method: 'get',
        path: '/metrics',
        summary: 'Prometheus metrics (text exposition format); a bearer token when `metrics.token` is set',
        tag: 'operations',
        auth: 'none',
        handler: async ({ deps, c }) => {
            checkMetricsToken(deps.metricsToken, c.req.header('authorization'));
            const { contentType, body } = await deps.metricsText();
            return new Response(body, { headers: { 'content-type': contentType } });
        },
    }),
    defineRoute({
        method: 'get',
        path: '/readyz',
        summary: 'Readiness: database reachable and policy bundle loaded',
        tag: 'operations',
        auth: 'none',
        response: z.object({ status: z.literal('ready'), policyHash: z.string(), engine: z.string() }),
        handler: async ({ deps }) => {
            await deps.store.ping();
            await deps.ready();
            return { status: 'ready', policyHash: deps.policy.policyHash(), engine: deps.store.engine };
        },
    }),
];
