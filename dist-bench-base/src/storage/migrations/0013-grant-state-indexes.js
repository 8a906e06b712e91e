import { sql } from 'kysely';
/**
 * The due-work indexes of 0001 led with `state`, so every state change rewrote an entry in all
 * four of them; in a revocation window that was most of the grant UPDATE's cost (benchmark 3).
 * Partial indexes hold only the grants in the state a due-work query asks for: `active` →
 * `revoked` now deletes one entry and inserts none, and a revoked grant (most rows, in time) sits
 * in none of them. The report's `revoked_at` / `revoke_due_at` indexes (0007) skip the NULLs, so
 * a revocation inserts into them instead of moving an entry. Both planners use a partial index
 * only when the query's predicate implies the index's: the grant repository writes these states
 * as literals, one state per branch, not bound parameters (grant-state-plan.test.ts holds the plans on both engines).
 * `state` still leads each index, redundant as it looks: SQLite's OR optimisation (listRevocable,
 * listIssuable) takes an index for an OR branch only through a constraint on its columns, and an
 * implied predicate is none.
 */
const PARTIAL = [
    ['grants_active_expires', 'state, expires_at, id', `state = 'active'`],
    ['grants_scheduled_starts', 'state, starts_at', `state = 'scheduled'`],
    ['grants_issuing_lease', 'state, lease_until', `state = 'issuing'`],
    ['grants_issue_failed_next', 'state, next_attempt_at', `state = 'issue_failed'`],
    ['grants_revoking_lease', 'state, lease_until', `state = 'revoking'`],
    ['grants_revoke_failed_next', 'state, next_attempt_at', `state = 'revoke_failed'`],
    ['grants_irrevocable_next', 'state, next_attempt_at', `state = 'irrevocable'`],
    ['grants_revoked', 'revoked_at', 'revoked_at is not null'],
    ['grants_revoke_due', 'revoke_due_at', 'revoke_due_at is not null'],
];
/** Replaced by the above: 0001's `(state, …)` indexes and 0007's full ones of the same names. */
const REPLACED = [
    ['grants_state_starts', 'state, starts_at'],
    ['grants_state_expires', 'state, expires_at'],
    ['grants_state_next_attempt', 'state, next_attempt_at'],
    ['grants_state_lease', 'state, lease_until'],
    ['grants_revoked', 'revoked_at'],
    ['grants_revoke_due', 'revoke_due_at'],
];
export const grantStateIndexes = {
    async up(db) {
        for (const [name] of REPLACED)
            await db.schema.dropIndex(name).execute();
        for (const [name, columns, where] of PARTIAL) {
            await sql.raw(`create index ${name} on grants (${columns}) where ${where}`).execute(db);
        }
    },
    async down(db) {
        for (const [name] of PARTIAL)
            await db.schema.dropIndex(name).execute();
        for (const [name, columns] of REPLACED) {
            await sql.raw(`create index ${name} on grants (${columns})`).execute(db);
        }
    },
};
