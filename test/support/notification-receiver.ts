import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { verifyWebhook, type WebhookRejection } from '../../src/security/webhook-signature.js'

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders
  rawBody: string
  body: any
}

export interface ReceiverOptions {
  /** Verify Standard Webhooks signatures with this secret; null accepts unsigned posts (Slack). */
  secret: string | null
  /** The receiver's clock for the replay window: the test's fake clock. */
  now?: () => Date
  /** Answer this many otherwise valid deliveries with 503 before accepting. */
  failFirst?: number
  /** Answer every delivery with 500. */
  alwaysFail?: boolean
}

export interface NotificationReceiver {
  url: string
  /** Deliveries answered 2xx, in order. */
  accepted: ReceivedDelivery[]
  /** Deliveries refused for a bad signature, with the reason. */
  rejected: WebhookRejection[]
  /** Every request, whatever the answer. */
  requests: number
  /** Re-sends a captured delivery with another body and the same headers; returns the status. */
  replayTampered(delivery: ReceivedDelivery, body: string): Promise<number>
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedDelivery[]>
  close(): Promise<void>
}

/**
 * A real HTTP webhook receiver on 127.0.0.1 that checks every delivery with verifyWebhook (the
 * raw body as received) and keeps what it accepted. It never de-duplicates, so a test sees
 * every send.
 */
export async function startNotificationReceiver(
  options: ReceiverOptions,
): Promise<NotificationReceiver> {
  const accepted: ReceivedDelivery[] = []
  const rejected: WebhookRejection[] = []
  let failures = options.failFirst ?? 0
  let requests = 0
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      requests++
      const rawBody = Buffer.concat(chunks).toString('utf8')
      if (options.secret !== null) {
        const check = verifyWebhook(
          options.secret,
          req.headers,
          rawBody,
          options.now?.() ?? new Date(),
        )
        if (!check.valid) {
          rejected.push(check.reason)
          res.writeHead(401).end()
          return
        }
      }
      if (options.alwaysFail) {
        res.writeHead(500).end('down')
        return
      }
      if (failures > 0) {
        failures--
        res.writeHead(503).end('busy')
        return
      }
      accepted.push({ headers: req.headers, rawBody, body: JSON.parse(rawBody) })
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  const url = `http://127.0.0.1:${address.port}/hooks/hourglass`
  return {
    url,
    accepted,
    rejected,
    get requests() {
      return requests
    },
    async replayTampered(delivery, body) {
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
        const value = delivery.headers[name]
        if (typeof value === 'string') headers[name] = value
      }
      const res = await fetch(url, { method: 'POST', headers, body })
      await res.body?.cancel()
      return res.status
    },
    async waitFor(count, timeoutMs = 5_000) {
      const until = Date.now() + timeoutMs
      while (accepted.length < count) {
        if (Date.now() > until)
          throw new Error(`expected ${count} deliveries, got ${accepted.length}`)
        await new Promise((r) => setTimeout(r, 10))
      }
      return accepted
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve()
        })
      })
    },
  }
}
