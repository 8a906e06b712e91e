import type { ConnectorStateRepository } from '../store.js'
import type { Scope } from './scope.js'

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
  }
}
