import { sql, type Kysely } from 'kysely'
import { shareBucketSql } from '../../domain/share-bucket.js'
import type { Engine } from '../kysely/database.js'
import type { EngineMigration } from './index.js'

/**
 * Each grant stores its share bucket (`src/domain/share-bucket.ts`), so a lifecycle node's heap
 * fill asks for its own buckets in SQL instead of reading every expiry and dropping the other
 * nodes' in JavaScript. Existing rows are backfilled by one statement that computes the same
 * function in SQL (a test checks it against the JavaScript on both engines).
 *
 * The index serves the fill: active grants in expiry order, the bucket in the index so the
 * `share_bucket in (…)` filter is decided on index entries, without reading the other nodes' rows
 * and without a sort (an index led by the bucket would return each bucket in order and need a
 * sort of the whole share on every page). Partial on `active`: revoked grants, the bulk of the
 * table, are in it only until their revocation commits. On PostgreSQL it also serves every other
 * `state = 'active'` expiry predicate (listRevocable's, as one arm of a bitmap OR), so
 * `grants_state_expires` goes there: one index fewer for each grant update to rewrite, and the
 * planner no longer picks it and filters the share on heap rows (migration 0013 may have
 * dropped it already). SQLite keeps it: without statistics its planner prefers any index with
 * an equality on `state` over a partial index's range, so the fill and listRevocable would read
 * every active grant through `grants_state_lease` and sort them.
 */
export const grantShareBuckets: EngineMigration = {
  async up(db: Kysely<unknown>, engine: Engine) {
    await db.schema
      .alterTable('grants')
      .addColumn('share_bucket', 'integer', (c) => c.notNull().defaultTo(0))
      .execute()
    await sql.raw(`update grants set share_bucket = ${shareBucketSql(engine, 'id')}`).execute(db)
    // Every insert writes the bucket; without a default, one that forgot would fail loudly on
    // PostgreSQL (SQLite cannot drop a column default).
    if (engine === 'postgres') await sql`alter table grants alter column share_bucket drop default`.execute(db)
    await sql`create index grants_active_expiry_bucket on grants (expires_at, id, share_bucket) where state = 'active'`.execute(db)
    if (engine === 'postgres') await sql`drop index if exists grants_state_expires`.execute(db)
  },
  async down(db: Kysely<unknown>, engine: Engine) {
    if (engine === 'postgres') await sql`create index if not exists grants_state_expires on grants (state, expires_at)`.execute(db)
    await db.schema.dropIndex('grants_active_expiry_bucket').execute()
    await db.schema.alterTable('grants').dropColumn('share_bucket').execute()
  },
}
