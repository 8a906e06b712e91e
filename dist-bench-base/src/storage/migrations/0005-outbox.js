/** The notification outbox: rows written with the change that causes them, sent after commit. */
export const outbox = {
    async up(db) {
        await db.schema
            .createTable('outbox')
            .addColumn('id', 'text', (c) => c.primaryKey())
            .addColumn('kind', 'text', (c) => c.notNull())
            .addColumn('channel', 'text', (c) => c.notNull())
            .addColumn('recipient', 'text', (c) => c.notNull())
            .addColumn('payload', 'text', (c) => c.notNull())
            .addColumn('state', 'text', (c) => c.notNull())
            .addColumn('created_at', 'bigint', (c) => c.notNull())
            .addColumn('attempts', 'integer', (c) => c.notNull())
            .addColumn('next_attempt_at', 'bigint')
            .addColumn('delivered_at', 'bigint')
            .addColumn('last_error', 'text')
            .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
            .addColumn('version', 'integer', (c) => c.notNull())
            .execute();
        // The dispatchers' query: pending messages by due time.
        await db.schema
            .createIndex('outbox_due')
            .on('outbox')
            .columns(['state', 'next_attempt_at'])
            .execute();
        await db.schema
            .createIndex('outbox_created')
            .on('outbox')
            .columns(['created_at', 'id'])
            .execute();
    },
    async down(db) {
        await db.schema.dropTable('outbox').execute();
    },
};
