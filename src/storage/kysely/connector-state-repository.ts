import type { ConnectorStateRepository } from '../store.js'
import type { Scope } from './scope.js'
import { PreparedStatement } from './prepared-statement.js'

const INSERT_IF_ABSENT = new PreparedStatement<{ target_id: string; key: string; value: string }>(
  (db, row) =>
    db
      .insertInto('connector_state')
      .values(row)
      .onConflict((oc) => oc.columns(['target_id', 'key']).doNothing()),
)

/** Keys per `in (…)` list: far below both engines' parameter limits. */
const IN_LIST_CHUNK = 500

export function connectorStateRepository(scope: Scope): ConnectorStateRepository {
  const read = async (targetId: string, key: string): Promise<string | null> => {
    const row = await scope.db
      .selectFrom('connector_state')
      .select('value')
      .where('target_id', '=', targetId)
      .where('key', '=', key)
      .executeTakeFirst()
    return row?.value ?? null
  }

  return {
    get: read,

    async put(targetId, key, value) {
      await scope.db
        .insertInto('connector_state')
        .values({ target_id: targetId, key, value })
        .onConflict((oc) =>
          oc
            .columns(['target_id', 'key'])
            .doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
        )
        .execute()
    },

    /** Two processes racing to create (say) a signing key both end up with the winner's value. */
    async putIfAbsent(targetId, key, value) {
      await scope.db
        .insertInto('connector_state')
        .values({ target_id: targetId, key, value })
        .onConflict((oc) => oc.columns(['target_id', 'key']).doNothing())
        .execute()
      const stored = await read(targetId, key)
      if (stored === null) throw new Error('connector state vanished after insert')
      return stored
    },

    async putManyIfAbsent(targetId, entries) {
      if (entries.length === 0) return
      await scope.atomic(async (db, direct) => {
        if (direct || scope.engine !== 'postgres') {
          const inner: Scope = { ...scope, db, direct }
          for (const [key, value] of entries) {
            await INSERT_IF_ABSENT.execute(inner, { target_id: targetId, key, value })
          }
          return
        }
        // On PostgreSQL a statement is a round trip: a few hundred rows per insert.
        for (let i = 0; i < entries.length; i += IN_LIST_CHUNK) {
          const chunk = entries.slice(i, i + IN_LIST_CHUNK)
          await db
            .insertInto('connector_state')
            .values(chunk.map(([key, value]) => ({ target_id: targetId, key, value })))
            .onConflict((oc) => oc.columns(['target_id', 'key']).doNothing())
            .execute()
        }
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
  }
}
