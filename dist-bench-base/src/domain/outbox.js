import { backoffMs } from './grant.js';
export const NOTIFICATION_CHANNELS = ['email', 'webhook', 'slack'];
/** `pending` until sent; `dead` after the last attempt failed (kept, with its final error). */
export const OUTBOX_STATES = ['pending', 'delivered', 'dead'];
/** The claim a dispatcher takes before sending: one more attempt, reserved until `leaseUntil`. */
export function claimMessage(message, leaseUntil) {
    return { ...message, attempts: message.attempts + 1, nextAttemptAt: leaseUntil };
}
export function deliveredMessage(message, now) {
    return { ...message, state: 'delivered', deliveredAt: now, nextAttemptAt: null, lastError: null };
}
/**
 * After a failed attempt: retry with capped exponential backoff and jitter, or, once
 * `maxAttempts` attempts have failed or the failure is permanent, dead-letter (kept with its
 * final error for a human). `random` is in [0, 1).
 */
export function failedMessage(message, now, failure, retry, random) {
    const error = failure.error;
    if (failure.permanent || message.attempts >= retry.maxAttempts) {
        return { ...message, state: 'dead', nextAttemptAt: null, lastError: error };
    }
    const wait = backoffMs(message.attempts, retry.baseMs, retry.capMs, random);
    return { ...message, nextAttemptAt: new Date(now.getTime() + wait), lastError: error };
}
