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

// Every state change appends: these run several times per request (see prepared-statement.ts).
const READ_HEAD = new PreparedStatement<{ id: number }>((db, a, engine) =>
  db
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', a.id)
    .$if(engine === 'postgres', (q) => q.forUpdate()),
)
const INSERT_EVENT = new PreparedStatement<AuditEventRow>((db, row) =>
  db.insertInto('audit_events').values(row),
)
const MOVE_HEAD = new PreparedStatement<{ id: number; seq: number; hash: string; from_seq: number }>(
  (db, a) =>
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

/** The event that follows `head`, and the canonical text of its data as stored. */
function chainEvent(
  head: { seq: number; hash: string },
  input: AppendInput,
): { event: AuditEvent; data: string } {
  // Stored as the canonical text the hash covers, so a later read re-hashes identically.
  const data = canonicalJson(input.data)
  const unhashed: Omit<AuditEvent, 'hash'> = {
    seq: head.seq + 1,
    id: input.id,
    at: input.at,
    type: input.type,
    actor: input.actor,
    requestId: input.requestId ?? null,
    grantId: input.grantId ?? null,
    data: fromJson(data) as Record<string, unknown>,
    prevHash: head.hash,
  }
  return { event: { ...unhashed, hash: hashAuditEvent(unhashed) }, data }
}

async function readHead(scope: Scope): Promise<{ seq: number; hash: string }> {
  const { rows } = await READ_HEAD.execute<{ seq: number; hash: string }>(scope, { id: 1 })
  const head = rows[0]
  if (head === undefined) throw new Error('the audit head row is missing')
  return head
}

export function auditRepository(scope: Scope): AuditRepository {
  // The head this transaction itself moved the chain to: its lock (FOR UPDATE, or SQLite's write
  // lock) keeps every other appender out until commit, so the next append in it need not read it.
  let ownHead: { seq: number; hash: string } | null = null
  const appendMany: AuditRepository['appendMany'] = async (inputs) => {
    if (inputs.length === 0) return []
    try {
      return await scope.atomic(async (db, direct) => {
        const inner: Scope = { ...scope, db, direct }
        // FOR UPDATE holds the head until commit: appenders in other processes queue here, so
        // the chain never forks. SQLite gets the same from BEGIN IMMEDIATE (see dialect.ts).
        let head = ownHead ?? (await readHead(inner))
        const events: AuditEvent[] = []
        // One event at a time, each moving the head: the database's guards accept an event only
        // on the current head and a head only on the newest event, in batches as in single appends.
        for (const input of inputs) {
          const { event, data } = chainEvent(head, input)
          await INSERT_EVENT.execute(inner, {
            seq: event.seq,
            id: event.id,
            at: toMs(event.at),
            type: event.type,
            actor: event.actor,
            request_id: event.requestId,
            grant_id: event.grantId,
            data,
            prev_hash: event.prevHash,
            hash: event.hash,
          })
          const moved = await MOVE_HEAD.execute(inner, {
            id: 1,
            seq: event.seq,
            hash: event.hash,
            from_seq: head.seq,
          })
          if (!changedOneRow(moved)) throw new Error('the audit head moved during the append')
          head = { seq: event.seq, hash: event.hash }
          events.push(event)
        }
        if (scope.transactional === true) ownHead = head
        return events
      })
    } catch (error) {
      throw new AppError('audit.write_failed', 'The audit event could not be recorded', {
        cause: error,
      })
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
      return scope.db
        .selectFrom('audit_head')
        .select(['seq', 'hash'])
        .where('id', '=', 1)
        .executeTakeFirstOrThrow()
    },

    async list(filter) {
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
