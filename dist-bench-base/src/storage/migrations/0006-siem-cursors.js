/**
 * One row per SIEM sink: the last acknowledged audit sequence and the lease of the process
 * streaming it (docs/siem.md). Rows are never deleted when a sink leaves the config, so a sink
 * that comes back resumes where it stopped.
 */
export const siemCursors = {
    async up(db) {
        await db.schema
            .createTable('siem_cursors')
            .addColumn('sink', 'text', (c) => c.primaryKey())
            .addColumn('acked_seq', 'bigint', (c) => c.notNull())
            .addColumn('lease_owner', 'text')
            .addColumn('lease_until', 'bigint')
            .addColumn('failures', 'integer', (c) => c.notNull())
            .addColumn('next_attempt_at', 'bigint')
            .addColumn('last_error', 'text')
            .addColumn('last_error_at', 'bigint')
            .addColumn('last_success_at', 'bigint')
            .addColumn('version', 'integer', (c) => c.notNull())
            .execute();
    },
    async down(db) {
        await db.schema.dropTable('siem_cursors').execute();
    },
};
