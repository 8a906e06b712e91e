import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runDueWork } from '../../../src/app/reconcile-grants.js'
import { Secret } from '../../../src/config/secret.js'
import { verifyAuditChain, type AuditEvent } from '../../../src/domain/audit-event.js'
import { verifyWebhook } from '../../../src/security/webhook-signature.js'
import { SiemStreamer, type SiemSink } from '../../../src/siem/siem-streamer.js'
import { openStore } from '../../../src/storage/kysely/open-store.js'
import type { SiemCursorRepository, Store } from '../../../src/storage/store.js'
import { FakeClock } from '../../support/fake-clock.js'
import { range, startSiemReceiver, type SiemReceiver } from '../../support/siem-receiver.js'
import { recordingLog, silentLog, startTestWorld, type TestWorld } from '../../support/test-runtime.js'

const SECRET = 'whsec_' + Buffer.alloc(32, 9).toString('base64')
const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.()
})

async function setUp(sink: Record<string, unknown> = {}, log = silentLog, more: Array<{ name: string; url: string; secret: string }> = []) {
  let world: TestWorld | null = null
  const clock = { now: () => world?.clock.now() ?? new Date() }
  const receiver = await startSiemReceiver({ secret: SECRET, now: () => clock.now() })
  cleanups.push(() => receiver.close())
  world = await startTestWorld({
    log,
    config: {
      siem: {
        sinks: [{ name: 'main', url: receiver.url, secret: SECRET, batchSize: 25, ...sink }, ...more],
        baseMs: 1_000,
        capMs: 4_000,
        // Generous: SQLite calls resolve synchronously, so a busy test can starve the socket.
        timeoutMs: 10_000,
      },
    },
  })
  cleanups.push(() => world.close())
  return { world, receiver }
}

const toEvent = (line: any): AuditEvent => ({ ...line, at: new Date(line.at) })
const head = async (world: TestWorld) => (await world.runtime.deps.store.audit.head()).seq

async function someActivity(world: TestWorld, n: number) {
  for (let i = 0; i < n; i++) {
    const r = await world.as('alice').post('/v1/requests', {
      entitlementId: 'orders-read',
      justification: `Reading orders for report ${i}`,
      duration: '10m',
    })
    expect(r.status).toBe(201)
  }
  await runDueWork(world.runtime.deps)
}

describe('SIEM streaming over signed webhooks', () => {
  it('delivers every event once, in sequence order, in signed batches whose lines verify as a chain', async () => {
    const { world, receiver } = await setUp()
    await someActivity(world, 5)
    await world.runtime.siem.runOnce()
    const last = await head(world)
    expect(last).toBeGreaterThan(25)
    expect(receiver.rejected).toEqual([])
    const seqs = receiver.accepted.flatMap((b) => b.seqs)
    expect(seqs).toEqual(range(last))
    for (const batch of receiver.accepted) {
      expect(batch.seqs.length).toBeLessThanOrEqual(25)
      expect(batch.headers['content-type']).toBe('application/x-ndjson')
      expect(batch.headers['webhook-id']).toBe(`siem_main_${batch.seqs[0]}-${batch.seqs.at(-1)}`)
      // The test checks the signature itself, with the shared secret, over the raw body.
      expect(verifyWebhook(SECRET, batch.headers, batch.rawBody, world.clock.now())).toMatchObject({ valid: true })
      expect(verifyWebhook(SECRET, batch.headers, batch.rawBody + ' ', world.clock.now())).toMatchObject({ valid: false })
    }
    // The jsonl lines are the events exactly as stored: the hash chain verifies from the SIEM copy.
    const events = receiver.accepted.flatMap((b) => b.lines).map(toEvent)
    expect(verifyAuditChain(events)).toMatchObject({ ok: true, lastSeq: last })

    const sinks = await world.as('admin').get('/v1/audit/sinks')
    expect(sinks.status).toBe(200)
    expect(sinks.body.items).toEqual([
      expect.objectContaining({ name: 'main', format: 'jsonl', ackedSeq: last, headSeq: last, lagEvents: 0, failures: 0, lastError: null }),
    ])
    expect(sinks.body.items[0].lastSuccessAt).toBe(world.clock.now().toISOString())
    expect(JSON.stringify(sinks.body)).not.toContain(SECRET)
    expect((await world.as('alice').get('/v1/audit/sinks')).status).toBe(403)
  })

  it('receiver down for a while, then up: retries with backoff and resumes from the last acked seq, no gaps', async () => {
    const { world, receiver } = await setUp()
    await world.runtime.siem.runOnce()
    const ackedBefore = await head(world)
    expect(receiver.deduped.size).toBe(ackedBefore)
    receiver.status = 503
    await someActivity(world, 3)
    const run = await world.runtime.siem.runOnce()
    expect(run.main).toMatchObject({ delivered: 0 })
    // Backing off: another run before the next attempt is due sends nothing.
    const requestsSoFar = receiver.requests
    expect((await world.runtime.siem.runOnce()).main).toMatchObject({ blocked: 'backoff' })
    expect(receiver.requests).toBe(requestsSoFar)

    const down = await world.as('admin').get('/v1/audit/sinks')
    const last = await head(world)
    expect(down.body.items[0]).toMatchObject({ ackedSeq: ackedBefore, lagEvents: last - ackedBefore, lastError: expect.stringContaining('HTTP 503') })
    expect(down.body.items[0].failures).toBeGreaterThanOrEqual(1)
    const metrics = await (await world.runtime.app.request('/metrics')).text()
    expect(metrics).toContain(`hourglass_siem_sink_lag_events{sink="main"} ${last - ackedBefore}`)
    expect(metrics).toMatch(/hourglass_siem_deliveries_total\{sink="main",outcome="failed"\} [1-9]/)

    world.clock.advance(5_000)
    receiver.status = 204
    await world.runtime.siem.runOnce()
    const seqs = receiver.accepted.flatMap((b) => b.seqs)
    expect(seqs).toEqual(range(last))
    const up = await world.as('admin').get('/v1/audit/sinks')
    expect(up.body.items[0]).toMatchObject({ ackedSeq: last, lagEvents: 0, failures: 0 })
    expect(await (await world.runtime.app.request('/metrics')).text()).toContain('hourglass_siem_sink_lag_events{sink="main"} 0')
  })

  it('a 4xx other than 408/429 is still retried, and logged at error because an operator must act', async () => {
    const log = recordingLog()
    const errors: string[] = []
    const { world, receiver } = await setUp({}, { ...log, error: (o, m) => { errors.push(m ?? ''); log.error(o, m) } })
    receiver.status = 400
    await world.runtime.siem.runOnce()
    expect(errors.some((m) => m.includes('SIEM sink refused the batch'))).toBe(true)
    expect(log.lines.join('\n')).not.toContain(SECRET)
    world.clock.advance(5_000)
    receiver.status = 204
    await world.runtime.siem.runOnce()
    expect(receiver.accepted.flatMap((b) => b.seqs)).toEqual(range(await head(world)))
  })

  it('a sink that is down holds back only itself', async () => {
    const broken = await startSiemReceiver({ secret: SECRET, now: () => new Date('2026-11-23T09:00:00Z') })
    cleanups.push(() => broken.close())
    broken.status = 500
    const { world, receiver } = await setUp({}, silentLog, [{ name: 'broken', url: broken.url, secret: SECRET }])
    await someActivity(world, 2)
    await world.runtime.siem.runOnce()
    const last = await head(world)
    expect(receiver.accepted.flatMap((b) => b.seqs)).toEqual(range(last))
    expect(broken.accepted).toEqual([])
    expect(broken.requests).toBeGreaterThan(0)
    const sinks = (await world.as('admin').get('/v1/audit/sinks')).body.items
    expect(sinks.map((s: any) => [s.name, s.lagEvents])).toEqual([['main', 0], ['broken', last]])
  })

  it('streams OCSF lines that carry their sequence', async () => {
    const { world, receiver } = await setUp({ format: 'ocsf', name: 'ocsf' })
    await someActivity(world, 1)
    await world.runtime.siem.runOnce()
    const lines = receiver.accepted.flatMap((b) => b.lines)
    expect(lines.map((l) => l.metadata.sequence)).toEqual(range(await head(world)))
    const activated = lines.find((l) => l.unmapped.type === 'grant.activated')
    expect(activated).toMatchObject({ class_uid: 3005, activity_id: 1, user: { uid: 'alice' }, privileges: ['orders-read'] })
  })
})

describe('SIEM cursor survives a crash between the 2xx and the cursor write', () => {
  let dir: string
  let store: Store
  let receiver: SiemReceiver
  const clock = new FakeClock()
  const sink: SiemSink = { name: 'main', url: '', secret: new Secret(SECRET), format: 'jsonl', batchSize: 10 }

  const streamer = (owner: string, cursors: SiemCursorRepository = store.siemCursors) =>
    new SiemStreamer({
      audit: store.audit,
      cursors,
      requests: store.requests,
      sinks: [{ ...sink, url: receiver.url }],
      clock,
      random: () => 0.5,
      log: silentLog,
      owner,
      retry: { baseMs: 1_000, capMs: 4_000 },
      timeoutMs: 2_000,
      product: { name: 'Hourglass', vendorName: 'Hourglass', version: 'test' },
    })

  async function append(n: number) {
    for (let i = 0; i < n; i++) {
      await store.transaction((tx) =>
        tx.audit.append({ type: 'policy.loaded', actor: 'system:test', data: { i }, id: `aud_${Math.random().toString(36).slice(2)}`, at: clock.now() }),
      )
    }
  }

  it('resends the acknowledged batch after the restart (at-least-once), and the receiver dedupes by seq', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hourglass-siem-'))
    store = await openStore({ sqlitePath: path.join(dir, 'h.db') })
    receiver = await startSiemReceiver({ secret: SECRET, now: () => clock.now() })
    cleanups.push(() => rm(dir, { recursive: true, force: true }), () => store.close(), () => receiver.close())
    await append(25)

    // The "process" dies right after the receiver's 2xx: the cursor write never happens.
    const dying: SiemCursorRepository = {
      ...store.siemCursors,
      update: async (cursor, expected) => {
        if (cursor.ackedSeq > 0) throw new Error('process died before the cursor commit')
        return store.siemCursors.update(cursor, expected)
      },
    }
    await expect(streamer('first', dying).runOnce()).rejects.toThrow('process died')
    expect(receiver.accepted.map((b) => b.seqs)).toEqual([range(10)])
    expect((await store.siemCursors.get('main'))).toMatchObject({ ackedSeq: 0, leaseOwner: 'first' })

    // The restarted process waits for the dead one's lease to lapse, then resumes from the cursor.
    const restarted = streamer('second')
    expect((await restarted.runOnce()).main).toMatchObject({ blocked: 'leased' })
    clock.advance(3 * 2_000)
    await restarted.runOnce()
    const arrivals = receiver.accepted.flatMap((b) => b.seqs)
    expect(arrivals).toEqual([...range(10), ...range(25)])
    expect([...receiver.deduped.keys()].sort((a, b) => a - b)).toEqual(range(25))
    expect(await store.siemCursors.get('main')).toMatchObject({ ackedSeq: 25, leaseOwner: null })
  })
})
