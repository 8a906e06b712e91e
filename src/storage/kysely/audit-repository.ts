import { CompiledQuery, type QueryResult } from 'kysely'
import { canonicalJson } from '../../domain/canonical-json.js'
import { AppError } from '../../domain/errors.js'
import {
  hashAuditEvent,
  type AuditCheckpoint,
  type AuditEvent,
  type AuditEventInput,
} from '../../domain/audit-event.js'
import type { AuditRepository } from '../store.js'
import { fromJson, fromMs, toMs } from './codec.js'
import type { Scope } from './scope.js'
import type { AuditCheckpointRow, AuditEventRow } from './database.js'
import { changedOneRow, PreparedStatement } from './prepared-statement.js'
import { MultiRowInsert } from './multi-row-insert.js'
import { nameStatement } from './pg-statement-names.js'

// Every state change appends: these run several times per request (see prepared-statement.ts).
const READ_HEAD = new PreparedStatement<{ id: number }>((db, a, engine) =>
  db
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', a.id)
    .$if(engine === 'postgres', (q) => q.forUpdate()),
)
const INSERT_EVENTS = new MultiRowInsert('audit_events', {
  seq: 'bigint',
  id: 'text',
  at: 'bigint',
  type: 'text',
  actor: 'text',
  request_id: 'text',
  grant_id: 'text',
  data: 'text',
  prev_hash: 'text',
  hash: 'text',
})
const MOVE_HEAD = new PreparedStatement<{
  id: number
  seq: number
  hash: string
  from_seq: number
}>((db, a) =>
  db
    .updateTable('audit_head')
    .set({ seq: a.seq, hash: a.hash })
    .where('id', '=', a.id)
    .where('seq', '=', a.from_seq),
)

function toEvent(row: AuditEventRow): AuditEvent {
  return {
    seq: row.seq,
    id: row.id,
    at: fromMs(row.at),
    type: row.type,
    actor: row.actor,
    requestId: row.request_id,
    grantId: row.grant_id,
    data: fromJson(row.data) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  }
}

function toCheckpoint(row: AuditCheckpointRow): AuditCheckpoint {
  return {
    seq: row.seq,
    hash: row.hash,
    at: fromMs(row.at),
    keyId: row.key_id,
    signature: row.signature,
  }
}

type AppendInput = AuditEventInput & { id: string; at: Date }

interface Link {
  seq: number
  hash: string
}

/** An appended event whose place in the chain is not fixed yet, and its data as stored. */
interface Unchained {
  event: AuditEvent
  /** The canonical text the hash covers, so a later read re-hashes identically. */
  data: string
}

/** The fields an event gets when it is chained: known only under the head lock. */
const CHAIN_FIELDS = ['seq', 'prevHash', 'hash'] as const

function unchainedRead(): never {
  throw new Error("an audit event's seq and hash are fixed when its transaction commits; read them after")
}

/**
 * The event for `input`, without its place in the chain: reading its seq, prevHash or hash
 * throws until `settle` fills them in (at commit, inside a transaction), so nobody can act on a
 * guess. Every other field is final.
 */
function unchained(input: AppendInput): Unchained {
  const data = canonicalJson(input.data)
  const event = {
    seq: 0,
    id: input.id,
    at: input.at,
    type: input.type,
    actor: input.actor,
    requestId: input.requestId ?? null,
    grantId: input.grantId ?? null,
    data: fromJson(data) as Record<string, unknown>,
    prevHash: '',
    hash: '',
  }
  for (const key of CHAIN_FIELDS) {
    Object.defineProperty(event, key, { get: unchainedRead, enumerable: true, configurable: true })
  }
  return { event, data }
}

function settle(event: AuditEvent, fields: Pick<AuditEvent, (typeof CHAIN_FIELDS)[number]>): void {
  for (const key of CHAIN_FIELDS) {
    Object.defineProperty(event, key, {
      value: fields[key],
      writable: true,
      enumerable: true,
      configurable: true,
    })
  }
}

/** Chains `items` onto `last`, settling their events: their rows, and the new last link. */
function chainAll(last: Link, items: readonly Unchained[]): { rows: AuditEventRow[]; last: Link } {
  const rows: AuditEventRow[] = []
  for (const { event, data } of items) {
    const seq = last.seq + 1
    const prevHash = last.hash
    const hash = hashAuditEvent({
      seq,
      id: event.id,
      at: event.at,
      type: event.type,
      actor: event.actor,
      requestId: event.requestId,
      grantId: event.grantId,
      data: event.data,
      prevHash,
    })
    settle(event, { seq, prevHash, hash })
    rows.push({
      seq,
      id: event.id,
      at: toMs(event.at),
      type: event.type,
      actor: event.actor,
      request_id: event.requestId,
      grant_id: event.grantId,
      data,
      prev_hash: prevHash,
      hash,
    })
    last = { seq, hash }
  }
  return { rows, last }
}

async function readHead(scope: Scope): Promise<Link> {
  const { rows } = await READ_HEAD.execute<{ seq: number; hash: string }>(scope, { id: 1 })
  const head = rows[0]
  if (head === undefined) throw new Error('the audit head row is missing')
  return head
}

let appendAndMoveSql: string | undefined

/**
 * PostgreSQL: the events and the head move in one statement (a data-modifying WITH), one round
 * trip at commit; the guards check both after it (0018-audit-head-in-statement.ts). Its text is
 * fixed, so it is prepared once per connection.
 */
function appendAndMove(): string {
  if (appendAndMoveSql !== undefined) return appendAndMoveSql
  const n = INSERT_EVENTS.columnCount
  appendAndMoveSql =
    `with appended as (${INSERT_EVENTS.postgresSql()}) ` +
    `update "audit_head" set "seq" = $${String(n + 1)}, "hash" = $${String(n + 2)} ` +
    `where "id" = 1 and "seq" = $${String(n + 3)}`
  nameStatement(appendAndMoveSql)
  return appendAndMoveSql
}

/**
 * Writes `rows` (chained onto the head at `from`) and moves the head once, to the last of them:
 * the database's guards accept events on the chain's last event and a head moved forward to the
 * newest event (0008-audit-last-event.ts), so a whole batch is one INSERT and one UPDATE, and on
 * PostgreSQL both are one statement.
 */
async function writeChain(
  scope: Scope,
  from: Link,
  rows: AuditEventRow[],
  to: Link,
): Promise<void> {
  let moved: QueryResult<unknown>
  if (scope.engine === 'postgres' && !scope.direct) {
    const parameters = [...INSERT_EVENTS.postgresArrays(rows), to.seq, to.hash, from.seq]
    moved = await scope.db.executeQuery(CompiledQuery.raw(appendAndMove(), parameters))
  } else {
    await INSERT_EVENTS.execute(scope, rows)
    moved = await MOVE_HEAD.execute(scope, { id: 1, seq: to.seq, hash: to.hash, from_seq: from.seq })
  }
  if (!changedOneRow(moved)) throw new Error('the audit head moved during the append')
}

function writeFailed(error: unknown): AppError {
  if (error instanceof AppError && error.code === 'audit.write_failed') return error
  return new AppError('audit.write_failed', 'The audit event could not be recorded', {
    cause: error,
  })
}

export function auditRepository(scope: Scope): AuditRepository {
  // Inside a transaction the appends are chained and written once, just before commit: the head
  // read there locks the chain (FOR UPDATE; SQLite's write lock is held from BEGIN IMMEDIATE)
  // only for the chaining, the INSERT and the head move. Taken at the first append, it would
  // hold off every other appender for the transaction's whole length: two nodes' revocation
  // batches ran one after the other on PostgreSQL. Once taken (a read of the audit log inside
  // the transaction takes it early), it is held until commit, so nobody else extends the chain.
  const deferred = scope.transactional === true ? scope.beforeCommit : undefined
  /** The head row as this transaction last read or wrote it; null until it holds the lock. */
  let head: Link | null = null
  let unwritten: Unchained[] = []
  let hooked = false
  /** Writes one after another (reads may start them concurrently); a failure stays failed. */
  let writing: Promise<void> = Promise.resolve()

  const write = async (): Promise<void> => {
    if (unwritten.length === 0) return
    const items = unwritten
    unwritten = []
    const from = head ?? (await readHead(scope))
    const chained = chainAll(from, items)
    await writeChain(scope, from, chained.rows, chained.last)
    head = chained.last
  }
  const flush = (): Promise<void> => {
    writing = writing.then(write).catch((error: unknown) => {
      throw writeFailed(error)
    })
    return writing
  }

  const appendMany: AuditRepository['appendMany'] = async (inputs) => {
    if (inputs.length === 0) return []
    try {
      const items = inputs.map(unchained)
      if (deferred === undefined) {
        return await scope.atomic(async (db, direct) => {
          const inner: Scope = { ...scope, db, direct }
          // FOR UPDATE holds the head until commit: appenders in other processes queue here, so
          // the chain never forks. SQLite gets the same from BEGIN IMMEDIATE (see dialect.ts).
          const from = await readHead(inner)
          const chained = chainAll(from, items)
          await writeChain(inner, from, chained.rows, chained.last)
          return items.map((i) => i.event)
        })
      }
      // After a failed write the chain in memory is ahead of the database: nothing more chains on.
      await writing
      // In call order: appends made concurrently take turns here, synchronously.
      unwritten.push(...items)
      if (!hooked) {
        hooked = true
        // Unhooked as it runs: an append made after it (by a later before-commit hook) hooks
        // again, rather than being left out of the commit.
        deferred(() => {
          hooked = false
          return flush()
        })
      }
      return items.map((i) => i.event)
    } catch (error) {
      throw writeFailed(error)
    }
  }

  return {
    async append(input) {
      const [event] = await appendMany([input])
      if (event === undefined) throw new Error('appendMany returned no event')
      return event
    },

    appendMany,

    async head() {
      // A read in the transaction sees its own appends, as if they had been written at once.
      await flush()
      return scope.db
        .selectFrom('audit_head')
        .select(['seq', 'hash'])
        .where('id', '=', 1)
        .executeTakeFirstOrThrow()
    },

    async list(filter) {
      await flush()
      let query = scope.db.selectFrom('audit_events').selectAll().orderBy('seq').limit(filter.limit)
      if (filter.afterSeq !== undefined) query = query.where('seq', '>', filter.afterSeq)
      if (filter.requestId !== undefined) query = query.where('request_id', '=', filter.requestId)
      if (filter.grantId !== undefined) query = query.where('grant_id', '=', filter.grantId)
      // No index on actor or on `at` alone (0007 has (type, at)): these filters ride the seq
      // order and the limit, which is fine for an explorer page; add indexes if exports need them.
      if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor)
      if (filter.from !== undefined) query = query.where('at', '>=', toMs(filter.from))
      if (filter.to !== undefined) query = query.where('at', '<', toMs(filter.to))
      return (await query.execute()).map(toEvent)
    },

    async insertCheckpoint(checkpoint) {
      await scope.db
        .insertInto('audit_checkpoints')
        .values({
          seq: checkpoint.seq,
          hash: checkpoint.hash,
          at: toMs(checkpoint.at),
          key_id: checkpoint.keyId,
          signature: checkpoint.signature,
        })
        .execute()
    },

    async listCheckpoints() {
      const rows = await scope.db
        .selectFrom('audit_checkpoints')
        .selectAll()
        .orderBy('seq')
        .orderBy('at')
        .orderBy('key_id')
        .execute()
      return rows.map(toCheckpoint)
    },
  }
}
