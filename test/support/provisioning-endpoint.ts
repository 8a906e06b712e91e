import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Secret } from '../../src/config/secret.js'
import {
  DEFAULT_TOLERANCE_SECONDS,
  generateWebhookSecret,
  verifyWebhook,
  type WebhookRejection,
} from '../../src/security/webhook-signature.js'

/** What a scripted answer sends: a JSON body, raw text, or nothing. */
export interface Reply {
  status: number
  body?: unknown
  raw?: string
}

export interface ReceivedDelivery {
  id: string
  type: string
  body: any
}

interface Account {
  grantId: string
  principal: string
  token: string
  privileges: string[]
  expiresAt: Date
}

type Fault =
  | { kind: 'status'; status: number }
  | { kind: 'hang' }
  | { kind: 'reply'; reply: (d: ReceivedDelivery) => Reply }

export interface ProvisioningEndpointOptions {
  /** The shared secret; a fresh `whsec_` one by default. */
  secret?: string
  now?: () => Date
  toleranceSeconds?: number
}

const MAX_BODY_BYTES = 64 * 1024

/**
 * A provisioning service of the kind an operator writes for the webhook connector, on a real
 * loopback port: it verifies every delivery's signature, de-duplicates by delivery id (a retry
 * gets the first answer again), keeps accounts by grant id, and serves GET /resource to bearers of
 * a live account's token. Tests can make it fail, hang or answer oddly for the next calls.
 */
export class ProvisioningEndpoint {
  readonly secret: string
  /** Where the connector posts deliveries. */
  readonly url: string
  /** Refused deliveries, by reason, in order. */
  readonly badSignatures: WebhookRejection[] = []
  /** Every delivery that passed the signature check, retries included, in order. */
  readonly received: ReceivedDelivery[] = []
  /** Sets the `expiresAt` an issue answers with; the grant's end by default. */
  issueExpiry: (grantEnd: Date) => Date = (end) => end

  readonly #server: Server
  readonly #resourceUrl: string
  readonly #now: () => Date
  readonly #tolerance: number
  readonly #accounts = new Map<string, Account>()
  readonly #revoked = new Set<string>()
  readonly #answered = new Map<string, Reply>()
  readonly #faults: Fault[] = []

  private constructor(server: Server, options: ProvisioningEndpointOptions) {
    const { port } = server.address() as AddressInfo
    this.#server = server
    this.secret = options.secret ?? generateWebhookSecret()
    this.url = `http://127.0.0.1:${port}/provision`
    this.#resourceUrl = `http://127.0.0.1:${port}/resource`
    this.#now = options.now ?? (() => new Date())
    this.#tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS
  }

  static async start(options: ProvisioningEndpointOptions = {}): Promise<ProvisioningEndpoint> {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const endpoint = new ProvisioningEndpoint(server, options)
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      endpoint.respond(req).then(
        (reply) => {
          if (reply !== 'hang') send(res, reply)
        },
        () => res.writeHead(500).end(),
      )
    })
    return endpoint
  }

  /** How often a delivery id arrived (retries of one operation share it). */
  arrivals(id: string): number {
    return this.received.filter((d) => d.id === id).length
  }

  failNext(count: number, status = 503): void {
    for (let i = 0; i < count; i++) this.#faults.push({ kind: 'status', status })
  }

  /** The next `count` deliveries get no answer at all until the endpoint closes. */
  hangNext(count: number): void {
    for (let i = 0; i < count; i++) this.#faults.push({ kind: 'hang' })
  }

  replyNext(reply: Reply | ((delivery: ReceivedDelivery) => Reply)): void {
    this.#faults.push({ kind: 'reply', reply: typeof reply === 'function' ? reply : () => reply })
  }

  /** Access the endpoint did not create, for reconciliation tests. */
  addShadow(principal: string, privileges: string[]): void {
    const token = randomBytes(24).toString('base64url')
    const expiresAt = new Date(this.#now().getTime() + 3600_000)
    this.#accounts.set(`shadow:${principal}`, {
      grantId: '',
      principal,
      token,
      privileges,
      expiresAt,
    })
  }

  isLive(grantId: string): boolean {
    return this.#accounts.has(grantId)
  }

  /** What a protected resource behind this endpoint answers the credential's bearer. */
  async use(credential: Secret): Promise<'allowed' | 'denied'> {
    const response = await fetch(this.#resourceUrl, {
      headers: { authorization: `Bearer ${credential.reveal()}` },
    })
    await response.body?.cancel()
    return response.status === 200 ? 'allowed' : 'denied'
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) =>
      this.#server.close(() => {
        resolve()
      }),
    )
  }

  private async respond(req: IncomingMessage): Promise<Reply | 'hang'> {
    if (req.method === 'GET' && req.url === '/resource') {
      const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1]
      const now = this.#now().getTime()
      const accounts = [...this.#accounts.values()]
      const live = accounts.some((a) => a.token === token && a.expiresAt.getTime() > now)
      return { status: live ? 200 : 403 }
    }
    if (req.method !== 'POST' || req.url !== '/provision') return { status: 404 }
    const raw = await readBody(req)
    if (raw === null) return { status: 413 }
    const verified = verifyWebhook(this.secret, req.headers, raw, this.#now(), this.#tolerance)
    if (!verified.valid) {
      this.badSignatures.push(verified.reason)
      return { status: 401, body: { error: 'invalid signature' } }
    }
    const body = JSON.parse(raw.toString('utf8'))
    // The signature covers the header id; the body must name the same delivery.
    if (body?.id !== verified.id) return { status: 400, body: { error: 'id mismatch' } }
    const delivery: ReceivedDelivery = { id: verified.id, type: String(body.type), body }
    this.received.push(delivery)

    const fault = this.#faults.shift()
    if (fault?.kind === 'hang') return 'hang'
    if (fault?.kind === 'status') return { status: fault.status, body: { error: 'injected' } }
    if (fault?.kind === 'reply') return fault.reply(delivery)

    const earlier = this.#answered.get(delivery.id)
    if (earlier) return earlier
    const reply = this.process(delivery)
    this.#answered.set(delivery.id, reply)
    return reply
  }

  private process({ type, body }: ReceivedDelivery): Reply {
    switch (type) {
      case 'grant.issue': {
        const grant = body.grant
        // A late retry of issue must not bring back access that was revoked meanwhile.
        if (this.#revoked.has(grant.id))
          return { status: 409, body: { error: 'grant was revoked' } }
        const account = this.#accounts.get(grant.id) ?? {
          grantId: grant.id,
          principal: grant.targetName,
          token: randomBytes(24).toString('base64url'),
          privileges: [grant.params.entitlement],
          expiresAt: this.issueExpiry(new Date(grant.expiresAt)),
        }
        this.#accounts.set(grant.id, account)
        return {
          status: 200,
          body: {
            handle: { account: account.principal },
            credential: account.token,
            instructions: 'Send it as Authorization: Bearer <token> to /resource.',
            expiresAt: account.expiresAt.toISOString(),
          },
        }
      }
      case 'grant.revoke': {
        this.#revoked.add(body.handle.grantId)
        return { status: this.#accounts.delete(body.handle.grantId) ? 204 : 404 }
      }
      case 'grant.inspect':
        return { status: 200, body: { live: this.#accounts.has(body.handle.grantId) } }
      case 'access.list': {
        const entries = [...this.#accounts.values()].map((a) => ({
          key: `account:${a.principal}`,
          principal: a.principal,
          grantId: a.grantId === '' ? null : a.grantId,
          privileges: a.privileges,
        }))
        return { status: 200, body: { entries } }
      }
      case 'access.remove': {
        const found = [...this.#accounts].find(([, a]) => a.principal === body.entry.principal)
        if (found) this.#accounts.delete(found[0])
        return { status: found ? 204 : 404 }
      }
      default:
        return { status: 400, body: { error: 'unknown delivery type' } }
    }
  }
}

function send(res: ServerResponse, reply: Reply): void {
  if (reply.raw !== undefined) {
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.raw)
  } else if (reply.body !== undefined) {
    res
      .writeHead(reply.status, { 'content-type': 'application/json' })
      .end(JSON.stringify(reply.body))
  } else {
    res.writeHead(reply.status).end()
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) return null
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}
