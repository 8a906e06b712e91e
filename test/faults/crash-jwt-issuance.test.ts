/**
 * Crash inside a jwt issuance (the in-store path, src/app/issue-in-store.ts): the built server is
 * SIGKILLed at each issuance fault point, on SQLite and on PostgreSQL. A jwt grant is submitted,
 * decided twice, signed and made active in one transaction, so what the kill leaves, read straight
 * from the database, is either nothing of the request at all (killed before the commit: the token
 * signed in the process never left it) or the request with its active grant and credential
 * (after it), never a grant without its request or a credential without its grant. After a
 * restart, the grant (when there is one) is revoked at expiry once, and the audit chain verifies
 * live, against the checkpoint file, and offline.
 */
import Database from 'better-sqlite3'
import pg from 'pg'
import { expect } from 'vitest'
import { FAULT_POINTS, type FaultPoint } from '../../src/domain/fault-points.js'
import { pgUrlOrSkip } from '../support/services.js'
import { auditEvents, prepareInstance, waitFor, type Instance } from './hourglass-process.js'
import { crashSuite, expectAuditVerifies, instanceTemplates } from './instance-templates.js'

const base = pgUrlOrSkip()
const ENTITLEMENT = 'orders-read'
const DURATION = '10s'
const ISSUE_POINTS = FAULT_POINTS.filter((p) => p.startsWith('issue.'))
/** What the kill left: requests, grants (their states) and grants holding a sealed credential. */
const AT_CRASH: Partial<Record<FaultPoint, { requests: number; grants: string[]; credentials: number }>> = {
  'issue.before_target': { requests: 0, grants: [], credentials: 0 },
  'issue.after_target': { requests: 0, grants: [], credentials: 0 },
  'issue.before_commit': { requests: 0, grants: [], credentials: 0 },
  'issue.after_commit': { requests: 1, grants: ['active'], credentials: 1 },
}

interface Left {
  requests: number
  grants: Array<{ id: string; state: string }>
  credentials: number
}

async function whatIsLeft(instance: Instance): Promise<Left> {
  const queries = {
    requests: 'select count(*) as n from requests',
    grants: 'select id, state from grants order by id',
    credentials: 'select count(*) as n from grants where credential_ciphertext is not null',
  }
  if (instance.databaseUrl) {
    const client = new pg.Client({ connectionString: instance.databaseUrl })
    await client.connect()
    try {
      const n = async (q: string) => Number((await client.query<{ n: string }>(q)).rows[0]!.n)
      return {
        requests: await n(queries.requests),
        grants: (await client.query<{ id: string; state: string }>(queries.grants)).rows,
        credentials: await n(queries.credentials),
      }
    } finally {
      await client.end()
    }
  }
  // Opening read-write lets SQLite replay the WAL the killed process left behind.
  const db = new Database(instance.sqlitePath)
  try {
    const n = (q: string) => (db.prepare(q).get() as { n: number }).n
    return {
      requests: n(queries.requests),
      grants: db.prepare(queries.grants).all() as Array<{ id: string; state: string }>,
      credentials: n(queries.credentials),
    }
  } finally {
    db.close()
  }
}

const { template, dispose } = instanceTemplates(base)

async function crashAndRecover(engine: 'sqlite' | 'postgres', point: FaultPoint): Promise<void> {
  const instance = await prepareInstance({ template: await template(engine), lifecycle: { sweepIntervalMs: 250 } })
  try {
    const first = await instance.start({ fault: point })
    // Every issue point is reached before the answer is sent: the request itself fails.
    await first
      .post('alice', '/v1/requests', { entitlementId: ENTITLEMENT, justification: `crash at ${point}`, duration: DURATION })
      .catch(() => null)
    const exit = await Promise.race([first.exited, new Promise<null>((r) => {
      setTimeout(() => {
        r(null)
      }, 60_000)
    })])
    expect(exit, `server did not die at ${point}:\n${first.output()}`).toEqual({ code: null, signal: 'SIGKILL' })

    const left = await whatIsLeft(instance)
    expect({ requests: left.requests, grants: left.grants.map((g) => g.state), credentials: left.credentials }).toEqual(AT_CRASH[point])

    const second = await instance.start()
    const grantId = left.grants[0]?.id
    if (grantId !== undefined) {
      const grant = await waitFor(
        async () => (await second.get('admin', `/v1/grants/${grantId}`)).body,
        (g) => g.state === 'revoked',
        60_000,
      )
      expect(grant, second.output()).toMatchObject({ state: 'revoked', revokeReason: 'expired', verification: 'gone' })
    }
    const events = await auditEvents(second)
    const types = events.map((e) => e.type)
    if (grantId === undefined) {
      // Not one event of the request: its whole transaction was rolled back.
      expect(types.filter((t) => t.startsWith('request.') || t.startsWith('grant.'))).toEqual([])
    } else {
      const mine = events.filter((e) => e.grantId === grantId).map((e) => e.type)
      expect(mine.filter((t) => t === 'grant.activated')).toHaveLength(1)
      expect(mine.filter((t) => t === 'grant.revoked')).toHaveLength(1)
    }
    await expectAuditVerifies(second, instance)
    // The server still issues after the crash (its signing key, when the crash took the first).
    const again = await second.post('alice', '/v1/requests', { entitlementId: ENTITLEMENT, justification: 'after the crash', duration: DURATION })
    expect(again.status, second.output()).toBe(201)
    expect(again.body.grant.state).toBe('active')
    expect((await second.stop()).code).toBe(0)
  } finally {
    await instance.dispose()
  }
}

crashSuite({
  title: 'crash inside a jwt issuance (built server): the request, grant and credential commit together',
  points: ISSUE_POINTS,
  atCrash: AT_CRASH,
  pgBase: base,
  dispose,
  crashAndRecover,
})
