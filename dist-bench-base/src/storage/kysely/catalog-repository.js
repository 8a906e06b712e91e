import { fromJson, fromMs, toJson, toMs } from './codec.js';
import { PreparedStatement } from './prepared-statement.js';
import { readCached } from './row-cache.js';
// Read at each decision of a request's path (see prepared-statement.ts).
const GET_TARGET = new PreparedStatement((db, a) => db.selectFrom('targets').selectAll().where('id', '=', a.id));
const GET_ENTITLEMENT = new PreparedStatement((db, a) => db.selectFrom('entitlements').selectAll().where('id', '=', a.id));
function toTarget(row) {
    return {
        id: row.id,
        kind: row.kind,
        name: row.name,
        config: fromJson(row.config),
        reconcile: fromJson(row.reconcile),
        createdAt: fromMs(row.created_at),
        updatedAt: fromMs(row.updated_at),
    };
}
function toEntitlement(row) {
    return {
        id: row.id,
        name: row.name,
        description: row.description,
        targetId: row.target_id,
        riskTier: row.risk_tier,
        owners: fromJson(row.owners),
        defaultDurationSeconds: row.default_duration_seconds,
        maxDurationSeconds: row.max_duration_seconds,
        params: fromJson(row.params),
        subjectKinds: fromJson(row.subject_kinds),
        createdAt: fromMs(row.created_at),
        updatedAt: fromMs(row.updated_at),
    };
}
/** Upserts keep the original created_at: a catalog sync changes an item, it does not recreate it. */
export function catalogRepository(scope) {
    return {
        async getTarget(id) {
            const row = await readCached(scope, 'targets', id, async () => {
                const { rows } = await GET_TARGET.execute(scope, { id });
                return rows[0];
            });
            return row ? toTarget(row) : null;
        },
        async listTargets() {
            return (await scope.db.selectFrom('targets').selectAll().orderBy('id').execute()).map(toTarget);
        },
        async upsertTarget(target) {
            await scope.db
                .insertInto('targets')
                .values({
                id: target.id,
                kind: target.kind,
                name: target.name,
                config: toJson(target.config),
                reconcile: toJson(target.reconcile),
                created_at: toMs(target.createdAt),
                updated_at: toMs(target.updatedAt),
            })
                .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({
                kind: eb.ref('excluded.kind'),
                name: eb.ref('excluded.name'),
                config: eb.ref('excluded.config'),
                reconcile: eb.ref('excluded.reconcile'),
                updated_at: eb.ref('excluded.updated_at'),
            })))
                .execute();
            scope.rows?.forget();
        },
        async getEntitlement(id) {
            const row = await readCached(scope, 'entitlements', id, async () => {
                const { rows } = await GET_ENTITLEMENT.execute(scope, { id });
                return rows[0];
            });
            return row ? toEntitlement(row) : null;
        },
        async listEntitlements() {
            const rows = await scope.db.selectFrom('entitlements').selectAll().orderBy('id').execute();
            return rows.map(toEntitlement);
        },
        async upsertEntitlement(entitlement) {
            await scope.db
                .insertInto('entitlements')
                .values({
                id: entitlement.id,
                name: entitlement.name,
                description: entitlement.description,
                target_id: entitlement.targetId,
                risk_tier: entitlement.riskTier,
                owners: toJson(entitlement.owners),
                default_duration_seconds: entitlement.defaultDurationSeconds,
                max_duration_seconds: entitlement.maxDurationSeconds,
                params: toJson(entitlement.params),
                subject_kinds: toJson(entitlement.subjectKinds),
                created_at: toMs(entitlement.createdAt),
                updated_at: toMs(entitlement.updatedAt),
            })
                .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({
                name: eb.ref('excluded.name'),
                description: eb.ref('excluded.description'),
                target_id: eb.ref('excluded.target_id'),
                risk_tier: eb.ref('excluded.risk_tier'),
                owners: eb.ref('excluded.owners'),
                default_duration_seconds: eb.ref('excluded.default_duration_seconds'),
                max_duration_seconds: eb.ref('excluded.max_duration_seconds'),
                params: eb.ref('excluded.params'),
                subject_kinds: eb.ref('excluded.subject_kinds'),
                updated_at: eb.ref('excluded.updated_at'),
            })))
                .execute();
            scope.rows?.forget();
        },
    };
}
