import { AppError, isErrorCode } from '../domain/errors.js';
/**
 * The API client the CLI (and any script) uses. Errors come back as AppError with the server's
 * code, so callers branch on codes, not on message text.
 */
export class HourglassClient {
    #o;
    constructor(options) {
        this.#o = options;
    }
    get baseUrl() {
        return this.#o.baseUrl;
    }
    get(path, query) {
        const qs = query
            ? new URLSearchParams(Object.entries(query)
                .filter((e) => e[1] !== undefined)
                .map(([k, v]) => [k, String(v)])).toString()
            : '';
        return this.#call('GET', qs ? `${path}?${qs}` : path);
    }
    post(path, body) {
        return this.#call('POST', path, body ?? {});
    }
    async #call(method, path, body) {
        const headers = { accept: 'application/json' };
        if (this.#o.token)
            headers.authorization = `Bearer ${this.#o.token}`;
        if (body !== undefined)
            headers['content-type'] = 'application/json';
        let response;
        try {
            response = await fetch(new URL(path, this.#o.baseUrl), {
                method,
                headers,
                ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
                signal: AbortSignal.timeout(this.#o.timeoutMs ?? 30_000),
            });
        }
        catch (error) {
            throw new AppError('store.unavailable', `Cannot reach the Hourglass server at ${this.#o.baseUrl}`, {
                cause: error,
            });
        }
        const text = await response.text();
        const parsed = text ? JSON.parse(text) : null;
        if (!response.ok)
            throw toAppError(response.status, parsed);
        return parsed;
    }
}
function toAppError(status, body) {
    const err = body?.error;
    if (err?.code && isErrorCode(err.code)) {
        return new AppError(err.code, err.message ?? err.code, {
            details: { ...(err.details ?? {}), requestId: err.requestId },
        });
    }
    return new AppError('internal', `Unexpected HTTP ${status} from the server`);
}
/** Exit codes by category, so scripts can tell "denied" from "server down". */
export const EXIT_CODES = {
    invalid: 2,
    unauthenticated: 3,
    forbidden: 4,
    not_found: 5,
    conflict: 6,
    rate_limited: 7,
    unavailable: 8,
    internal: 1,
};
