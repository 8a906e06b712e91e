import { changedOne, fromMsOrNull, toMsOrNull } from './codec.js';
function toCursor(row) {
    return {
        sink: row.sink,
        ackedSeq: row.acked_seq,
        leaseOwner: row.lease_owner,
        leaseUntil: fromMsOrNull(row.lease_until),
        failures: row.failures,
        nextAttemptAt: fromMsOrNull(row.next_attempt_at),
        lastError: row.last_error,
        lastErrorAt: fromMsOrNull(row.last_error_at),
        lastSuccessAt: fromMsOrNull(row.last_success_at),
        version: row.version,
    };
}
function toRow(c, version) {
    return {
        sink: c.sink,
        acked_seq: c.ackedSeq,
        lease_owner: c.leaseOwner,
        lease_until: toMsOrNull(c.leaseUntil),
        failures: c.failures,
        next_attempt_at: toMsOrNull(c.nextAttemptAt),
        last_error: c.lastError,
        last_error_at: toMsOrNull(c.lastErrorAt),
        last_success_at: toMsOrNull(c.lastSuccessAt),
        version,
    };
}
export function siemCursorRepository(scope) {
    const get = async (sink) => {
        const row = await scope.db
            .selectFrom('siem_cursors')
            .selectAll()
            .where('sink', '=', sink)
            .executeTakeFirst();
        return row ? toCursor(row) : null;
    };
    return {
        get,
        async ensure(cursor) {
            // Two processes starting at once both create it; ON CONFLICT keeps whichever came first.
            await scope.db
                .insertInto('siem_cursors')
                .values(toRow(cursor, cursor.version))
                .onConflict((oc) => oc.column('sink').doNothing())
                .execute();
            const stored = await get(cursor.sink);
            if (stored === null)
                throw new Error('siem cursor vanished after insert');
            return stored;
        },
        async list() {
            const rows = await scope.db.selectFrom('siem_cursors').selectAll().orderBy('sink').execute();
            return rows.map(toCursor);
        },
        async update(cursor, expectedVersion) {
            const { sink: _sink, ...row } = toRow(cursor, expectedVersion + 1);
            const result = await scope.db
                .updateTable('siem_cursors')
                .set(row)
                .where('sink', '=', cursor.sink)
                .where('version', '=', expectedVersion)
                .executeTakeFirst();
            return changedOne(result);
        },
    };
}
