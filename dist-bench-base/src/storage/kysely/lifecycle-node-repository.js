import { toMs } from './codec.js';
export function lifecycleNodeRepository(scope) {
    return {
        async beat(workerId, at) {
            const heartbeatAt = toMs(at);
            await scope.db
                .insertInto('lifecycle_nodes')
                .values({ worker_id: workerId, heartbeat_at: heartbeatAt })
                .onConflict((oc) => oc.column('worker_id').doUpdateSet({ heartbeat_at: heartbeatAt }))
                .execute();
        },
        async listLive(since) {
            const rows = await scope.db
                .selectFrom('lifecycle_nodes')
                .select('worker_id')
                .where('heartbeat_at', '>=', toMs(since))
                .execute();
            // Sorted here, not in SQL: PostgreSQL's collation may order text differently from SQLite's.
            return rows.map((r) => r.worker_id).sort();
        },
        async leave(workerId) {
            await scope.db.deleteFrom('lifecycle_nodes').where('worker_id', '=', workerId).execute();
        },
        async forgetSilentSince(before) {
            const result = await scope.db
                .deleteFrom('lifecycle_nodes')
                .where('heartbeat_at', '<', toMs(before))
                .executeTakeFirst();
            return Number(result.numDeletedRows);
        },
    };
}
