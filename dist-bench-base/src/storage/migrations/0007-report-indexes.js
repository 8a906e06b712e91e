/**
 * Indexes for the governance report's period queries (docs/reports.md), so a 30-day report reads
 * the rows of its window instead of scanning every grant, review and audit event ever written.
 */
const INDEXES = [
    ['audit_events_type_at', 'audit_events', ['type', 'at']],
    ['grants_issued', 'grants', ['issued_at']],
    ['grants_revoked', 'grants', ['revoked_at']],
    ['grants_expires', 'grants', ['expires_at']],
    ['grants_revoke_due', 'grants', ['revoke_due_at']],
    ['reviews_created', 'reviews', ['created_at']],
    ['breakglass_reviews_used', 'breakglass_reviews', ['used_at']],
];
export const reportIndexes = {
    async up(db) {
        for (const [name, table, columns] of INDEXES) {
            await db.schema.createIndex(name).on(table).columns(columns).execute();
        }
    },
    async down(db) {
        for (const [name] of INDEXES)
            await db.schema.dropIndex(name).execute();
    },
};
