/**
 * Migration 0008 changes the audit chain guards, never the chain: events written before it (one
 * INSERT and one head move each, as the 0001 guards demanded) and after it (a transaction's events
 * in one INSERT, the head moved once) form one chain that verifies from genesis, on both engines.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely, sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import {
  GENESIS_HASH,
  hashAuditEvent,
  verifyAuditChain,
  type AuditEvent,
} from '../../../src/domain/audit-event.js'
import type { Database } from '../../../src/storage/kysely/database.js'
import { createDialect, type DatabaseOptions } from '../../../src/storage/kysely/dialect.js'
import { migratorFor, openStore } from '../../../src/storage/kysely/open-store.js'
import { freshPgDatabase, pgUrlOrSkip } from '../../support/services.js'

const baseUrl = pgUrlOrSkip()
const engines = baseUrl === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const)
const dir = mkdtempSync(join(tmpdir(), 'hourglass-audit-0008-'))
const cleanups: Array<() => Promise<void>> = []

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup()
  rmSync(dir, { recursive: true, force: true })
})

function nextEvent(last: { seq: number; hash: string }, i: number): AuditEvent {
  const unhashed = {
    seq: last.seq + 1,
    id: `evt-before-0008-${i}`,
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
    type: 'grant.revoked' as const,
    actor: 'system:worker',
    requestId: null,
    grantId: null,
    data: { attempt: i },
    prevHash: last.hash,
  }
  return { ...unhashed, hash: hashAuditEvent(unhashed) }
}

describe.each(engines)('audit chain across migration 0008 on %s', (engine) => {
  it('events written under the old guards and the new ones verify as one chain', async () => {
    let options: DatabaseOptions = { sqlitePath: join(dir, `${engine}.db`) }
    if (engine === 'postgres') {
      const database = await freshPgDatabase(baseUrl!)
      cleanups.push(() => database.drop())
      options = { databaseUrl: database.url, poolSize: 2 }
    }
    const db = new Kysely<Database>({ dialect: createDialect(options).dialect })
    const migrator = migratorFor(db, engine)
    try {
      expect((await migrator.migrateTo('0007-report-indexes')).error).toBeUndefined()
      // The 0001 guards: one event on the head row at a time.
      let last = { seq: 0, hash: GENESIS_HASH }
      const before: AuditEvent[] = []
      for (let i = 1; i <= 3; i++) {
        const e = nextEvent(last, i)
        await db
          .insertInto('audit_events')
          .values({
            seq: e.seq,
            id: e.id,
            at: e.at.getTime(),
            type: e.type,
            actor: e.actor,
            request_id: null,
            grant_id: null,
            data: JSON.stringify(e.data),
            prev_hash: e.prevHash,
            hash: e.hash,
          })
          .execute()
        if (i === 3) {
          // Two events ahead of the head is what 0001 refuses (and 0008 allows).
          const ahead = nextEvent(e, 4)
          await expect(
            sql`insert into audit_events (seq, id, at, type, actor, data, prev_hash, hash)
                values (${ahead.seq}, ${ahead.id}, 0, 'grant.revoked', 'x', '{}', ${ahead.prevHash}, ${ahead.hash})`.execute(
              db,
            ),
          ).rejects.toThrow(/chain head only/)
        }
        await db
          .updateTable('audit_head')
          .set({ seq: e.seq, hash: e.hash })
          .where('id', '=', 1)
          .execute()
        before.push(e)
        last = e
      }
    } finally {
      await db.destroy()
    }

    const store = await openStore(options)
    try {
      const after = await store.transaction((tx) =>
        tx.audit.appendMany(
          [1, 2, 3].map((i) => ({
            id: `evt-after-0008-${i}`,
            at: new Date(Date.UTC(2026, 0, 2, 0, 0, i)),
            type: 'grant.revoked' as const,
            actor: 'system:worker',
            data: { attempt: i },
          })),
        ),
      )
      expect(after.map((e) => e.seq)).toEqual([4, 5, 6])
      const events = await store.audit.list({ afterSeq: 0, limit: 100 })
      expect(events.map((e) => e.id)).toEqual(
        [1, 2, 3].map((i) => `evt-before-0008-${i}`).concat(after.map((e) => e.id)),
      )
      expect(verifyAuditChain(events)).toMatchObject({
        ok: true,
        count: 6,
        lastSeq: 6,
        lastHash: after[2]!.hash,
      })
      expect(await store.audit.head()).toEqual({ seq: 6, hash: after[2]!.hash })
    } finally {
      await store.close()
    }
  })
})
