import { sql } from 'kysely'
import type { Grant, GrantState } from '../../domain/grant.js'
import type { GrantRepository } from '../store.js'
import { fromJson, fromMs, fromMsOrNull, toJson, toMs, toMsOrNull } from './codec.js'
import type { Scope } from './scope.js'
import type { GrantRow } from './database.js'
import { changedOneRow, PreparedStatement } from './prepared-statement.js'

// The statements of every request's path, compiled once (see prepared-statement.ts).
const INSERT = new PreparedStatement<GrantRow>((db, row) => db.insertInto('grants').values(row))
const GET = new PreparedStatement<{ id: string }>((db, a) =>
  db.selectFrom('grants').selectAll().where('id', '=', a.id),
)
const UPDATE = new PreparedStatement<GrantRow & { expected_version: number }>((db, a) => {
  const { id, expected_version, ...changes } = a
  return db
    .updateTable('grants')
    .set(changes)
    .where('id', '=', id)
    .where('version', '=', expected_version)
})

function toGrant(row: GrantRow): Grant {
  return {
    id: row.id,
    requestId: row.request_id,
    subjectId: row.subject_id,
    entitlementId: row.entitlement_id,
    targetId: row.target_id,
    connectorKind: row.connector_kind,
    breakGlass: row.break_glass === 1,
    state: row.state,
    targetName: row.target_name,
    startsAt: fromMs(row.starts_at),
    expiresAt: fromMs(row.expires_at),
    handle: row.handle === null ? null : (fromJson(row.handle) as Record<string, unknown>),
    credentialCiphertext: row.credential_ciphertext,
    credentialRetrievedAt: fromMsOrNull(row.credential_retrieved_at),
    issuedAt: fromMsOrNull(row.issued_at),
    issueAttempts: row.issue_attempts,
    revokeAttempts: row.revoke_attempts,
    nextAttemptAt: fromMsOrNull(row.next_attempt_at),
    lastError: row.last_error,
    revokeReason: row.revoke_reason,
    revokeDueAt: fromMsOrNull(row.revoke_due_at),
    revokedAt: fromMsOrNull(row.revoked_at),
    revocationLagMs: row.revocation_lag_ms,
    verification: row.verification,
    leaseOwner: row.lease_owner,
    leaseUntil: fromMsOrNull(row.lease_until),
    createdAt: fromMs(row.created_at),
    version: row.version,
  }
}

function toRow(grant: Grant, version: number): GrantRow {
  return {
    id: grant.id,
    request_id: grant.requestId,
    subject_id: grant.subjectId,
    entitlement_id: grant.entitlementId,
    target_id: grant.targetId,
    connector_kind: grant.connectorKind,
    break_glass: grant.breakGlass ? 1 : 0,
    state: grant.state,
    target_name: grant.targetName,
    starts_at: toMs(grant.startsAt),
    expires_at: toMs(grant.expiresAt),
    handle: grant.handle === null ? null : toJson(grant.handle),
    credential_ciphertext: grant.credentialCiphertext,
    credential_retrieved_at: toMsOrNull(grant.credentialRetrievedAt),
    issued_at: toMsOrNull(grant.issuedAt),
    issue_attempts: grant.issueAttempts,
    revoke_attempts: grant.revokeAttempts,
    next_attempt_at: toMsOrNull(grant.nextAttemptAt),
    last_error: grant.lastError,
    revoke_reason: grant.revokeReason,
    revoke_due_at: toMsOrNull(grant.revokeDueAt),
    revoked_at: toMsOrNull(grant.revokedAt),
    revocation_lag_ms: grant.revocationLagMs,
    verification: grant.verification,
    lease_owner: grant.leaseOwner,
    lease_until: toMsOrNull(grant.leaseUntil),
    created_at: toMs(grant.createdAt),
    version,
  }
}

/*
 * Due-work predicates. A missing lease or retry time means nobody holds the grant and nothing is
 * scheduled to wait for, so it is due now (the use cases read null the same way).
 */
export function grantRepository(scope: Scope): GrantRepository {
  return {
    async insert(grant) {
      await INSERT.execute(scope, toRow(grant, grant.version))
    },

    async get(id) {
      const { rows } = await GET.execute<GrantRow>(scope, { id })
      const row = rows[0]
      return row ? toGrant(row) : null
    },

    async list(filter) {
      if (filter.states?.length === 0) return []
      let query = scope.db
        .selectFrom('grants')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
      if (filter.subjectId !== undefined) query = query.where('subject_id', '=', filter.subjectId)
      if (filter.requestId !== undefined) query = query.where('request_id', '=', filter.requestId)
      if (filter.targetId !== undefined) query = query.where('target_id', '=', filter.targetId)
      if (filter.states !== undefined) query = query.where('state', 'in', [...filter.states])
      if (filter.limit !== undefined) query = query.limit(filter.limit)
      return (await query.execute()).map(toGrant)
    },

    async update(grant, expectedVersion) {
      const row = toRow(grant, expectedVersion + 1)
      return changedOneRow(await UPDATE.execute(scope, { ...row, expected_version: expectedVersion }))
    },

    async listIssuable(now, limit) {
      const t = toMs(now)
      const rows = await scope.db
        .selectFrom('grants')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([eb('state', '=', 'scheduled'), eb('starts_at', '<=', t)]),
            eb.and([
              eb('state', '=', 'issue_failed'),
              eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', t)]),
            ]),
            eb.and([
              eb('state', '=', 'issuing'),
              eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', t)]),
            ]),
          ]),
        )
        .orderBy('starts_at')
        .orderBy('id')
        .limit(limit)
        .execute()
      return rows.map(toGrant)
    },

    async listRevocable(now, limit) {
      const t = toMs(now)
      const rows = await scope.db
        .selectFrom('grants')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([eb('state', '=', 'active'), eb('expires_at', '<=', t)]),
            eb.and([
              eb('state', '=', 'revoking'),
              eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', t)]),
            ]),
            eb.and([
              eb('state', 'in', ['revoke_failed', 'irrevocable']),
              eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', t)]),
            ]),
          ]),
        )
        // Overdue since revocation became due: an early revocation's due time, else expiry.
        .orderBy(sql`coalesce(revoke_due_at, expires_at)`)
        .orderBy('id')
        .limit(limit)
        .execute()
      return rows.map(toGrant)
    },

    async listExpiringBefore(until, limit, after) {
      const rows = await scope.db
        .selectFrom('grants')
        .select(['id', 'expires_at'])
        .where('state', '=', 'active')
        .where('expires_at', '<', toMs(until))
        .$if(after !== undefined, (q) => {
          const t = toMs(after?.expiresAt ?? new Date(0))
          const id = after?.id ?? ''
          return q.where((eb) =>
            eb.or([
              eb('expires_at', '>', t),
              eb.and([eb('expires_at', '=', t), eb('id', '>', id)]),
            ]),
          )
        })
        .orderBy('expires_at')
        .orderBy('id')
        .limit(limit)
        .execute()
      return rows.map((row) => ({ id: row.id, expiresAt: fromMs(row.expires_at) }))
    },

    async listHeldByInactiveSubjects(states, limit) {
      if (states.length === 0) return []
      const rows = await scope.db
        .selectFrom('grants')
        .selectAll()
        .where('state', 'in', [...states])
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('identities')
              .select('identities.id')
              .whereRef('identities.id', '=', 'grants.subject_id')
              .where('identities.status', '!=', 'active'),
          ),
        )
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit)
        .execute()
      return rows.map(toGrant)
    },

    async countByState() {
      const rows = await scope.db
        .selectFrom('grants')
        .select((eb) => ['state', eb.fn.countAll<number | string>().as('n')])
        .groupBy('state')
        .execute()
      const counts: Partial<Record<GrantState, number>> = {}
      for (const row of rows) counts[row.state] = Number(row.n)
      return counts
    },

    async countActiveByConnector() {
      const rows = await scope.db
        .selectFrom('grants')
        .select((eb) => ['connector_kind', eb.fn.countAll<number | string>().as('n')])
        .where('state', '=', 'active')
        .groupBy('connector_kind')
        .execute()
      return Object.fromEntries(rows.map((row) => [row.connector_kind, Number(row.n)]))
    },

    async countOverdue(now) {
      const row = await scope.db
        .selectFrom('grants')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('state', 'in', ['active', 'revoking', 'revoke_failed'])
        .where(sql<number>`coalesce(revoke_due_at, expires_at)`, '<=', toMs(now))
        .executeTakeFirst()
      return Number(row?.n ?? 0)
    },
  }
}
