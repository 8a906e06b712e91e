import { CompiledQuery } from 'kysely'
import type { Entitlement, Target } from '../../domain/catalog.js'
import type { CatalogRepository } from '../store.js'
import { fromJson, fromMs, toJson, toMs } from './codec.js'
import type { Scope } from './scope.js'
import type { EntitlementRow, TargetRow } from './database.js'
import { LOCK_CATALOG_FOR_CHANGE } from './catalog-lock.js'
import { PreparedStatement } from './prepared-statement.js'
import { readCached } from './row-cache.js'

// Read at each decision of a request's path (see prepared-statement.ts).
const GET_TARGET = new PreparedStatement<{ id: string }>((db, a) =>
  db.selectFrom('targets').selectAll().where('id', '=', a.id),
)
const GET_ENTITLEMENT = new PreparedStatement<{ id: string }>((db, a) =>
  db.selectFrom('entitlements').selectAll().where('id', '=', a.id),
)

// The entitlement's columns as they are, its target's under `t_` names: one round trip for both.
const GET_ENTITLEMENT_WITH_TARGET = new PreparedStatement<{ id: string }>((db, a) =>
  db
    .selectFrom('entitlements as e')
    .leftJoin('targets as t', 't.id', 'e.target_id')
    .selectAll('e')
    .select([
      't.id as t_id',
      't.kind as t_kind',
      't.name as t_name',
      't.config as t_config',
      't.reconcile as t_reconcile',
      't.created_at as t_created_at',
      't.updated_at as t_updated_at',
    ])
    .where('e.id', '=', a.id),
)

type EntitlementWithTargetRow = EntitlementRow & {
  t_id: string | null
  t_kind: string
  t_name: string
  t_config: TargetRow['config']
  t_reconcile: TargetRow['reconcile']
  t_created_at: TargetRow['created_at']
  t_updated_at: TargetRow['updated_at']
}

function toTarget(row: TargetRow): Target {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    config: fromJson(row.config) as Record<string, unknown>,
    reconcile: fromJson(row.reconcile) as Target['reconcile'],
    createdAt: fromMs(row.created_at),
    updatedAt: fromMs(row.updated_at),
  }
}

function toEntitlement(row: EntitlementRow): Entitlement {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    targetId: row.target_id,
    riskTier: row.risk_tier,
    owners: fromJson(row.owners) as string[],
    defaultDurationSeconds: row.default_duration_seconds,
    maxDurationSeconds: row.max_duration_seconds,
    params: fromJson(row.params) as Record<string, unknown>,
    subjectKinds: fromJson(row.subject_kinds) as string[],
    createdAt: fromMs(row.created_at),
    updatedAt: fromMs(row.updated_at),
  }
}

/** Upserts keep the original created_at: a catalog sync changes an item, it does not recreate it. */
export function catalogRepository(scope: Scope): CatalogRepository {
  const repo: CatalogRepository = {
    async getTarget(id) {
      const row = await readCached(scope, 'targets', id, async () => {
        const { rows } = await GET_TARGET.execute<TargetRow>(scope, { id })
        return rows[0]
      })
      return row ? toTarget(row) : null
    },

    async listTargets() {
      return (await scope.db.selectFrom('targets').selectAll().orderBy('id').execute()).map(
        toTarget,
      )
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
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            kind: eb.ref('excluded.kind'),
            name: eb.ref('excluded.name'),
            config: eb.ref('excluded.config'),
            reconcile: eb.ref('excluded.reconcile'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute()
      scope.rows?.forget()
    },

    async getEntitlement(id) {
      const row = await readCached(scope, 'entitlements', id, async () => {
        const { rows } = await GET_ENTITLEMENT.execute<EntitlementRow>(scope, { id })
        return rows[0]
      })
      return row ? toEntitlement(row) : null
    },

    async getEntitlementWithTarget(id) {
      // SQLite reads both from the row cache (no round trips there): keep that path.
      if (scope.rows) {
        const entitlement = await repo.getEntitlement(id)
        return entitlement ? { entitlement, target: await repo.getTarget(entitlement.targetId) } : null
      }
      const { rows } = await GET_ENTITLEMENT_WITH_TARGET.execute<EntitlementWithTargetRow>(scope, { id })
      const row = rows[0]
      if (!row) return null
      const target =
        row.t_id === null
          ? null
          : toTarget({
              id: row.t_id,
              kind: row.t_kind,
              name: row.t_name,
              config: row.t_config,
              reconcile: row.t_reconcile,
              created_at: row.t_created_at,
              updated_at: row.t_updated_at,
            })
      return { entitlement: toEntitlement(row), target }
    },

    async lockForChange() {
      // SQLite's write transaction holds every other writer off already.
      if (scope.engine !== 'postgres') return
      await scope.db.executeQuery(CompiledQuery.raw(LOCK_CATALOG_FOR_CHANGE))
    },

    async listEntitlements() {
      const rows = await scope.db.selectFrom('entitlements').selectAll().orderBy('id').execute()
      return rows.map(toEntitlement)
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
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
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
          })),
        )
        .execute()
      scope.rows?.forget()
    },
  }
  return repo
}
