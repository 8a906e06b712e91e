import type { OutboxMessage } from '../domain/outbox.js'

/** Delivers one outbox message on one channel (email, webhook, Slack). */
export interface NotificationSender {
  /**
   * Sends the message or throws. The error's message is kept on the outbox row and logged, so it
   * names hosts and status codes, never a URL path, secret or credential.
   */
  send(message: OutboxMessage, signal: AbortSignal): Promise<void>
}

/** A failed delivery. `permanent` ones (a mailbox that does not exist) are not retried. */
export class DeliveryError extends Error {
  readonly permanent: boolean

  constructor(message: string, options: { permanent?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'DeliveryError'
    this.permanent = options.permanent ?? false
  }
}

/** A network failure's code (`ECONNREFUSED`…) or a short generic reason; never the error's text. */
export function networkReason(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return 'timed out'
  let current: unknown = error
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && /^[A-Z_]{3,40}$/.test(code)) return code
    current = current.cause
  }
  return 'unreachable'
}
