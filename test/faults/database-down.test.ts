/**
 * The database goes away under a running server (issue 7, T25/T33 for the store itself): the
 * PostgreSQL cluster is stopped; requests fail with 503 `store.unavailable`, /readyz says not
 * ready, the process and its lifecycle engine stay up, nothing is half-written, and when the
 * cluster is back the server recovers by itself — no restart — and revokes what fell due.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findPostgresBin, isCi, startRestartablePostgres, type RestartablePostgres } from '../support/services.js'
import { auditEvents, prepareInstance, verifyAudit, waitFor, type Instance, type ServerProcess } from './hourglass-process.js'

const bin = await findPostgresBin()
if (bin === null && isCi()) throw new Error('CI=true but no PostgreSQL server binaries are installed')

describe.skipIf(bin === null)('database down: 503, not ready, and recovery without a restart (PostgreSQL)', () => {
  let cluster: RestartablePostgres
  let instance: Instance
  let server: ServerProcess

  beforeAll(async () => {
    // A cluster of this test's own: stopping the shared one would break every other test.
    cluster = await startRestartablePostgres(bin!)
    instance = await prepareInstance({ databaseUrl: cluster.url, lifecycle: { sweepIntervalMs: 250 } })
    server = await instance.start()
  }, 120_000)

  afterAll(async () => {
    await instance.dispose()
    await cluster.stop()
  })

  it('refuses with 503 while down, keeps running, and recovers by itself', async () => {
    const submit = (justification: string, duration: string) =>
      server.post('alice', '/v1/requests', { entitlementId: 'orders-read', justification, duration })
    const before = await submit('Grant that falls due during the outage', '15s')
    expect(before.status, JSON.stringify(before.body)).toBe(201)
    const grantId = before.body.grant.id as string
    const active = await waitFor(() => server.get('alice', `/v1/grants/${grantId}`), (r) => r.body.state === 'active', 30_000)
    expect(active.body.state).toBe('active')
    expect((await server.get('admin', '/readyz')).status).toBe(200)

    await cluster.halt()

    const refused = await submit('Submitted while the database is down', '10m')
    expect(refused).toMatchObject({ status: 503, body: { error: { code: 'store.unavailable' } } })
    expect(await server.get('alice', '/v1/grants')).toMatchObject({ status: 503, body: { error: { code: 'store.unavailable' } } })
    expect((await server.get('admin', '/readyz')).status).toBe(503)
    // The driver's message never reaches the client (it can quote SQL parameters).
    expect(JSON.stringify(refused.body)).not.toMatch(/ECONNREFUSED|terminat|127\.0\.0\.1/)

    // The grant falls due while the database is down; sweeps fail meanwhile and the engine lives on.
    const due = Date.parse(active.body.expiresAt as string)
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now()) + 1500))
    expect(server.child.exitCode, server.output()).toBeNull()
    expect((await server.get('admin', '/readyz')).status).toBe(503)

    await cluster.resume()

    const ready = await waitFor(() => server.get('admin', '/readyz'), (r) => r.status === 200, 30_000)
    expect(ready.status, server.output()).toBe(200)
    const after = await submit('Submitted after the database came back', '10m')
    expect(after.status, JSON.stringify(after.body)).toBe(201)
    const revoked = await waitFor(() => server.get('alice', `/v1/grants/${grantId}`), (r) => r.body.state === 'revoked', 30_000)
    expect(revoked.body).toMatchObject({ state: 'revoked', revokeReason: 'expired' })

    // Nothing half-written: exactly the two accepted requests exist, each with its audit event.
    const requests = (await server.get('admin', '/v1/requests?scope=all')).body.items as Array<{ id: string; justification: string }>
    expect(requests.map((r) => r.justification).sort()).toEqual([
      'Grant that falls due during the outage',
      'Submitted after the database came back',
    ])
    const events = await auditEvents(server)
    for (const r of requests) {
      expect(events.filter((e) => e.requestId === r.id && e.type === 'request.submitted')).toHaveLength(1)
    }
    expect(events.filter((e) => e.grantId === grantId && e.type === 'grant.revoked')).toHaveLength(1)
    const { live, offline } = await verifyAudit(server, instance)
    expect(live).toMatchObject({ code: 0, json: { ok: true } })
    expect(offline).toMatchObject({ code: 0, json: { ok: true } })
    expect(server.child.pid).toBeDefined()
    expect((await server.stop()).code).toBe(0)
  }, 300_000)
})
