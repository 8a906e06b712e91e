import { z } from 'zod';
import { completeExchangedGrant, exchangeWorkloadToken } from '../../app/exchange-workload-token.js';
import { AppError } from '../../domain/errors.js';
import { MAX_BEARER_TOKEN_LENGTH } from '../auth/authenticate.js';
import { defineRoute } from '../route.js';
import { durationInput, idParam } from '../schemas.js';
import { grantView } from '../views.js';
const JWT_TOKEN_TYPES = ['urn:ietf:params:oauth:token-type:jwt', 'urn:ietf:params:oauth:token-type:id_token'];
export const exchangeBody = z
    .object({
    subject_token: z.string().min(1).max(MAX_BEARER_TOKEN_LENGTH),
    /** RFC 8693 §2.1; only JWTs are accepted. */
    subject_token_type: z.enum(JWT_TOKEN_TYPES).optional(),
    entitlementId: idParam,
    duration: durationInput.optional(),
})
    .strict();
export const completeExchangeBody = z
    .object({
    grantId: idParam,
    completionToken: z.string().min(1).max(128),
})
    .strict();
export const exchangeRoutes = [
    defineRoute({
        method: 'post',
        path: '/v1/exchange',
        summary: 'Workload token exchange (RFC 8693 in spirit): a platform OIDC token for a credential, issued now and shown once',
        tag: 'exchange',
        // The platform token in the body is the credential; there is no bearer header.
        auth: 'none',
        body: exchangeBody,
        status: 201,
        response: z.object({
            requestId: z.string(),
            grantId: z.string(),
            workloadId: z.string(),
            entitlementId: z.string(),
            credential: z.string(),
            instructions: z.string().nullable(),
            expiresAt: z.string(),
            completionToken: z.string(),
        }),
        handler: async ({ deps, body, c }) => {
            const verifier = deps.integrations?.workloads;
            if (verifier === undefined) {
                throw new AppError('exchange.untrusted_issuer', 'This server trusts no workload token issuer');
            }
            const token = await verifier.verify(body.subject_token).catch((error) => {
                // Unverified callers never write to the audit log; the refusal is logged for operators.
                const details = error instanceof AppError ? error.details : undefined;
                deps.log.warn({ code: error instanceof AppError ? error.code : 'internal', details }, 'workload token refused');
                throw error;
            });
            const result = await exchangeWorkloadToken(deps, token, {
                entitlementId: body.entitlementId,
                durationSeconds: body.duration,
            });
            c.header('Cache-Control', 'no-store');
            return {
                requestId: result.requestId,
                grantId: result.grantId,
                workloadId: result.workloadId,
                entitlementId: result.entitlementId,
                credential: result.credential.reveal(),
                instructions: result.instructions,
                expiresAt: result.expiresAt,
                completionToken: result.completionToken.reveal(),
            };
        },
    }),
    defineRoute({
        method: 'post',
        path: '/v1/exchange/complete',
        summary: 'The job is done: its exchanged grant ends now (authenticated by its completion token)',
        tag: 'exchange',
        auth: 'none',
        body: completeExchangeBody,
        handler: async ({ deps, body }) => grantView(await completeExchangedGrant(deps, body.grantId, body.completionToken)),
    }),
];
