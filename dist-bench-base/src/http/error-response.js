import { AppError } from '../domain/errors.js';
/** The compiler forces a status for every category (no instanceof chains). */
export const STATUS = {
    invalid: 400,
    unauthenticated: 401,
    forbidden: 403,
    not_found: 404,
    conflict: 409,
    rate_limited: 429,
    unavailable: 503,
    internal: 500,
};
/** Unknown throws become `internal` with a generic message; the cause goes to the log only. */
export function toErrorResponse(error, requestId) {
    const app = error instanceof AppError ? error : new AppError('internal', 'Internal error; see the server log');
    const body = { error: { code: app.code, message: app.message, requestId } };
    if (app.details !== undefined)
        body.error.details = app.details;
    return { status: STATUS[app.category], body };
}
