import { describe, expect, it } from 'vitest'
import { MemoryConnectorState } from '../../../test/support/memory-connector-state.js'
import type { ConnectorStateStore } from '../connector.js'
import { postgresConfigSchema } from './config.js'
import type { PgClient } from './pg-client.js'
import { createPostgresConnector } from './postgres-connector.js'

const config = postgresConfigSchema.parse({
  host: '127.0.0.1',
  database: 'orders',
  user: 'hourglass',
  password: 'connector-password',
})
const ROLE = 'hg_grt__1'
const handle = { mode: 'role', role: ROLE, grantRole: 'app_read' }
const options = () => ({ signal: new AbortController().signal })

/** Answers every statement, except those matching `fail`, which fail with that SQLSTATE. */
function scriptedClient(fail: Record<string, string> = {}): PgClient & { sent: string[] } {
  const sent: string[] = []
  return {
    sent,
    query(text) {
      sent.push(text)
      for (const [fragment, code] of Object.entries(fail)) {
        if (text.includes(fragment)) {
          return Promise.reject(Object.assign(new Error(`failed: ${fragment}`), { code }))
        }
      }
      return Promise.resolve({ rows: text.includes('count(*)') ? [{ sessions: 0 }] : [] })
    },
    end: () => Promise.resolve(),
  }
}

function connector(client: PgClient, state: ConnectorStateStore = new MemoryConnectorState()) {
  return createPostgresConnector(config, { now: () => new Date(), newId: () => 'x', state }, client)
}

const steps = ['NOLOGIN', 'pg_terminate_backend', 'count(*)', 'REASSIGN OWNED', 'DROP ROLE']
const ran = (client: { sent: string[] }) =>
  steps.filter((step) => client.sent.some((text) => text.includes(step)))

describe('postgres revoke, step by step', () => {
  it('keeps going after a step fails, then reports it', async () => {
    const client = scriptedClient({ 'REASSIGN OWNED': '2BP01' })
    const error = await connector(client)
      .revoke(handle, options())
      .catch((e: unknown) => e)
    expect(ran(client)).toEqual(steps)
    expect(error).toMatchObject({ reason: 'rejected', retryable: false })
  })

  it('does not let a state outage hold up revocation on the server', async () => {
    const client = scriptedClient()
    const state = new MemoryConnectorState()
    state.put = () => Promise.reject(new Error('state store down'))
    const error = await connector(client, state)
      .revoke(handle, options())
      .catch((e: unknown) => e)
    expect(ran(client)).toEqual(steps)
    expect(error).toMatchObject({ reason: 'unreachable', retryable: true })
  })

  it('stops at once when the server cannot be reached', async () => {
    const client = scriptedClient({ NOLOGIN: '57P01' })
    const error = await connector(client)
      .revoke(handle, options())
      .catch((e: unknown) => e)
    expect(ran(client)).toEqual(['NOLOGIN'])
    expect(error).toMatchObject({ reason: 'unreachable', retryable: true })
  })

  it('treats a role that does not exist as revoked', async () => {
    const client = scriptedClient({ NOLOGIN: '42704' })
    await connector(client).revoke(handle, options())
    expect(ran(client)).toEqual(['NOLOGIN'])
  })

  it('reports sessions that survive termination (T34)', async () => {
    const client = scriptedClient()
    const query = client.query.bind(client)
    client.query = async (text, values) => {
      const result = await query(text, values)
      return text.includes('count(*)') ? { rows: [{ sessions: 1 }] } : result
    }
    const error = await connector(client)
      .revoke(handle, options())
      .catch((e: unknown) => e)
    expect(ran(client)).toEqual(steps)
    expect(error).toMatchObject({ reason: 'conflict', retryable: true })
  })
})
