/**
 * One row per running lifecycle engine: its workerId and its last heartbeat. The engines split due
 * grants between the nodes heard from within the silence limit (docs/architecture.md, "Several
 * processes"), so two nodes stop competing for every claim; a node that stops beating loses its
 * share seconds later, its claims when their lease runs out. Rows of nodes long gone are pruned
 * by the live ones.
 */
export const lifecycleNodes = {
    async up(db) {
        await db.schema
            .createTable('lifecycle_nodes')
            .addColumn('worker_id', 'text', (c) => c.primaryKey())
            .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
            .execute();
    },
    async down(db) {
        await db.schema.dropTable('lifecycle_nodes').execute();
    },
};
