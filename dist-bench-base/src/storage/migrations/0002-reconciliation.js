import { sql } from 'kysely';
/** Findings of reconciliation, and per-target reconciliation settings. */
export const reconciliation = {
    async up(db) {
        await db.schema
            .alterTable('targets')
            .addColumn('reconcile', 'text', (c) => c.notNull().defaultTo('{"authoritative":false}'))
            .execute();
        await db.schema
            .createTable('findings')
            .addColumn('id', 'text', (c) => c.primaryKey())
            .addColumn('target_id', 'text', (c) => c.notNull())
            .addColumn('kind', 'text', (c) => c.notNull())
            .addColumn('key', 'text', (c) => c.notNull())
            .addColumn('principal', 'text', (c) => c.notNull())
            .addColumn('grant_id', 'text')
            .addColumn('details', 'text', (c) => c.notNull())
            .addColumn('state', 'text', (c) => c.notNull())
            .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
            .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
            .addColumn('resolved_at', 'bigint')
            .addColumn('resolution', 'text')
            .addColumn('accepted_by', 'text')
            .addColumn('accept_reason', 'text')
            .addColumn('accepted_until', 'bigint')
            .addColumn('version', 'integer', (c) => c.notNull())
            .execute();
        // One finding per piece of access: a reappearance reopens it rather than duplicating it.
        await db.schema
            .createIndex('findings_identity')
            .on('findings')
            .columns(['target_id', 'kind', 'key'])
            .unique()
            .execute();
        await db.schema.createIndex('findings_state').on('findings').columns(['state', 'target_id']).execute();
    },
    async down(db) {
        await db.schema.dropTable('findings').execute();
        await sql `alter table targets drop column reconcile`.execute(db);
    },
};
