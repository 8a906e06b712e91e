import { sql } from 'kysely';
import { GENESIS_HASH } from '../../domain/audit-event.js';
import { createAuditGuards, dropAuditGuards } from './audit-guards.js';
/* Instants are bigint epoch milliseconds; JSON is text. Both work unchanged on both engines. */
async function identities(db) {
    await db.schema
        .createTable('identities')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('groups', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.references('identities.id'))
        .addColumn('purpose', 'text')
        .addColumn('oidc_issuer', 'text')
        .addColumn('oidc_subject', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
    await db.schema
        .createIndex('identities_oidc_unique')
        .on('identities')
        .columns(['oidc_issuer', 'oidc_subject'])
        .unique()
        .execute();
    await db.schema.createIndex('identities_owner').on('identities').column('owner_id').execute();
    await db.schema
        .createTable('identity_groups')
        .addColumn('identity_id', 'text', (c) => c.notNull().references('identities.id'))
        .addColumn('group_name', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('identity_groups_pk', ['identity_id', 'group_name'])
        .execute();
    await db.schema
        .createIndex('identity_groups_group')
        .on('identity_groups')
        .columns(['group_name', 'identity_id'])
        .execute();
}
async function catalog(db) {
    await db.schema
        .createTable('targets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    await db.schema
        .createTable('entitlements')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text', (c) => c.notNull().references('targets.id'))
        .addColumn('risk_tier', 'text', (c) => c.notNull())
        .addColumn('owners', 'text', (c) => c.notNull())
        .addColumn('default_duration_seconds', 'integer', (c) => c.notNull())
        .addColumn('max_duration_seconds', 'integer', (c) => c.notNull())
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('subject_kinds', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    await db.schema
        .createIndex('entitlements_target')
        .on('entitlements')
        .column('target_id')
        .execute();
}
async function requests(db) {
    await db.schema
        .createTable('requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('requester_id', 'text', (c) => c.notNull().references('identities.id'))
        .addColumn('subject_id', 'text', (c) => c.notNull().references('identities.id'))
        .addColumn('entitlement_id', 'text', (c) => c.notNull().references('entitlements.id'))
        .addColumn('justification', 'text', (c) => c.notNull())
        .addColumn('ticket_ref', 'text')
        .addColumn('duration_seconds', 'integer', (c) => c.notNull())
        .addColumn('revocation_condition', 'text', (c) => c.notNull())
        .addColumn('submitted_at', 'bigint', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('obligations', 'text', (c) => c.notNull())
        .addColumn('eligible_reviewers', 'text', (c) => c.notNull())
        .addColumn('policy_hash', 'text', (c) => c.notNull())
        .addColumn('review_deadline', 'bigint', (c) => c.notNull())
        .addColumn('decided_at', 'bigint')
        .addColumn('decision_reason', 'text')
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
    await db.schema.createIndex('requests_requester').on('requests').column('requester_id').execute();
    await db.schema.createIndex('requests_subject').on('requests').column('subject_id').execute();
    await db.schema
        .createIndex('requests_state_deadline')
        .on('requests')
        .columns(['state', 'review_deadline'])
        .execute();
    await db.schema
        .createIndex('requests_submitted')
        .on('requests')
        .columns(['submitted_at', 'id'])
        .execute();
    // No foreign key on reviewer_id: the snapshot is a historical record of who was named.
    await db.schema
        .createTable('request_reviewers')
        .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
        .addColumn('reviewer_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('request_reviewers_pk', ['request_id', 'reviewer_id'])
        .execute();
    await db.schema
        .createIndex('request_reviewers_reviewer')
        .on('request_reviewers')
        .columns(['reviewer_id', 'request_id'])
        .execute();
    await db.schema
        .createTable('reviews')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
        .addColumn('reviewer_id', 'text', (c) => c.notNull().references('identities.id'))
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('comment', 'text', (c) => c.notNull())
        .addColumn('request_digest', 'text', (c) => c.notNull())
        .addColumn('reviewer_is_owner', 'integer', (c) => c.notNull())
        .addColumn('reviewer_groups', 'text', (c) => c.notNull())
        .addColumn('policy_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('reviews_request_reviewer_unique', ['request_id', 'reviewer_id'])
        .execute();
}
async function grants(db) {
    await db.schema
        .createTable('grants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
        .addColumn('subject_id', 'text', (c) => c.notNull().references('identities.id'))
        .addColumn('entitlement_id', 'text', (c) => c.notNull().references('entitlements.id'))
        .addColumn('target_id', 'text', (c) => c.notNull().references('targets.id'))
        .addColumn('connector_kind', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('target_name', 'text', (c) => c.notNull())
        .addColumn('starts_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('handle', 'text')
        .addColumn('credential_ciphertext', 'text')
        .addColumn('credential_retrieved_at', 'bigint')
        .addColumn('issued_at', 'bigint')
        .addColumn('issue_attempts', 'integer', (c) => c.notNull())
        .addColumn('revoke_attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('revoke_reason', 'text')
        .addColumn('revoke_due_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .addColumn('revocation_lag_ms', 'bigint')
        .addColumn('verification', 'text')
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
    // One index per due-work predicate (listIssuable, listRevocable, listExpiringBefore).
    const indexes = [
        ['grants_state_starts', ['state', 'starts_at']],
        ['grants_state_expires', ['state', 'expires_at']],
        ['grants_state_next_attempt', ['state', 'next_attempt_at']],
        ['grants_state_lease', ['state', 'lease_until']],
        ['grants_subject', ['subject_id', 'created_at']],
        ['grants_request', ['request_id']],
    ];
    for (const [name, columns] of indexes) {
        await db.schema.createIndex(name).on('grants').columns(columns).execute();
    }
}
async function tokensAndState(db) {
    await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('identity_id', 'text', (c) => c.notNull().references('identities.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
    await db.schema
        .createIndex('api_tokens_identity')
        .on('api_tokens')
        .column('identity_id')
        .execute();
    // No foreign key to targets: connectors may keep state before the catalog names a target.
    await db.schema
        .createTable('connector_state')
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('connector_state_pk', ['target_id', 'key'])
        .execute();
}
/** No foreign keys: the evidence must outlive, and never be blocked by, what it describes. */
async function audit(db) {
    await db.schema
        .createTable('audit_events')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text')
        .addColumn('grant_id', 'text')
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
    await db.schema
        .createIndex('audit_events_request')
        .on('audit_events')
        .columns(['request_id', 'seq'])
        .execute();
    await db.schema
        .createIndex('audit_events_grant')
        .on('audit_events')
        .columns(['grant_id', 'seq'])
        .execute();
    await db.schema
        .createTable('audit_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addCheckConstraint('audit_head_single_row', sql `id = 1`)
        .execute();
    await sql `insert into audit_head (id, seq, hash) values (1, 0, ${GENESIS_HASH})`.execute(db);
    await db.schema
        .createTable('audit_checkpoints')
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_checkpoints_pk', ['seq', 'key_id'])
        .execute();
}
const TABLES_IN_DROP_ORDER = [
    'audit_checkpoints',
    'audit_head',
    'audit_events',
    'connector_state',
    'api_tokens',
    'grants',
    'reviews',
    'request_reviewers',
    'requests',
    'entitlements',
    'targets',
    'identity_groups',
    'identities',
];
export const init = {
    async up(db, engine) {
        await identities(db);
        await catalog(db);
        await requests(db);
        await grants(db);
        await tokensAndState(db);
        await audit(db);
        await createAuditGuards(db, engine);
    },
    async down(db, engine) {
        for (const table of TABLES_IN_DROP_ORDER)
            await db.schema.dropTable(table).execute();
        await dropAuditGuards(db, engine);
    },
};
