import { changedOne, fromJson, fromMs, fromMsOrNull, toJson, toMs, toMsOrNull } from './codec.js';
function toFinding(row) {
    return {
        id: row.id,
        targetId: row.target_id,
        kind: row.kind,
        key: row.key,
        principal: row.principal,
        grantId: row.grant_id,
        details: fromJson(row.details),
        state: row.state,
        firstSeenAt: fromMs(row.first_seen_at),
        lastSeenAt: fromMs(row.last_seen_at),
        resolvedAt: fromMsOrNull(row.resolved_at),
        resolution: row.resolution,
        acceptedBy: row.accepted_by,
        acceptReason: row.accept_reason,
        acceptedUntil: fromMsOrNull(row.accepted_until),
        version: row.version,
    };
}
function toRow(f, version) {
    return {
        id: f.id,
        target_id: f.targetId,
        kind: f.kind,
        key: f.key,
        principal: f.principal,
        grant_id: f.grantId,
        details: toJson(f.details),
        state: f.state,
        first_seen_at: toMs(f.firstSeenAt),
        last_seen_at: toMs(f.lastSeenAt),
        resolved_at: toMsOrNull(f.resolvedAt),
        resolution: f.resolution,
        accepted_by: f.acceptedBy,
        accept_reason: f.acceptReason,
        accepted_until: toMsOrNull(f.acceptedUntil),
        version,
    };
}
export function findingRepository(scope) {
    return {
        async get(id) {
            const row = await scope.db.selectFrom('findings').selectAll().where('id', '=', id).executeTakeFirst();
            return row ? toFinding(row) : null;
        },
        async getByKey(targetId, kind, key) {
            const row = await scope.db
                .selectFrom('findings')
                .selectAll()
                .where('target_id', '=', targetId)
                .where('kind', '=', kind)
                .where('key', '=', key)
                .executeTakeFirst();
            return row ? toFinding(row) : null;
        },
        async list(filter) {
            let query = scope.db.selectFrom('findings').selectAll();
            if (filter.targetId !== undefined)
                query = query.where('target_id', '=', filter.targetId);
            if (filter.states !== undefined && filter.states.length > 0)
                query = query.where('state', 'in', [...filter.states]);
            if (filter.kinds !== undefined && filter.kinds.length > 0)
                query = query.where('kind', 'in', [...filter.kinds]);
            const rows = await query.orderBy('last_seen_at', 'desc').orderBy('id').limit(filter.limit ?? 1000).execute();
            return rows.map(toFinding);
        },
        async insert(finding) {
            await scope.db.insertInto('findings').values(toRow(finding, finding.version)).execute();
        },
        async update(finding, expectedVersion) {
            const { id: _id, ...row } = toRow(finding, expectedVersion + 1);
            const result = await scope.db
                .updateTable('findings')
                .set(row)
                .where('id', '=', finding.id)
                .where('version', '=', expectedVersion)
                .executeTakeFirst();
            return changedOne(result);
        },
        async countOpenByKind() {
            const rows = await scope.db
                .selectFrom('findings')
                .select((eb) => ['kind', eb.fn.countAll().as('n')])
                .where('state', '=', 'open')
                .groupBy('kind')
                .execute();
            const counts = {};
            for (const row of rows)
                counts[row.kind] = Number(row.n);
            return counts;
        },
    };
}
