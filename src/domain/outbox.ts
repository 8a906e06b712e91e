import { backoffMs } from './grant.js'

export const NOTIFICATION_CHANNELS = ['email', 'webhook', 'slack'] as const
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number]

/** `pending` until sent; `dead` after the last attempt failed (kept, with its final error). */
export const OUTBOX_STATES = ['pending', 'delivered', 'dead'] as const
export type OutboxState = (typeof OUTBOX_STATES)[number]

/**
 * One message to one recipient on one channel, written in the transaction of the change that
 * caused it and sent after commit. The payload is rendered at enqueue time and never holds a
 * secret: it names requests and grants by id and links to them.
 */
export interface OutboxMessage {
  id: string
  /** The audit event type that caused it, e.g. `request.submitted`. */
  kind: string
  channel: NotificationChannel
  /** Email address, or the configured endpoint's id (`webhook:…`, `slack:…`), never its URL. */
  recipient: string
  payload: Record<string, unknown>
  state: OutboxState
  createdAt: Date
  /** Attempts started so far (a claim counts, so a crash mid-send counts too). */
  attempts: number
  /** When it may be tried next: the retry time, or the end of the current claim. Null once final. */
  nextAttemptAt: Date | null
  deliveredAt: Date | null
  lastError: string | null
  /** Unique: the same event never queues the same message twice. */
  dedupeKey: string
  version: number
}

export interface OutboxRetry {
  maxAttempts: number
  baseMs: number
  capMs: number
}

/** The claim a dispatcher takes before sending: one more attempt, reserved until `leaseUntil`. */
export function claimMessage(message: OutboxMessage, leaseUntil: Date): OutboxMessage {
  return { ...message, attempts: message.attempts + 1, nextAttemptAt: leaseUntil }
}

export function deliveredMessage(message: OutboxMessage, now: Date): OutboxMessage {
  return { ...message, state: 'delivered', deliveredAt: now, nextAttemptAt: null, lastError: null }
}

/**
 * After a failed attempt: retry with capped exponential backoff and jitter, or, once
 * `maxAttempts` attempts have failed or the failure is permanent, dead-letter (kept with its
 * final error for a human). `random` is in [0, 1).
 */
export function failedMessage(
  message: OutboxMessage,
  now: Date,
  failure: { error: string; permanent: boolean },
  retry: OutboxRetry,
  random: number,
): OutboxMessage {
  const error = failure.error
  if (failure.permanent || message.attempts >= retry.maxAttempts) {
    return { ...message, state: 'dead', nextAttemptAt: null, lastError: error }
  }
  const wait = backoffMs(message.attempts, retry.baseMs, retry.capMs, random)
  return { ...message, nextAttemptAt: new Date(now.getTime() + wait), lastError: error }
}
