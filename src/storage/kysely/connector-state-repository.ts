import { sql } from 'kysely'
import type { ConnectorStateRepository } from '../store.js'
import type { Scope } from './scope.js'
import { MultiRowInsert } from './multi-row-insert.js'
import { PreparedStatement } from './prepared-statement.js'

/** A batch of revocation records: one statement per few hundred rows, on both engines. */
const INSERT_MANY_IF_ABSENT = new MultiRowInsert('connector_state', { target_id: 'text', key: 'text', value: 'text', exp: 'bigint' }, {
  skipTaken: ['target_id', 'key'],
})

/**
 * One entry: every jwt issuance asks whether its token was already revoked, inside the request's
 * transaction, where building and compiling the query cost several times SQLite's read of it.
 */
const READ = new PreparedStatement<{ target_id: string; key: string }>((db, a) =>
  db.selectFrom('connector_state').select('value').where('target_id', '=', a.target_id).where('key', '=', a.key),
)

/** Keys per `in (…)` list: far below both engines' parameter limits. */
const IN_LIST_CHUNK = 500

export function connectorStateRepository(scope: Scope): ConnectorStateRepository {
  const read = async (targetId: string, key: string): Promise<string | null> => {
    const { rows } = await READ.execute<{ value: string }>(scope, { target_id: targetId, key })
    return rows[0]?.value ?? null
  }

  return {
    get: read,

    async put(targetId, key, value, exp = null) {
      await scope.db
        .insertInto('connector_state')
        .values({ target_id: targetId, key, value, exp })
        .onConflict((oc) =>
          oc
            .columns(['target_id', 'key'])
            .doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), exp: eb.ref('excluded.exp') })),
        )
        .execute()
    },

    /** Two processes racing to create (say) a signing key both end up with the winner's value. */
    async putIfAbsent(targetId, key, value, exp = null) {
      await scope.db
        .insertInto('connector_state')
        .values({ target_id: targetId, key, value, exp })
        .onConflict((oc) => oc.columns(['target_id', 'key']).doNothing())
        .execute()
      const stored = await read(targetId, key)
      if (stored === null) throw new Error('connector state vanished after insert')
      return stored
    },

    async putManyIfAbsent(targetId, entries) {
      if (entries.length === 0) return
      await scope.atomic(async (db, direct) => {
        const rows = entries.map(([key, value, exp]) => ({
          target_id: targetId,
          key,
          value,
          exp: exp ?? null,
        }))
        await INSERT_MANY_IF_ABSENT.execute({ ...scope, db, direct }, rows)
      })
    },

    async getMany(targetId, keys) {
      const found = new Map<string, string>()
      for (let i = 0; i < keys.length; i += IN_LIST_CHUNK) {
        const rows = await scope.db
          .selectFrom('connector_state')
          .select(['key', 'value'])
          .where('target_id', '=', targetId)
          .where('key', 'in', keys.slice(i, i + IN_LIST_CHUNK))
          .execute()
        for (const row of rows) found.set(row.key, row.value)
      }
      return found
    },

    async deleteExpired(targetId, below, batchSize) {
      const oldest = scope.db
        .selectFrom('connector_state')
        .select('key')
        .where('target_id', '=', targetId)
        .where('exp', 'is not', null)
        .where('exp', '<', below)
        .orderBy('exp')
        .limit(batchSize)
      const result = await scope.db
        .deleteFrom('connector_state')
        .where('target_id', '=', targetId)
        // Rows are found by key (primary key): PostgreSQL takes an `in (subquery)` as a join and
        // may scan every expired row of the target for it, an array it probes key by key.
        .where((eb) =>
          scope.engine === 'postgres' ? sql<boolean>`key = any(array${oldest})` : eb('key', 'in', oldest),
        )
        // The re-check, as the row is when deleted: on PostgreSQL a row another transaction
        // rewrote after the subquery chose it is judged again, and kept if its exp moved on. An
        // expression, not `exp < ?`, so neither planner walks the exp index for these rows.
        .where(sql<boolean>`coalesce(exp, ${below}) < ${below}`)
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}
