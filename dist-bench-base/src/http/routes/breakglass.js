import { z } from 'zod';
import { useBreakGlass } from '../../app/break-glass.js';
import { listBreakGlassReviews, reviewBreakGlass } from '../../app/review-break-glass.js';
import { POST_USE_REVIEW_STATES, POST_USE_VERDICTS } from '../../domain/break-glass.js';
import { postUseReviewView } from '../governance-views.js';
import { defineRoute } from '../route.js';
import { durationInput, freeText, idParam } from '../schemas.js';
import { grantView, requestView } from '../views.js';
// The incident and the reason are checked by the use case, so that a missing incident or a short
// reason answers with its own code rather than a generic validation error.
const breakGlassBody = z
    .object({
    entitlementId: idParam,
    incidentRef: z.string().max(200).optional(),
    reason: freeText(0, 2000).default(''),
    duration: durationInput.optional(),
})
    .strict();
const postUseReviewBody = z
    .object({ verdict: z.enum(POST_USE_VERDICTS), comment: freeText(3, 2000) })
    .strict();
const reviewsQuery = z.object({ state: z.enum(POST_USE_REVIEW_STATES).optional() });
export const breakGlassRoutes = [
    defineRoute({
        method: 'post',
        path: '/v1/breakglass',
        summary: 'Break glass: immediate, capped emergency access with an incident; reviewed after use',
        tag: 'breakglass',
        auth: 'identity',
        body: breakGlassBody,
        status: 201,
        handler: async ({ deps, actor, body }) => {
            const result = await useBreakGlass(deps, actor, {
                entitlementId: body.entitlementId,
                incidentRef: body.incidentRef,
                reason: body.reason,
                durationSeconds: body.duration,
            });
            return {
                request: requestView(result.request),
                grant: grantView(result.grant),
                review: postUseReviewView(result.review, deps.clock.now()),
                notified: result.notified,
            };
        },
    }),
    defineRoute({
        method: 'get',
        path: '/v1/breakglass/reviews',
        summary: 'Post-use review queue: pending, overdue or done (security and owners; users see their own)',
        tag: 'breakglass',
        auth: 'identity',
        query: reviewsQuery,
        handler: async ({ deps, actor, query }) => {
            const now = deps.clock.now();
            const items = await listBreakGlassReviews(deps, actor, query.state);
            return { items: items.map((r) => postUseReviewView(r, now)) };
        },
    }),
    defineRoute({
        method: 'post',
        path: '/v1/breakglass/{requestId}/review',
        summary: 'Review a break-glass use after the fact: justified or unjustified (not by its user)',
        tag: 'breakglass',
        auth: 'identity',
        body: postUseReviewBody,
        handler: async ({ deps, actor, params, body }) => {
            const result = await reviewBreakGlass(deps, actor, idParam.parse(params.requestId), body);
            return { review: postUseReviewView(result.review, deps.clock.now()), revoked: result.revoked };
        },
    }),
];
