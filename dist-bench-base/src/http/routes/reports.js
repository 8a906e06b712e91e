import { z } from 'zod';
import { buildGovernanceReport } from '../../app/governance-report.js';
import { defineRoute } from '../route.js';
const reportQuery = z.object({
    from: z
        .string()
        .max(40)
        .optional()
        .describe('ISO 8601 start (inclusive); default: 30 days before `to`'),
    to: z.string().max(40).optional().describe('ISO 8601 end (exclusive); default: now'),
});
export const reportRoutes = [
    defineRoute({
        method: 'get',
        path: '/v1/reports/governance',
        summary: 'Governance outcomes for a period: revocation lag, requested vs granted, reviewers, break-glass, exceptions, coverage (admins, security)',
        tag: 'reports',
        auth: 'identity',
        query: reportQuery,
        handler: ({ deps, actor, query }) => buildGovernanceReport(deps, actor, query),
    }),
];
