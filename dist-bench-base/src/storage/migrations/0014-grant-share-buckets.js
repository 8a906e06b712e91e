import { sql } from 'kysely';
import { shareBucketSql } from '../../domain/share-bucket.js';
/**
 * Each grant stores its share bucket (`src/domain/share-bucket.ts`), so a lifecycle node's heap
 * fill asks for its own buckets in SQL instead of reading every expiry and dropping the other
 * nodes' in JavaScript. Existing rows are backfilled by one statement that computes the same
 * function in SQL (a test checks it against the JavaScript on both engines).
 *
 * The fill's index is 0013's `grants_active_expires` with the bucket added as its last column:
 * active grants in expiry order, the bucket in the index so the `share_bucket in (…)` filter is
 * decided on index entries, without reading the other nodes' rows and without a sort (an index
 * led by the bucket would return each bucket in order and need a sort of the whole share on every
 * page). Replacing it rather than adding a second partial index on active grants keeps one entry
 * per active grant to delete at its revocation, and leaves the planners one choice.
 */
export const grantShareBuckets = {
    async up(db, engine) {
        await db.schema
            .alterTable('grants')
            .addColumn('share_bucket', 'integer', (c) => c.notNull().defaultTo(0))
            .execute();
        await sql.raw(`update grants set share_bucket = ${shareBucketSql(engine, 'id')}`).execute(db);
        // Every insert writes the bucket; without a default, one that forgot would fail loudly on
        // PostgreSQL (SQLite cannot drop a column default).
        if (engine === 'postgres')
            await sql `alter table grants alter column share_bucket drop default`.execute(db);
        await sql `drop index grants_active_expires`.execute(db);
        await sql `create index grants_active_expires on grants (state, expires_at, id, share_bucket) where state = 'active'`.execute(db);
    },
    async down(db) {
        await sql `drop index grants_active_expires`.execute(db);
        await sql `create index grants_active_expires on grants (state, expires_at, id) where state = 'active'`.execute(db);
        await db.schema.alterTable('grants').dropColumn('share_bucket').execute();
    },
};
