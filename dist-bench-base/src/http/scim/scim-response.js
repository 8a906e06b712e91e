import { ZodError } from 'zod';
import { AppError } from '../../domain/errors.js';
import { STATUS } from '../error-response.js';
export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SCIM_CONTENT_TYPE = 'application/scim+json';
const SCIM_TYPES = {
    'input.invalid': 'invalidValue',
    'scim.invalid_filter': 'invalidFilter',
    'scim.invalid_value': 'invalidValue',
    'scim.mutability': 'mutability',
    'scim.uniqueness': 'uniqueness',
    'identity.exists': 'uniqueness',
};
export function scimJson(status, body, headers = {}) {
    return new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': SCIM_CONTENT_TYPE, ...headers },
    });
}
/**
 * SCIM has its own error format (RFC 7644 §3.12): `status` is a string and `scimType` says
 * what kind of bad request it was. Codes and statuses are the product's; the request id is in
 * the `X-Request-Id` header. Unknown failures answer 500 with a generic detail.
 */
export function scimError(error) {
    const app = error instanceof AppError
        ? error
        : error instanceof ZodError
            ? new AppError('input.invalid', 'Invalid input')
            : new AppError('internal', 'Internal error; see the server log');
    const status = STATUS[app.category];
    const fromDetails = app.details?.scimType;
    const scimType = typeof fromDetails === 'string' ? fromDetails : SCIM_TYPES[app.code];
    return {
        status,
        body: {
            schemas: [SCIM_ERROR_SCHEMA],
            status: String(status),
            ...(scimType === undefined ? {} : { scimType }),
            detail: `${app.message} [${app.code}]`,
        },
    };
}
