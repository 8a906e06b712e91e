/**
 * SCIM provisioning records, one-time values (webhook delivery ids, workload token ids) and the
 * binding of exchanged grants to the jobs that asked for them.
 */
export const integrations = {
    async up(db) {
        await db.schema
            .createTable('scim_users')
            .addColumn('identity_id', 'text', (c) => c.primaryKey().references('identities.id'))
            .addColumn('user_name', 'text', (c) => c.notNull())
            .addColumn('user_name_key', 'text', (c) => c.notNull().unique())
            .addColumn('external_id', 'text')
            .addColumn('attributes', 'text', (c) => c.notNull())
            .addColumn('created_at', 'bigint', (c) => c.notNull())
            .addColumn('updated_at', 'bigint', (c) => c.notNull())
            .execute();
        await db.schema.createIndex('scim_users_external').on('scim_users').column('external_id').execute();
        await db.schema
            .createTable('scim_groups')
            .addColumn('id', 'text', (c) => c.primaryKey())
            .addColumn('group_name', 'text', (c) => c.notNull().unique())
            .addColumn('display_name', 'text', (c) => c.notNull())
            .addColumn('external_id', 'text')
            .addColumn('created_at', 'bigint', (c) => c.notNull())
            .addColumn('updated_at', 'bigint', (c) => c.notNull())
            .addColumn('version', 'integer', (c) => c.notNull())
            .execute();
        await db.schema.createIndex('scim_groups_external').on('scim_groups').column('external_id').execute();
        // One row per value per scope while it could still be replayed; expired rows are pruned.
        await db.schema
            .createTable('seen_nonces')
            .addColumn('scope', 'text', (c) => c.notNull())
            .addColumn('value', 'text', (c) => c.notNull())
            .addColumn('expires_at', 'bigint', (c) => c.notNull())
            .addPrimaryKeyConstraint('seen_nonces_pk', ['scope', 'value'])
            .execute();
        await db.schema.createIndex('seen_nonces_expiry').on('seen_nonces').column('expires_at').execute();
        await db.schema
            .createTable('workload_exchanges')
            .addColumn('grant_id', 'text', (c) => c.primaryKey().references('grants.id'))
            .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
            .addColumn('workload_id', 'text', (c) => c.notNull().references('identities.id'))
            .addColumn('issuer', 'text', (c) => c.notNull())
            .addColumn('subject', 'text', (c) => c.notNull())
            .addColumn('token_id', 'text', (c) => c.notNull())
            .addColumn('claims', 'text', (c) => c.notNull())
            .addColumn('completion_token_hash', 'text', (c) => c.notNull())
            .addColumn('created_at', 'bigint', (c) => c.notNull())
            .execute();
        await db.schema
            .createIndex('workload_exchanges_token')
            .on('workload_exchanges')
            .columns(['issuer', 'token_id'])
            .unique()
            .execute();
        // Ticket-closed revocation finds every request that names the ticket.
        await db.schema.createIndex('requests_ticket_ref').on('requests').column('ticket_ref').execute();
    },
    async down(db) {
        await db.schema.dropIndex('requests_ticket_ref').execute();
        await db.schema.dropTable('workload_exchanges').execute();
        await db.schema.dropTable('seen_nonces').execute();
        await db.schema.dropTable('scim_groups').execute();
        await db.schema.dropTable('scim_users').execute();
    },
};
