import { CompiledQuery, sql, type ExpressionBuilder } from 'kysely'
import { GRANT_STATES, type Grant, type GrantState } from '../../domain/grant.js'
import type { GrantPatch, GrantRepository } from '../store.js'
import { fromJson, fromMs, fromMsOrNull, toJson, toMs, toMsOrNull } from './codec.js'
import type { Scope } from './scope.js'
import type { Database, GrantRow } from './database.js'
import { changedOneRow, PreparedStatement } from './prepared-statement.js'
import type { PgColumnType } from './multi-row-insert.js'
import { nameStatement } from './pg-statement-names.js'
import { shareBucketOf } from '../../domain/share-bucket.js'

// The statements of every request's path, compiled once (see prepared-statement.ts).
const INSERT = new PreparedStatement<GrantRow>((db, row) => db.insertInto('grants').values(row))
const GET = new PreparedStatement<{ id: string }>((db, a) =>
  db.selectFrom('grants').selectAll().where('id', '=', a.id),
)
const UPDATE = new PreparedStatement<UpdatableRow & { expected_version: number }>((db, a) => {
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

/** A grant's columns but its share bucket: the id's, written once at insert. */
type UpdatableRow = Omit<GrantRow, 'share_bucket'>

export function toRow(grant: Grant, version: number): UpdatableRow {
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

/**
 * One field of a grant as its column holds it: toRow's conversion for that column alone. A
 * revocation batch patches about ten fields of each grant; converting all of them (the handle
 * re-serialised among them) cost more than the fields it writes.
 */
export function columnValue(grant: Grant, field: keyof Grant): unknown {
  const value = grant[field]
  if (value instanceof Date) return value.getTime()
  if (typeof value === 'boolean') return value ? 1 : 0
  if (field === 'handle') return value === null ? null : toJson(value)
  return value
}

/** Ids per `in (…)` list: far below both engines' parameter limits. */
const IN_LIST_CHUNK = 500

/** Fields a patch may name, as columns; a name outside the table never reaches SQL text. */
const PATCHABLE: ReadonlySet<string> = new Set<keyof GrantRow>([
  'request_id', 'subject_id', 'entitlement_id', 'target_id', 'connector_kind', 'break_glass',
  'state', 'target_name', 'starts_at', 'expires_at', 'handle', 'credential_ciphertext',
  'credential_retrieved_at', 'issued_at', 'issue_attempts', 'revoke_attempts', 'next_attempt_at',
  'last_error', 'revoke_reason', 'revoke_due_at', 'revoked_at', 'revocation_lag_ms',
  'verification', 'lease_owner', 'lease_until', 'created_at',
])

/** PostgreSQL types of the patchable columns, for the typed VALUES list of a multi-row patch. */
const PG_TYPE: Readonly<Partial<Record<keyof GrantRow, PgColumnType>>> = {
  break_glass: 'integer',
  starts_at: 'bigint',
  expires_at: 'bigint',
  credential_retrieved_at: 'bigint',
  issued_at: 'bigint',
  issue_attempts: 'integer',
  revoke_attempts: 'integer',
  next_attempt_at: 'bigint',
  revoke_due_at: 'bigint',
  revoked_at: 'bigint',
  revocation_lag_ms: 'bigint',
  lease_until: 'bigint',
  created_at: 'bigint',
}

/**
 * On PostgreSQL each statement is a round trip, so patches of the same shape go as one
 * `update … from unnest(…)`, one array per column; `returning` tells which rows matched their
 * version. A `values` list of a few hundred tuples cost the server more to parse and plan than
 * the arrays do, and the driver a parameter per field.
 */
async function patchManyOnPostgres(scope: Scope, patches: readonly GrantPatch[]): Promise<boolean[]> {
  const changed = new Set<string>()
  const byShape = new Map<string, GrantPatch[]>()
  for (const patch of patches) {
    const shape = patch.fields.map(columnOf).join(',')
    const group = byShape.get(shape)
    if (group) group.push(patch)
    else byShape.set(shape, [patch])
  }
  for (const [shape, group] of byShape) {
    // Every patch of a group names the same fields in the same order.
    const fields = group[0]?.fields ?? []
    const result = await scope.db.executeQuery<{ id: string }>(
      CompiledQuery.raw(patchText(shape), [
        group.map((p) => p.grant.id),
        group.map((p) => p.expectedVersion),
        ...fields.map((_, k) => group.map((p) => columnValue(p.grant, p.fields[k] as keyof Grant))),
      ]),
    )
    for (const row of result.rows) changed.add(row.id)
  }
  // The caller passes each grant once, so the id says which patch matched.
  return patches.map((p) => changed.has(p.grant.id))
}

const patchTexts = new Map<string, string>()

/** The UPDATE for patches writing `shape` (their columns, comma-separated), in that order. */
function patchText(shape: string): string {
  let text = patchTexts.get(shape)
  if (text !== undefined) return text
  const columns = shape === '' ? [] : (shape.split(',') as Array<keyof UpdatableRow>)
  const arrays = ['$1::text[]', '$2::integer[]', ...columns.map((c, k) => `$${String(k + 3)}::${PG_TYPE[c] ?? 'text'}[]`)]
  const set = ['version = v.expected_version + 1', ...columns.map((c) => `${c} = v.${c}`)].join(', ')
  text =
    `update grants as g set ${set} from unnest(${arrays.join(', ')}) as v(id, expected_version${columns.map((c) => `, ${c}`).join('')}) ` +
    `where g.id = v.id and g.version = v.expected_version returning g.id`
  patchTexts.set(shape, text)
  nameStatement(text)
  return text
}

/** Every column of grants, in the order `getMany` selects them on SQLite's direct path. */
const GRANT_COLUMNS = [
  'id', 'request_id', 'subject_id', 'entitlement_id', 'target_id', 'connector_kind', 'break_glass',
  'state', 'target_name', 'starts_at', 'expires_at', 'handle', 'credential_ciphertext',
  'credential_retrieved_at', 'issued_at', 'issue_attempts', 'revoke_attempts', 'next_attempt_at',
  'last_error', 'revoke_reason', 'revoke_due_at', 'revoked_at', 'revocation_lag_ms',
  'verification', 'lease_owner', 'lease_until', 'created_at', 'version', 'share_bucket',
] as const satisfies ReadonlyArray<keyof GrantRow>

/** A column added to GrantRow must be added above too, or this stops compiling. */
type MissingColumn = Exclude<keyof GrantRow, (typeof GRANT_COLUMNS)[number]>
export type GrantColumnsComplete = [MissingColumn] extends [never] ? true : MissingColumn

/** A row read as the array of GRANT_COLUMNS. */
function rowOf(values: readonly unknown[]): GrantRow {
  const row: Record<string, unknown> = {}
  for (let i = 0; i < GRANT_COLUMNS.length; i++) row[GRANT_COLUMNS[i] as string] = values[i]
  return row as unknown as GrantRow
}

/** PostgreSQL's read of many grants: one array parameter, one statement text for any count. */
const SELECT_BY_ID_ARRAY = `select * from grants where id = any($1::text[])`

const selectTexts = new Map<number, string>()

/** `select <GRANT_COLUMNS> from grants where id in (?, …)` for `n` ids, SQLite's placeholders. */
function selectByIds(n: number): string {
  let text = selectTexts.get(n)
  if (text === undefined) {
    const list = GRANT_COLUMNS.map((c) => `"${c}"`).join(', ')
    text = `select ${list} from "grants" where "id" in (${Array.from({ length: n }, () => '?').join(', ')})`
    selectTexts.set(n, text)
  }
  return text
}

const columns = new Map<string, keyof UpdatableRow>()

function columnOf(field: keyof Grant): keyof UpdatableRow {
  const known = columns.get(field)
  if (known !== undefined) return known
  const column = field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
  if (!PATCHABLE.has(column)) throw new Error(`not a patchable grant field: ${field}`)
  columns.set(field, column as keyof UpdatableRow)
  return column as keyof UpdatableRow
}

/*
 * Due-work predicates. A missing lease or retry time means nobody holds the grant and nothing is
 * scheduled to wait for, so it is due now (the use cases read null the same way).
 */
/**
 * Revocations no live worker is on: a claim whose lease ran out (its worker died), or a failed
 * attempt whose retry is due. Both the overdue sweep and the takeover read select these.
 */
function resumableRevocation(eb: ExpressionBuilder<Database, 'grants'>, t: number) {
  return [
    eb.and([
      inState(eb, 'revoking'),
      eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', t)]),
    ]),
    ...(['revoke_failed', 'irrevocable'] as const).map((state) =>
      eb.and([
        inState(eb, state),
        eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', t)]),
      ]),
    ),
  ]
}

/**
 * `state = '…'` with the state as a literal, as the partial indexes of migration 0013 are written:
 * neither planner can tell from a bound parameter that a query implies an index's predicate
 * (SQLite plans before binding), and SQLite proves `state = 'a'` implies only `state = 'a'`, so a
 * query over several states asks for each in its own OR branch.
 */
function inState(eb: ExpressionBuilder<Database, 'grants'>, state: GrantState) {
  return eb('state', '=', sql.lit(state))
}

/** Every state but `revoked` has a partial index of its own (migration 0013). */
const UNREVOKED = GRANT_STATES.filter((state) => state !== 'revoked')

/** Counted per state through those indexes; the rest of a count(*) are revoked. */
const COUNT_BY_STATE = [
  ...UNREVOKED.map((state) => `select state, count(*) as n from grants where state = '${state}' group by state`),
  `select '*' as state, count(*) as n from grants`,
].join(' union all ')

export function grantRepository(scope: Scope): GrantRepository {
  return {
    async insert(grant) {
      await INSERT.execute(scope, { ...toRow(grant, grant.version), share_bucket: shareBucketOf(grant.id) })
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
      const states = filter.states
      if (states !== undefined) query = query.where((eb) => eb.or(states.map((state) => inState(eb, state))))
      if (filter.limit !== undefined) query = query.limit(filter.limit)
      return (await query.execute()).map(toGrant)
    },

    async update(grant, expectedVersion) {
      const row = toRow(grant, expectedVersion + 1)
      return changedOneRow(await UPDATE.execute(scope, { ...row, expected_version: expectedVersion }))
    },

    async getMany(ids) {
      const found: Grant[] = []
      for (let i = 0; i < ids.length; i += IN_LIST_CHUNK) {
        const chunk = ids.slice(i, i + IN_LIST_CHUNK)
        // In a SQLite transaction (a revocation batch's claim), straight to the connection:
        // building and compiling a 500-value query through Kysely cost more than the read.
        const rows = scope.direct
          ? scope.direct.values(selectByIds(chunk.length), chunk).map(rowOf)
          : scope.engine === 'postgres'
            ? (await scope.db.executeQuery<GrantRow>(CompiledQuery.raw(SELECT_BY_ID_ARRAY, [chunk]))).rows
            : await scope.db.selectFrom('grants').selectAll().where('id', 'in', chunk).execute()
        for (const row of rows) found.push(toGrant(row))
      }
      return found
    },

    async patchMany(patches) {
      const unique = new Set(patches.map((p) => p.grant.id)).size === patches.length
      // One statement per chunk on PostgreSQL; a grant patched twice in one call goes in order, one by one.
      if (scope.engine === 'postgres' && unique) return patchManyOnPostgres(scope, patches)
      const changed: boolean[] = []
      for (const { grant, expectedVersion, fields } of patches) {
        // Only the named columns: UPDATE compiles once per set of them.
        const args: Record<string, unknown> = {
          id: grant.id,
          version: expectedVersion + 1,
          expected_version: expectedVersion,
        }
        for (const field of fields) args[columnOf(field)] = columnValue(grant, field)
        changed.push(changedOneRow(await UPDATE.execute(scope, args as UpdatableRow & { expected_version: number })))
      }
      return changed
    },

    async listIssuable(now, limit) {
      const t = toMs(now)
      const rows = await scope.db
        .selectFrom('grants')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([inState(eb, 'scheduled'), eb('starts_at', '<=', t)]),
            eb.and([
              inState(eb, 'issue_failed'),
              eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', t)]),
            ]),
            eb.and([
              inState(eb, 'issuing'),
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
            eb.and([inState(eb, 'active'), eb('expires_at', '<=', t)]),
            ...resumableRevocation(eb, t),
          ]),
        )
        // Overdue since revocation became due: an early revocation's due time, else expiry.
        .orderBy(sql`coalesce(revoke_due_at, expires_at)`)
        .orderBy('id')
        .limit(limit)
        .execute()
      return rows.map(toGrant)
    },

    async listResumableRevocations(now, limit) {
      const t = toMs(now)
      const rows = await scope.db
        .selectFrom('grants')
        .selectAll()
        .where((eb) =>
          eb.or(resumableRevocation(eb, t)),
        )
        .orderBy(sql`coalesce(revoke_due_at, expires_at)`)
        .orderBy('id')
        .limit(limit)
        .execute()
      return rows.map(toGrant)
    },

    async listExpiringBefore(until, limit, after, buckets) {
      if (buckets?.length === 0) return []
      const rows = await scope.db
        .selectFrom('grants')
        .select(['id', 'expires_at'])
        .where((eb) => inState(eb, 'active'))
        .where('expires_at', '<', toMs(until))
        .$if(after !== undefined, (q) => {
          const t = toMs(after?.expiresAt ?? new Date(0))
          const id = after?.id ?? ''
          // A row comparison, not `a > t or (a = t and id > …)`: PostgreSQL takes it as the
          // start of an index range; the OR form made it scan the whole horizon and sort.
          return q.where((eb) => eb(eb.refTuple('expires_at', 'id'), '>', eb.tuple(t, id)))
        })
        // One array parameter on PostgreSQL: the statement text stays the same whatever the share.
        .$if(buckets !== undefined, (q) =>
          scope.engine === 'postgres'
            ? q.where(sql<boolean>`share_bucket = any(${[...(buckets ?? [])]}::integer[])`)
            : q.where('share_bucket', 'in', [...(buckets ?? [])]),
        )
        .orderBy('expires_at')
        .orderBy('id')
        .limit(limit)
        .execute()
      return rows.map((row) => ({ id: row.id, expiresAt: fromMs(row.expires_at) }))
    },

    async listHeldByInactiveSubjects(states, limit) {
      if (states.length === 0) return []
      // From the (few) inactive identities to their grants through grants_subject; the cross
      // join keeps SQLite's planner to that order. Filtering grants by state first read every
      // grant once no index held every grant's state (migration 0013).
      const rows = await scope.db
        .selectFrom('identities')
        .crossJoin('grants')
        .selectAll('grants')
        .whereRef('grants.subject_id', '=', 'identities.id')
        .where('identities.status', '!=', 'active')
        .where('grants.state', 'in', [...states])
        .orderBy('grants.created_at')
        .orderBy('grants.id')
        .limit(limit)
        .execute()
      return rows.map(toGrant)
    },

    async countByState() {
      // Each unended state through its partial index, and `revoked` as the rest of a count(*),
      // which both engines take from the narrowest index: grouping every row by state read the
      // whole table now that no index holds every grant's state.
      const rows = await scope.db.executeQuery<{ state: string; n: number | string }>(
        sql`${sql.raw(COUNT_BY_STATE)}`.compile(scope.db),
      )
      const counts: Partial<Record<GrantState, number>> = {}
      let rest = 0
      for (const row of rows.rows) {
        const n = Number(row.n)
        if (row.state === '*') rest += n
        else {
          counts[row.state as GrantState] = n
          rest -= n
        }
      }
      if (rest > 0) counts.revoked = rest
      return counts
    },

    async countActiveByConnector() {
      const rows = await scope.db
        .selectFrom('grants')
        .select((eb) => ['connector_kind', eb.fn.countAll<number | string>().as('n')])
        .where((eb) => inState(eb, 'active'))
        .groupBy('connector_kind')
        .execute()
      return Object.fromEntries(rows.map((row) => [row.connector_kind, Number(row.n)]))
    },

    async countOverdue(now) {
      const t = toMs(now)
      const due = sql<number>`coalesce(revoke_due_at, expires_at)`
      const row = await scope.db
        .selectFrom('grants')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        // One branch per state, so each reads its partial index (migration 0013).
        .where((eb) =>
          eb.or([
            eb.and([inState(eb, 'active'), eb(due, '<=', t)]),
            eb.and([inState(eb, 'revoking'), eb(due, '<=', t)]),
            eb.and([inState(eb, 'revoke_failed'), eb(due, '<=', t)]),
          ]),
        )
        .executeTakeFirst()
      return Number(row?.n ?? 0)
    },
  }
}
