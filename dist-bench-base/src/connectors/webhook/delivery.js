import { setTimeout as sleepFor } from 'node:timers/promises';
import { signWebhook } from '../../security/webhook-signature.js';
import { ConnectorError } from '../connector.js';
import { MAX_RESPONSE_BYTES, parseAnswer } from './protocol.js';
import { abortedError, checkAborted } from '../abort.js';
const USER_AGENT = 'hourglass-webhook-connector/1';
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 2000;
/** Enough of an error answer to tell an operator what the endpoint said. */
const MAX_ERROR_EXCERPT = 4096;
const MAX_DETAIL_LENGTH = 200;
/**
 * Posts signed deliveries. One operation is one delivery id, tried up to `maxAttempts` times
 * with a fresh signature each time; only transient failures are retried, with full-jitter
 * backoff, and the caller's signal ends it at any point.
 */
export function createDeliverer(config, now, transport = {}) {
    const send = transport.fetch ?? ((url, init) => fetch(url, init));
    const sleep = transport.sleep ?? ((ms, signal) => sleepFor(ms, undefined, { signal }));
    const random = transport.random ?? Math.random;
    const host = new URL(config.url).host;
    const secretForms = secretFormsOf(config.secret.reveal());
    async function attempt(delivery, body, expectation, signal) {
        const timeout = AbortSignal.timeout(config.timeoutMs);
        const attemptSignal = AbortSignal.any([signal, timeout]);
        const what = `${delivery.type} (delivery ${delivery.id})`;
        const transient = (message, cause) => {
            if (signal.aborted)
                throw abortedError(signal);
            const reason = timeout.aborted ? `timed out after ${config.timeoutMs} ms` : message;
            return {
                ok: false,
                error: new ConnectorError('unreachable', `webhook endpoint ${host} ${reason}: ${what}`, {
                    retryable: true,
                    cause,
                }),
            };
        };
        let response;
        try {
            response = await send(config.url, {
                method: 'POST',
                headers: {
                    ...signWebhook(config.secret, delivery.id, now(), body),
                    'content-type': 'application/json',
                    accept: 'application/json',
                    'user-agent': USER_AGENT,
                },
                body,
                // A redirect could carry the signed body, and later a credential, somewhere unvetted.
                redirect: 'manual',
                signal: attemptSignal,
            });
        }
        catch (error) {
            return transient('could not be reached', error);
        }
        const { status } = response;
        try {
            if (expectation.accept.includes(status)) {
                if (!expectation.withBody.includes(status)) {
                    await response.body?.cancel();
                    return { ok: true, answer: { status, body: undefined } };
                }
                return { ok: true, answer: { status, body: await readAnswer(response, what) } };
            }
            const detail = scrub(await readExcerpt(response), secretForms);
            const message = `webhook endpoint ${host} answered ${status} to ${what}${detail === '' ? '' : `: ${detail}`}`;
            const retryable = isTransient(status);
            const reason = retryable ? 'unreachable' : status === 409 ? 'conflict' : 'rejected';
            return { ok: false, error: new ConnectorError(reason, message, { retryable }) };
        }
        catch (error) {
            if (error instanceof ConnectorError)
                throw error;
            return transient(`failed while answering ${status}`, error);
        }
    }
    return async (delivery, expectation, signal) => {
        checkAborted(signal);
        const body = Buffer.from(JSON.stringify(delivery), 'utf8');
        let last;
        for (let n = 1; n <= config.maxAttempts; n++) {
            if (n > 1)
                await pause(backoff(n - 1, random), signal, sleep);
            const result = await attempt(delivery, body, expectation, signal);
            if (result.ok)
                return result.answer;
            if (!result.error.retryable)
                throw result.error;
            last = result.error;
        }
        const message = `${last?.message ?? 'webhook delivery failed'} (after ${config.maxAttempts} attempts)`;
        throw new ConnectorError('unreachable', message, { retryable: true, cause: last?.cause });
    };
}
/** 408, 425, 429 and 5xx pass; 501 says the endpoint does not implement this, which will not pass. */
function isTransient(status) {
    return status === 408 || status === 425 || status === 429 || (status >= 500 && status !== 501);
}
/** Full jitter between half and all of an exponential step, so retrying instances spread out. */
function backoff(retry, random) {
    const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (retry - 1));
    return Math.round(step * (0.5 + random() / 2));
}
async function pause(ms, signal, sleep) {
    try {
        await sleep(ms, signal);
    }
    catch (error) {
        if (signal.aborted)
            throw abortedError(signal);
        throw error;
    }
}
async function readAnswer(response, what) {
    const bytes = await readCapped(response, MAX_RESPONSE_BYTES);
    if (bytes === null) {
        throw new ConnectorError('rejected', `the answer to ${what} exceeds ${MAX_RESPONSE_BYTES} bytes`, { retryable: false });
    }
    try {
        return parseAnswer(bytes);
    }
    catch {
        // No cause: a JSON syntax error quotes the text, which may hold a credential.
        throw new ConnectorError('rejected', `the answer to ${what} is not valid JSON`, {
            retryable: false,
        });
    }
}
/** The error an endpoint gave, for the message: `{ error }` or `{ message }` from JSON, else the text. */
async function readExcerpt(response) {
    try {
        const bytes = (await readCapped(response, MAX_ERROR_EXCERPT, true)) ?? new Uint8Array();
        const text = new TextDecoder().decode(bytes);
        let said = text;
        try {
            const json = JSON.parse(text);
            if (typeof json === 'object' && json !== null) {
                said = 'error' in json ? json.error : 'message' in json ? json.message : '';
            }
        }
        catch {
            // not JSON: the text itself
        }
        return typeof said === 'string'
            ? said
                .replace(/\p{Cc}+/gu, ' ')
                .trim()
                .slice(0, MAX_DETAIL_LENGTH)
            : '';
    }
    catch {
        return '';
    }
}
/** `null` when the body is over `cap` (or, with `truncate`, its first `cap` bytes). */
async function readCapped(response, cap, truncate = false) {
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (!truncate && declared > cap) {
        await response.body?.cancel();
        return null;
    }
    if (response.body === null)
        return new Uint8Array();
    const reader = response.body.getReader();
    const chunks = [];
    let size = 0;
    for (;;) {
        const { done, value } = await reader.read();
        if (done)
            break;
        chunks.push(value);
        size += value.byteLength;
        if (size > cap) {
            await reader.cancel();
            return truncate ? Buffer.concat(chunks).subarray(0, cap) : null;
        }
    }
    return Buffer.concat(chunks);
}
/** The secret as written, and the base64 key inside a `whsec_` one, for scrubbing echoes. */
export function secretFormsOf(secret) {
    const forms = [secret];
    if (secret.startsWith('whsec_'))
        forms.push(secret.slice('whsec_'.length));
    return forms.filter((form) => form.length > 0);
}
export function scrub(text, forms) {
    return forms.reduce((acc, form) => acc.split(form).join('[redacted]'), text);
}
export { checkAborted } from '../abort.js';
