import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES } from '../../../src/http/app.js'
import { serveApp } from '../../support/serve-app.js'
import { startTestWorld, type TestWorld } from '../../support/test-runtime.js'

/*
 * The body limit over a real socket, both ways a client can send a body: with a Content-Length
 * (judged by the header) and chunked (counted as it streams). Over the limit is refused with
 * input.too_large and writes nothing; under it goes through.
 */

let world: TestWorld
let server: Awaited<ReturnType<typeof serveApp>>
beforeAll(async () => {
  world = await startTestWorld()
  server = await serveApp(world.runtime.app)
})
afterAll(async () => {
  await server.stop()
  await world.close()
})

const WHY = 'Body-limit test: read order history for OPS-1'

/** A JSON request body padded with spaces (JSON ignores them) to `bytes`. */
function bodyOf(bytes: number): string {
  const json = JSON.stringify({ entitlementId: 'orders-read', justification: WHY, duration: '1h' })
  return json + ' '.repeat(Math.max(0, bytes - json.length))
}

/** POSTs `body` to /v1/requests as alice, declaring its length or sending it in chunks. */
function post(body: string, framing: 'declared' | 'chunked'): Promise<{ status: number; code?: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      authorization: `Bearer ${world.tokens.alice ?? ''}`,
      'content-type': 'application/json',
      ...(framing === 'declared' ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
    }
    const req = http.request(`${server.url}/v1/requests`, { method: 'POST', headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => {
        const parsed = JSON.parse(text) as { error?: { code: string } }
        resolve({ status: res.statusCode ?? 0, ...(parsed.error ? { code: parsed.error.code } : {}) })
      })
    })
    req.on('error', reject)
    if (framing === 'chunked') {
      // Several writes without a length: node sends Transfer-Encoding: chunked.
      for (let at = 0; at < body.length; at += 16 * 1024) req.write(body.slice(at, at + 16 * 1024))
    } else req.write(body)
    req.end()
  })
}

async function written(): Promise<{ requests: number; events: number }> {
  const store = world.runtime.deps.store
  return {
    requests: (await store.requests.list({ limit: 10_000 })).length,
    events: (await store.audit.head()).seq,
  }
}

describe.each(['declared', 'chunked'] as const)('a body with its length %s', (framing) => {
  it('one byte over the limit is refused with input.too_large and writes nothing', async () => {
    const before = await written()
    const res = await post(bodyOf(MAX_BODY_BYTES + 1), framing)
    expect(res).toEqual({ status: 400, code: 'input.too_large' })
    expect(await written()).toEqual(before)
  })

  it('exactly at the limit goes through', async () => {
    const before = await written()
    const res = await post(bodyOf(MAX_BODY_BYTES), framing)
    expect(res).toEqual({ status: 201 })
    expect((await written()).requests).toBe(before.requests + 1)
  })
})
