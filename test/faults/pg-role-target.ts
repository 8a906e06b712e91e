/**
 * A real PostgreSQL target for the fault tests: per-grant login roles whose existence the test
 * lists straight from pg_roles, independently of Hourglass.
 */
import { grantIdFromRoleName } from '../../src/connectors/postgres/role-names.js'
import { startPgTarget, type PgTarget } from '../integration/connectors/postgres-target.js'

export const ENTITLEMENT = 'orders-db-read'

export interface RoleTarget {
  target: PgTarget
  /** A catalog with this target and one low-risk (auto-approved) role entitlement. */
  catalog: unknown
  /** Managed roles that exist on the target right now, each with the grant id it encodes. */
  roles(): Promise<Array<{ role: string; grantId: string | null }>>
  teardown(): Promise<void>
}

export async function startRoleTarget(baseUrl: string): Promise<RoleTarget> {
  const target = await startPgTarget(baseUrl)
  const catalog = {
    targets: [{ id: 'orders-db', kind: 'postgres', name: 'Orders database', config: target.rawConfig }],
    entitlements: [
      {
        id: ENTITLEMENT,
        name: 'Orders DB: read',
        targetId: 'orders-db',
        riskTier: 'low',
        owners: ['olivia'],
        defaultDuration: '1m',
        maxDuration: '1h',
        params: { mode: 'role', grantRole: target.appRead },
        subjectKinds: ['human'],
      },
    ],
  }
  return {
    target,
    catalog,
    async roles() {
      const rows = await target.admin<{ rolname: string }>(
        'SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1) ORDER BY rolname',
        [target.prefix],
      )
      return rows.map((r) => ({ role: r.rolname, grantId: grantIdFromRoleName(target.prefix, r.rolname) }))
    },
    teardown: () => target.teardown(),
  }
}
