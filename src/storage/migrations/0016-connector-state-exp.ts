import { sql, type Kysely } from 'kysely'
import type { Engine } from '../kysely/database.js'
import type { EngineMigration } from './index.js'

/*
 * Connector state gets an expiry of its own, in clear beside the sealed value: `exp`, epoch
 * seconds from which an entry no longer matters (a jwt revocation record once its token's own
 * `exp` refuses the token everywhere). The prune step deletes entries some retention past it; null
 * (signing keys, audiences, a token revoked before it was issued) is kept for good.
 *
 * The partial index holds only the entries that expire, in the order the prune deletes them; its
 * predicate is implied by the prune's `exp is not null and exp < ?` on both engines.
 *
 * Backfill: an `expired:<n>` record of a jwt target is about tokens expiring at second n, which
 * its key says in clear. A `revoked:<jti>` record keeps null: the token's exp is only inside its
 * sealed value, which a migration cannot open (docs/connectors/jwt.md).
 */

const EXPIRY_PREFIX = 'expired:'

/** The key's number is all digits: never cast anything else (PostgreSQL would fail the migration). */
const NUMERIC_SUFFIX: Record<Engine, string> = {
  postgres: `substr(key, ${String(EXPIRY_PREFIX.length + 1)}) ~ '^[0-9]{1,15}$'`,
  sqlite: `length(key) between ${String(EXPIRY_PREFIX.length + 1)} and ${String(EXPIRY_PREFIX.length + 15)}
           and substr(key, ${String(EXPIRY_PREFIX.length + 1)}) not glob '*[^0-9]*'`,
}

export const connectorStateExp: EngineMigration = {
  async up(db: Kysely<unknown>, engine: Engine) {
    await db.schema.alterTable('connector_state').addColumn('exp', 'bigint').execute()
    await sql
      .raw(
        `update connector_state
            set exp = cast(substr(key, ${String(EXPIRY_PREFIX.length + 1)}) as bigint)
          where key like '${EXPIRY_PREFIX}%'
            and ${NUMERIC_SUFFIX[engine]}
            and target_id in (select id from targets where kind = 'jwt')`,
      )
      .execute(db)
    await sql
      .raw(
        'create index connector_state_exp on connector_state (target_id, exp) where exp is not null',
      )
      .execute(db)
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('connector_state_exp').execute()
    await db.schema.alterTable('connector_state').dropColumn('exp').execute()
  },
}
