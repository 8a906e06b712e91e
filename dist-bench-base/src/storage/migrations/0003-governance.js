import { sql } from 'kysely';
/**
 * Governance: break-glass marks and post-use reviews, extension links, exceptions and their
 * uses. Instants are bigint epoch milliseconds and flags 0/1 integers, as in 0001.
 */
export const governance = {
    async up(db) {
        await db.schema
            .alterTable('requests')
            .addColumn('break_glass', 'integer', (c) => c.notNull().defaultTo(0))
            .execute();
        await db.schema.alterTable('requests').addColumn('incident_ref', 'text').execute();
        await db.schema.alterTable('requests').addColumn('extends_grant_id', 'text').execute();
        await db.schema
            .alterTable('grants')
            .addColumn('break_glass', 'integer', (c) => c.notNull().defaultTo(0))
            .execute();
        // A closed ticket revokes every grant whose request names it.
        await db.schema.createIndex('requests_ticket').on('requests').column('ticket_ref').execute();
        // No foreign keys, as for audit: the review is evidence and must outlive what it describes.
        await db.schema
            .createTable('breakglass_reviews')
            .addColumn('request_id', 'text', (c) => c.primaryKey())
            .addColumn('grant_id', 'text', (c) => c.notNull())
            .addColumn('user_id', 'text', (c) => c.notNull())
            .addColumn('entitlement_id', 'text', (c) => c.notNull())
            .addColumn('incident_ref', 'text', (c) => c.notNull())
            .addColumn('used_at', 'bigint', (c) => c.notNull())
            .addColumn('due_at', 'bigint', (c) => c.notNull())
            .addColumn('escalated_at', 'bigint')
            .addColumn('reviewer_id', 'text')
            .addColumn('verdict', 'text')
            .addColumn('comment', 'text')
            .addColumn('reviewed_at', 'bigint')
            .addColumn('version', 'integer', (c) => c.notNull())
            .execute();
        await db.schema
            .createIndex('breakglass_reviews_user')
            .on('breakglass_reviews')
            .columns(['user_id', 'used_at'])
            .execute();
        await db.schema
            .createIndex('breakglass_reviews_due')
            .on('breakglass_reviews')
            .columns(['reviewed_at', 'due_at'])
            .execute();
        await db.schema
            .createTable('exceptions')
            .addColumn('id', 'text', (c) => c.primaryKey())
            .addColumn('identity_id', 'text')
            .addColumn('entitlement_id', 'text')
            .addColumn('policy_id', 'text')
            .addColumn('reason', 'text', (c) => c.notNull())
            .addColumn('approver_id', 'text', (c) => c.notNull())
            .addColumn('created_at', 'bigint', (c) => c.notNull())
            .addColumn('expires_at', 'bigint', (c) => c.notNull())
            .addColumn('renewed_from', 'text')
            .addColumn('renewals', 'integer', (c) => c.notNull())
            .addColumn('uses', 'integer', (c) => c.notNull())
            .addColumn('revoked_at', 'bigint')
            .addColumn('revoked_by', 'text')
            .addColumn('end_reason', 'text')
            .addColumn('version', 'integer', (c) => c.notNull())
            .execute();
        await db.schema
            .createIndex('exceptions_live')
            .on('exceptions')
            .columns(['revoked_at', 'expires_at'])
            .execute();
        await db.schema
            .createTable('exception_uses')
            .addColumn('id', 'text', (c) => c.primaryKey())
            .addColumn('exception_id', 'text', (c) => c.notNull())
            .addColumn('request_id', 'text', (c) => c.notNull())
            .addColumn('grant_id', 'text')
            .addColumn('action', 'text', (c) => c.notNull())
            .addColumn('at', 'bigint', (c) => c.notNull())
            .execute();
        await db.schema
            .createIndex('exception_uses_exception')
            .on('exception_uses')
            .columns(['exception_id', 'at'])
            .execute();
    },
    async down(db) {
        await db.schema.dropTable('exception_uses').execute();
        await db.schema.dropTable('exceptions').execute();
        await db.schema.dropTable('breakglass_reviews').execute();
        await db.schema.dropIndex('requests_ticket').execute();
        await sql `alter table grants drop column break_glass`.execute(db);
        await sql `alter table requests drop column extends_grant_id`.execute(db);
        await sql `alter table requests drop column incident_ref`.execute(db);
        await sql `alter table requests drop column break_glass`.execute(db);
    },
};
