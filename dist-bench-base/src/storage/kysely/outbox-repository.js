import { changedOne, fromJson, fromMs, fromMsOrNull, toJson, toMs, toMsOrNull } from './codec.js';
function toMessage(row) {
    return {
        id: row.id,
        kind: row.kind,
        channel: row.channel,
        recipient: row.recipient,
        payload: fromJson(row.payload),
        state: row.state,
        createdAt: fromMs(row.created_at),
        attempts: row.attempts,
        nextAttemptAt: fromMsOrNull(row.next_attempt_at),
        deliveredAt: fromMsOrNull(row.delivered_at),
        lastError: row.last_error,
        dedupeKey: row.dedupe_key,
        version: row.version,
    };
}
function toRow(m, version) {
    return {
        id: m.id,
        kind: m.kind,
        channel: m.channel,
        recipient: m.recipient,
        payload: toJson(m.payload),
        state: m.state,
        created_at: toMs(m.createdAt),
        attempts: m.attempts,
        next_attempt_at: toMsOrNull(m.nextAttemptAt),
        delivered_at: toMsOrNull(m.deliveredAt),
        last_error: m.lastError,
        dedupe_key: m.dedupeKey,
        version,
    };
}
export function outboxRepository(scope) {
    return {
        async enqueue(message) {
            // ON CONFLICT DO NOTHING rather than catching the violation: on PostgreSQL a failed
            // statement would abort the caller's whole transaction.
            const result = await scope.db
                .insertInto('outbox')
                .values(toRow(message, message.version))
                .onConflict((oc) => oc.column('dedupe_key').doNothing())
                .executeTakeFirst();
            return changedOne(result);
        },
        async get(id) {
            const row = await scope.db
                .selectFrom('outbox')
                .selectAll()
                .where('id', '=', id)
                .executeTakeFirst();
            return row ? toMessage(row) : null;
        },
        async list(filter) {
            if (filter.states?.length === 0)
                return [];
            let query = scope.db.selectFrom('outbox').selectAll();
            if (filter.states !== undefined)
                query = query.where('state', 'in', [...filter.states]);
            if (filter.kind !== undefined)
                query = query.where('kind', '=', filter.kind);
            const rows = await query
                .orderBy('created_at', 'desc')
                .orderBy('id', 'desc')
                .limit(filter.limit ?? 1000)
                .execute();
            return rows.map(toMessage);
        },
        async listDue(now, limit) {
            const rows = await scope.db
                .selectFrom('outbox')
                .selectAll()
                .where('state', '=', 'pending')
                .where('next_attempt_at', '<=', toMs(now))
                .orderBy('next_attempt_at')
                .orderBy('id')
                .limit(limit)
                .execute();
            return rows.map(toMessage);
        },
        async update(message, expectedVersion) {
            const { id: _id, ...row } = toRow(message, expectedVersion + 1);
            const result = await scope.db
                .updateTable('outbox')
                .set(row)
                .where('id', '=', message.id)
                .where('version', '=', expectedVersion)
                .executeTakeFirst();
            return changedOne(result);
        },
    };
}
