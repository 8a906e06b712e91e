import { previewRequest } from '../../app/preview-request.js';
import { defineRoute } from '../route.js';
import { submitRequestBody } from '../schemas.js';
/** Dry run of `POST /v1/requests` (issue 5): the same decision, nothing recorded. */
export const requestPreviewRoutes = [
    defineRoute({
        method: 'post',
        path: '/v1/requests/preview',
        summary: 'What submitting this request would decide: approvals, reviewers, duration; writes nothing',
        tag: 'requests',
        auth: 'identity',
        body: submitRequestBody,
        handler: async ({ deps, actor, body }) => previewRequest(deps, actor, {
            entitlementId: body.entitlementId,
            subjectId: body.subjectId,
            ticketRef: body.ticketRef,
            durationSeconds: body.duration,
            revocationCondition: body.revocationCondition,
        }),
    }),
];
