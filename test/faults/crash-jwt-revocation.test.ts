/**
 * Crash inside a jwt revocation (the merged path, src/app/revoke-in-store.ts): the built server
 * is SIGKILLed at each revocation fault point, on SQLite and on PostgreSQL. A jwt revocation is
 * one transaction that writes the revocation record and moves the grant from active to revoked,
 * so what the kill leaves, read straight from the database, is either the active grant and no
 * record (killed before the commit) or the revoked grant and its record (after it), never one
 * without the other. After a restart the grant is revoked once, its record is there, and the
 * audit chain verifies live, against the checkpoint file, and offline.
 */
import Database from 'better-sqlite3'
import pg from 'pg'
import { expect } from 'vitest'
import { expiryRecordKey } from '../../src/connectors/jwt/revocation-records.js'
import { FAULT_POINTS, type FaultPoint } from '../../src/domain/fault-points.js'
import { pgUrlOrSkip } from '../support/services.js'
import { auditEvents, prepareInstance, waitFor, type Instance } from './hourglass-process.js'
import { crashSuite, expectAuditVerifies, instanceTemplates } from './instance-templates.js'
import { grantRows } from './store-reader.js'

const base = pgUrlOrSkip()
const ENTITLEMENT = 'orders-read'
const TARGET = 'orders-api'
const DURATION = '10s'
const REVOKE_POINTS = FAULT_POINTS.filter((p) => p.startsWith('revoke.'))
/** What the kill left: the grant's state and whether its revocation record exists. */
const AT_CRASH: Partial<Record<FaultPoint, { state: string; record: boolean }>> = {
  'revoke.before_target': { state: 'active', record: false },
  'revoke.after_target': { state: 'active', record: false },
  'revoke.before_commit': { state: 'active', record: false },
  'revoke.after_commit': { state: 'revoked', record: true },
}

/** Revoked at its expiry, past its exp, the token is recorded by its expiry second (revocation-records.ts). */
async function hasRecord(instance: Instance, grantId: string): Promise<boolean> {
  const recordOf = (handle: string): string => expiryRecordKey((JSON.parse(handle) as { exp: number }).exp)
  if (instance.databaseUrl) {
    const client = new pg.Client({ connectionString: instance.databaseUrl })
    await client.connect()
    try {
      const { rows } = await client.query<{ handle: string }>('select handle from grants where id = $1', [grantId])
      const key = recordOf(rows[0]!.handle)
      const found = await client.query('select 1 from connector_state where target_id = $1 and key = $2', [TARGET, key])
      return found.rows.length === 1
    } finally {
      await client.end()
    }
  }
  const db = new Database(instance.sqlitePath)
  try {
    const row = db.prepare('select handle from grants where id = ?').get(grantId) as { handle: string }
    const key = recordOf(row.handle)
    return db.prepare('select 1 from connector_state where target_id = ? and key = ?').get(TARGET, key) !== undefined
  } finally {
    db.close()
  }
}

const { template, dispose } = instanceTemplates(base)

async function crashAndRecover(engine: 'sqlite' | 'postgres', point: FaultPoint): Promise<void> {
  const instance = await prepareInstance({ template: await template(engine), lifecycle: { sweepIntervalMs: 250 } })
  try {
    const first = await instance.start({ fault: point })
    const asked = await first.post('alice', '/v1/requests', { entitlementId: ENTITLEMENT, justification: `crash at ${point}`, duration: DURATION })
    expect(asked.status, first.output()).toBe(201)
    const exit = await Promise.race([first.exited, new Promise<null>((r) => {
      setTimeout(() => {
        r(null)
      }, 60_000)
    })])
    expect(exit, `server did not die at ${point}:\n${first.output()}`).toEqual({ code: null, signal: 'SIGKILL' })

    const rows = await grantRows({ databaseUrl: instance.databaseUrl, sqlitePath: instance.sqlitePath })
    expect(rows).toHaveLength(1)
    const grantId = rows[0]!.id
    expect({ state: rows[0]!.state, record: await hasRecord(instance, grantId) }).toEqual(AT_CRASH[point])

    const second = await instance.start()
    const grant = await waitFor(
      async () => (await second.get('admin', `/v1/grants/${grantId}`)).body,
      (g) => g.state === 'revoked',
      60_000,
    )
    expect(grant, second.output()).toMatchObject({ state: 'revoked', revokeReason: 'expired', verification: 'gone' })
    expect(await hasRecord(instance, grantId)).toBe(true)
    const mine = (await auditEvents(second)).filter((e) => e.grantId === grantId)
    expect(mine.filter((e) => e.type === 'grant.revoked')).toHaveLength(1)
    expect(mine.filter((e) => e.type === 'grant.revoking')).toHaveLength(0)
    await expectAuditVerifies(second, instance)
    expect((await second.stop()).code).toBe(0)
  } finally {
    await instance.dispose()
  }
}

crashSuite({
  title: 'crash inside a jwt revocation (built server): the record and the grant commit together',
  points: REVOKE_POINTS,
  atCrash: AT_CRASH,
  pgBase: base,
  dispose,
  crashAndRecover,
})
