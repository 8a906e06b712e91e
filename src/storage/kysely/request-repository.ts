import { sql } from 'kysely'
import type { AccessRequest } from '../../domain/access-request.js'
import type { Obligations } from '../../domain/obligations.js'
import type { RequestRepository } from '../store.js'
import { changedOne, fromJson, fromMs, fromMsOrNull, toJson, toMs, toMsOrNull } from './codec.js'
import type { Scope } from './scope.js'
import type { RequestRow } from './database.js'
import { PreparedStatement } from './prepared-statement.js'

// Every submission writes one and every issuance reads it (see prepared-statement.ts).
const INSERT = new PreparedStatement<RequestRow>((db, row) => db.insertInto('requests').values(row))
const INSERT_REVIEWER = new PreparedStatement<{ request_id: string; reviewer_id: string }>((db, row) =>
  db.insertInto('request_reviewers').values(row),
)
/**
 * PostgreSQL: the request and its reviewers in one statement, one round trip fewer on every
 * submission (the reviewers' foreign key is checked at the statement's end, the request in place).
 */
const INSERT_WITH_REVIEWERS = new PreparedStatement<RequestRow & { reviewers: string[] }>((db, a) => {
  const { reviewers, ...row } = a
  return db
    .with('r', (w) => w.insertInto('requests').values(row).returning('id'))
    .insertInto('request_reviewers')
    .columns(['request_id', 'reviewer_id'])
    .expression((eb) =>
      eb.selectFrom('r').select(['r.id as request_id', sql<string>`unnest(${reviewers}::text[])`.as('reviewer_id')]),
    )
})
const GET = new PreparedStatement<{ id: string }>((db, a) =>
  db.selectFrom('requests').selectAll().where('id', '=', a.id),
)
/**
 * The cool-down lookup every submission makes (cooldown.ts): `list` with exactly these filters,
 * compiled once. The same SQL `list` builds for them, so the plan test holds for both.
 */
const RECENT_IN_STATE = new PreparedStatement<{
  requester_id: string
  state: RequestRow['state']
  entitlement_id: string
  limit: number
}>((db, a) =>
  db
    .selectFrom('requests')
    .selectAll()
    .orderBy('submitted_at', 'desc')
    .orderBy('id', 'desc')
    .where('requester_id', '=', a.requester_id)
    .where('state', 'in', [a.state])
    .where('entitlement_id', '=', a.entitlement_id)
    .limit(a.limit),
)

function toRequest(row: RequestRow): AccessRequest {
  return {
    id: row.id,
    requesterId: row.requester_id,
    subjectId: row.subject_id,
    entitlementId: row.entitlement_id,
    justification: row.justification,
    ticketRef: row.ticket_ref,
    durationSeconds: row.duration_seconds,
    revocationCondition: row.revocation_condition,
    submittedAt: fromMs(row.submitted_at),
    breakGlass: row.break_glass === 1,
    incidentRef: row.incident_ref,
    extendsGrantId: row.extends_grant_id,
    state: row.state,
    digest: row.digest,
    obligations: fromJson(row.obligations) as Obligations,
    eligibleReviewers: fromJson(row.eligible_reviewers) as string[],
    policyHash: row.policy_hash,
    reviewDeadline: fromMs(row.review_deadline),
    decidedAt: fromMsOrNull(row.decided_at),
    decisionReason: row.decision_reason,
    version: row.version,
  }
}

function toRow(request: AccessRequest): RequestRow {
  return {
    id: request.id,
    requester_id: request.requesterId,
    subject_id: request.subjectId,
    entitlement_id: request.entitlementId,
    justification: request.justification,
    ticket_ref: request.ticketRef,
    duration_seconds: request.durationSeconds,
    revocation_condition: request.revocationCondition,
    submitted_at: toMs(request.submittedAt),
    break_glass: request.breakGlass ? 1 : 0,
    incident_ref: request.incidentRef,
    extends_grant_id: request.extendsGrantId,
    state: request.state,
    digest: request.digest,
    obligations: toJson(request.obligations),
    eligible_reviewers: toJson(request.eligibleReviewers),
    policy_hash: request.policyHash,
    review_deadline: toMs(request.reviewDeadline),
    decided_at: toMsOrNull(request.decidedAt),
    decision_reason: request.decisionReason,
    version: request.version,
  }
}

export function requestRepository(scope: Scope): RequestRepository {
  return {
    async insert(request) {
      // An indexed, exact copy of the snapshot: 'bob' never matches 'bobby'.
      const reviewers = [...new Set(request.eligibleReviewers)]
      if (scope.engine === 'postgres') {
        await INSERT_WITH_REVIEWERS.execute(scope, { ...toRow(request), reviewers })
        return
      }
      await scope.atomic(async (db) => {
        const inner: Scope = { ...scope, db }
        await INSERT.execute(inner, toRow(request))
        if (reviewers.length === 0) return
        const [only] = reviewers
        if (reviewers.length === 1 && only !== undefined) {
          await INSERT_REVIEWER.execute(inner, { request_id: request.id, reviewer_id: only })
          return
        }
        await db
          .insertInto('request_reviewers')
          .values(reviewers.map((reviewer_id) => ({ request_id: request.id, reviewer_id })))
          .execute()
      })
    },

    async get(id) {
      const { rows } = await GET.execute<RequestRow>(scope, { id })
      const row = rows[0]
      return row ? toRequest(row) : null
    },

    async list(filter) {
      if (filter.states?.length === 0) return []
      const { requesterId, entitlementId, states, limit } = filter
      const [state] = states ?? []
      if (
        requesterId !== undefined &&
        entitlementId !== undefined &&
        state !== undefined &&
        states?.length === 1 &&
        limit !== undefined &&
        filter.subjectId === undefined &&
        filter.reviewerId === undefined &&
        filter.ticketRef === undefined
      ) {
        const args = { requester_id: requesterId, state, entitlement_id: entitlementId, limit }
        return (await RECENT_IN_STATE.execute<RequestRow>(scope, args)).rows.map(toRequest)
      }
      let query = scope.db
        .selectFrom('requests')
        .selectAll()
        .orderBy('submitted_at', 'desc')
        .orderBy('id', 'desc')
      if (filter.requesterId !== undefined) {
        query = query.where('requester_id', '=', filter.requesterId)
      }
      if (filter.subjectId !== undefined) query = query.where('subject_id', '=', filter.subjectId)
      if (filter.states !== undefined) query = query.where('state', 'in', [...filter.states])
      if (filter.entitlementId !== undefined) {
        query = query.where('entitlement_id', '=', filter.entitlementId)
      }
      if (filter.ticketRef !== undefined) query = query.where('ticket_ref', '=', filter.ticketRef)
      const reviewerId = filter.reviewerId
      if (reviewerId !== undefined) {
        query = query.where((eb) =>
          eb.exists(
            eb
              .selectFrom('request_reviewers')
              .select('request_reviewers.request_id')
              .whereRef('request_reviewers.request_id', '=', 'requests.id')
              .where('request_reviewers.reviewer_id', '=', reviewerId),
          ),
        )
      }
      if (filter.limit !== undefined) query = query.limit(filter.limit)
      return (await query.execute()).map(toRequest)
    },

    /**
     * Only the decision moves: the submitted fields, digest, obligations, reviewer snapshot and
     * policy hash are fixed at submission (reviews are bound to them), so they are never rewritten.
     */
    async update(request, expectedVersion) {
      const result = await scope.db
        .updateTable('requests')
        .set({
          state: request.state,
          decided_at: toMsOrNull(request.decidedAt),
          decision_reason: request.decisionReason,
          version: expectedVersion + 1,
        })
        .where('id', '=', request.id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst()
      return changedOne(result)
    },

    async listLapsable(now, limit) {
      const rows = await scope.db
        .selectFrom('requests')
        .selectAll()
        .where('state', '=', 'pending')
        .where('review_deadline', '<=', toMs(now))
        .orderBy('review_deadline')
        .orderBy('id')
        .limit(limit)
        .execute()
      return rows.map(toRequest)
    },
  }
}
