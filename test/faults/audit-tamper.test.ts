/**
 * Audit tampering by someone with direct database access (issue 7, T23/T24/T28), on SQLite and
 * PostgreSQL: the append-only triggers are switched off as an attacker would, then (a) a past
 * event is edited, (b) the last events are deleted with the head and the database's own
 * checkpoints wound back to match, (c) an older copy of the whole database is put back. The
 * real CLI, `hourglass audit verify`, finds each one against the checkpoint file kept outside
 * the database — live against the server and offline on an export — and names where.
 * (verify-chain.test.ts covers a re-hashed rewrite; the e2e test a tail cut from an export file.)
 */
import { existsSync } from 'node:fs'
import { copyFile, rm } from 'node:fs/promises'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { freshPgDatabase, pgUrlOrSkip } from '../support/services.js'
import { prepareInstance, verifyAudit, waitFor, type Instance, type ServerProcess } from './hourglass-process.js'

const base = pgUrlOrSkip()
const engines = base === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const)

/** SQL as the attacker, with whatever the engine needs to run several statements. */
async function asAttacker(instance: Instance, statements: { sqlite: string[]; postgres: string[] }): Promise<void> {
  if (instance.databaseUrl) {
    await onPostgres(instance.databaseUrl, statements.postgres)
    return
  }
  const db = new Database(instance.sqlitePath)
  try {
    for (const s of statements.sqlite) db.exec(s)
  } finally {
    db.close()
  }
}

async function onPostgres(url: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    for (const s of statements) await client.query(s)
  } finally {
    await client.end()
  }
}

/** A few auto-approved grants: enough events for a chain with a past, a tail and checkpoints. */
async function work(server: ServerProcess, n: number): Promise<void> {
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    const r = await server.post('alice', '/v1/requests', { entitlementId: 'orders-read', justification: `tamper test work ${i}`, duration: '10m' })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    ids.push(r.body.grant.id as string)
  }
  for (const id of ids) {
    await waitFor(() => server.get('alice', `/v1/grants/${id}`), (g) => g.body.state === 'active', 30_000)
  }
}

async function head(server: ServerProcess): Promise<number> {
  return (await server.get('admin', '/v1/audit/events?after=0&limit=1')).body.head.seq as number
}

/**
 * The chain was cut back to `kept` events while a signed checkpoint in the file covers `signed`.
 * Restarting the server may append an event or two over the gap first, so the report says either
 * that the chain ends before the checkpoint (naming where it ends), or that the history since
 * the last matching checkpoint differs.
 */
function expectBehindCheckpoint(r: { firstBadSeq: number; lastSeq: number; reason: string }, signed: number, kept: number): void {
  if (/events were removed/.test(r.reason)) {
    expect(r.reason).toContain(`chain ends at seq ${r.lastSeq}`)
    expect(r.lastSeq).toBeLessThan(signed)
    expect(r.firstBadSeq).toBe(r.lastSeq + 1)
  } else {
    expect(r.reason).toMatch(/differs from the signed checkpoint/)
    expect(r.firstBadSeq).toBeLessThanOrEqual(kept + 1)
  }
}

const cleanups: Array<() => Promise<unknown>> = []
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup()
})

describe.each(engines)('audit tampering on %s is found against the external checkpoint file', (engine) => {
  let template: Promise<{ instance: Instance; headSeq: number }> | null = null

  /** One chain of real work, stopped cleanly (a final signed checkpoint), copied for each case. */
  function tamperable(): Promise<{ instance: Instance; headSeq: number }> {
    template ??= (async () => {
      let databaseUrl: string | undefined
      if (engine === 'postgres') {
        const db = await freshPgDatabase(base!)
        cleanups.push(() => db.drop())
        databaseUrl = db.url
      }
      const instance = await prepareInstance({ databaseUrl })
      cleanups.unshift(() => instance.dispose())
      const server = await instance.start()
      await work(server, 3)
      const headSeq = await head(server)
      expect((await server.stop()).code).toBe(0)
      return { instance, headSeq }
    })()
    return template.then(async ({ instance, headSeq }) => {
      const copy = await prepareInstance({ template: instance })
      cleanups.unshift(() => copy.dispose())
      return { instance: copy, headSeq }
    })
  }

  async function expectBroken(instance: Instance, check: (report: { firstBadSeq: number; lastSeq: number; reason: string }) => void): Promise<void> {
    const server = await instance.start()
    const { live, offline } = await verifyAudit(server, instance)
    for (const answer of [live, offline]) {
      // Exit 6 (conflict) with one JSON report naming where the chain stops being trustworthy.
      expect(answer.code).toBe(6)
      expect(answer.json.ok).toBe(false)
      check(answer.json)
    }
    await server.stop()
  }

  it('(a) an edited past event, after dropping the guard trigger: names its seq', async () => {
    const { instance } = await tamperable()
    await asAttacker(instance, {
      sqlite: ['drop trigger audit_events_no_update', "update audit_events set actor = 'mallory' where seq = 5"],
      postgres: [
        'alter table audit_events disable trigger audit_events_append_only',
        "update audit_events set actor = 'mallory' where seq = 5",
        'alter table audit_events enable trigger audit_events_append_only',
      ],
    })
    await expectBroken(instance, (r) => {
      expect(r.firstBadSeq).toBe(5)
    })
  }, 180_000)

  it('(b) the last 3 events deleted, head and database checkpoints wound back: chain behind the checkpoint', async () => {
    const { instance, headSeq } = await tamperable()
    const keep = headSeq - 3
    const rewind = (hashOf: string) => [
      `delete from audit_events where seq > ${keep}`,
      `delete from audit_checkpoints where seq > ${keep}`,
      `update audit_head set seq = ${keep}, hash = (${hashOf}) where id = 1`,
    ]
    const hashOf = `select hash from audit_events where seq = ${keep}`
    await asAttacker(instance, {
      sqlite: [
        'drop trigger audit_events_no_delete',
        'drop trigger audit_checkpoints_no_delete',
        'drop trigger audit_head_advance',
        ...rewind(hashOf),
      ],
      postgres: [
        'alter table audit_events disable trigger user',
        'alter table audit_checkpoints disable trigger user',
        'alter table audit_head disable trigger user',
        ...rewind(hashOf),
        'alter table audit_events enable trigger user',
        'alter table audit_checkpoints enable trigger user',
        'alter table audit_head enable trigger user',
      ],
    })
    await expectBroken(instance, (r) => {
      expectBehindCheckpoint(r, headSeq, keep)
    })
  }, 180_000)

  it('(c) an older copy of the database put back: the checkpoint file is ahead of the chain', async () => {
    const { instance, headSeq } = await tamperable()
    const backup = await takeBackup(instance)
    const server = await instance.start()
    await work(server, 2)
    const later = await head(server)
    expect(later).toBeGreaterThan(headSeq)
    expect((await server.stop()).code).toBe(0)
    await backup.restore()

    // The restored database agrees with itself, checkpoints included: only the file knows better.
    const restored = await instance.start()
    expect(await restored.cli('admin', 'audit', 'verify')).toMatchObject({ code: 0, json: { ok: true } })
    await restored.stop()
    await expectBroken(instance, (r) => {
      expectBehindCheckpoint(r, later, headSeq)
    })
  }, 240_000)

  /** A copy of the stopped instance's database, restorable over the live one later. */
  async function takeBackup(instance: Instance): Promise<{ restore(): Promise<void> }> {
    if (instance.databaseUrl) {
      const url = new URL(instance.databaseUrl)
      const name = url.pathname.slice(1)
      const admin = new URL(instance.databaseUrl)
      admin.pathname = '/postgres'
      await onPostgres(admin.toString(), [`create database "${name}_bak" template "${name}"`])
      cleanups.push(() => onPostgres(admin.toString(), [`drop database if exists "${name}_bak" with (force)`]))
      return {
        restore: () =>
          onPostgres(admin.toString(), [
            `drop database "${name}" with (force)`,
            `create database "${name}" template "${name}_bak"`,
          ]),
      }
    }
    // The file plus any write-ahead log not yet folded into it: what a file-level backup takes.
    const files = ['', '-wal'].map((suffix) => instance.sqlitePath + suffix).filter((f) => existsSync(f))
    for (const f of files) await copyFile(f, `${f}.bak`)
    return {
      async restore() {
        for (const suffix of ['-wal', '-shm']) await rm(instance.sqlitePath + suffix, { force: true })
        for (const f of files) await copyFile(`${f}.bak`, f)
      },
    }
  }
})
