import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { verifyWebhook, type WebhookRejection } from '../../src/security/webhook-signature.js'

export interface SiemBatch {
  headers: IncomingHttpHeaders
  rawBody: string
  /** One parsed object per NDJSON line. */
  lines: any[]
  seqs: number[]
}

/**
 * A SIEM collector on 127.0.0.1: checks every batch's Standard Webhooks signature against the
 * raw body, answers with `status` (204 while up), keeps every batch it acknowledged in arrival
 * order and, as a real receiver should, de-duplicates events by their sequence number.
 */
export interface SiemReceiver {
  url: string
  /** What to answer valid batches with; set it to 503 to take the receiver "down". */
  status: number
  accepted: SiemBatch[]
  rejected: WebhookRejection[]
  requests: number
  /** Events by seq, each kept once however often it arrived. */
  deduped: Map<number, any>
  waitForSeq(seq: number, timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

export async function startSiemReceiver(options: {
  secret: string
  now: () => Date
  seqOf?: (line: any) => number
}): Promise<SiemReceiver> {
  const seqOf = options.seqOf ?? ((line: any) => Number(line.seq ?? line.metadata?.sequence))
  const receiver = {
    status: 204,
    accepted: [] as SiemBatch[],
    rejected: [] as WebhookRejection[],
    requests: 0,
    deduped: new Map<number, any>(),
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      receiver.requests++
      const rawBody = Buffer.concat(chunks).toString('utf8')
      const check = verifyWebhook(options.secret, req.headers, rawBody, options.now())
      if (!check.valid) {
        receiver.rejected.push(check.reason)
        res.writeHead(401).end()
        return
      }
      if (receiver.status < 200 || receiver.status > 299) {
        res.writeHead(receiver.status).end('not now')
        return
      }
      const lines = rawBody
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l))
      const seqs = lines.map(seqOf)
      receiver.accepted.push({ headers: req.headers, rawBody, lines, seqs })
      lines.forEach((line, i) => receiver.deduped.set(seqs[i]!, line))
      res.writeHead(receiver.status).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${address.port}/siem/ingest`,
    async waitForSeq(seq: number, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs
      while (!receiver.deduped.has(seq)) {
        if (Date.now() > until) throw new Error(`seq ${seq} never arrived`)
        await new Promise((r) => setTimeout(r, 10))
      }
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
    },
  })
}

/** 1..n */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1)
}
