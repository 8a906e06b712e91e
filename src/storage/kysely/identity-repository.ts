import { AppError } from '../../domain/errors.js'
import type { Identity } from '../../domain/identity.js'
import type { IdentityRepository } from '../store.js'
import { changedOne, fromJson, fromMs, toJson, toMs } from './codec.js'
import type { Scope } from './scope.js'
import type { Executor, IdentityRow } from './database.js'
import { PreparedStatement } from './prepared-statement.js'
import { readCached } from './row-cache.js'
import { isUniqueViolation } from './store-errors.js'

// Read on every API call and twice per request (see prepared-statement.ts).
const GET = new PreparedStatement<{ id: string }>((db, a) =>
  db.selectFrom('identities').selectAll().where('id', '=', a.id),
)
const GET_SHARED = new PreparedStatement<{ id: string }>((db, a) =>
  db.selectFrom('identities').selectAll().where('id', '=', a.id).forShare(),
)

export function toIdentity(row: IdentityRow): Identity {
  return {
    id: row.id,
    kind: row.kind,
    displayName: row.display_name,
    email: row.email,
    status: row.status,
    groups: fromJson(row.groups) as string[],
    ownerId: row.owner_id,
    purpose: row.purpose,
    oidcIssuer: row.oidc_issuer,
    oidcSubject: row.oidc_subject,
    createdAt: fromMs(row.created_at),
    updatedAt: fromMs(row.updated_at),
    version: row.version,
  }
}

function toRow(identity: Identity, version: number): IdentityRow {
  return {
    id: identity.id,
    kind: identity.kind,
    display_name: identity.displayName,
    email: identity.email,
    status: identity.status,
    groups: toJson(identity.groups),
    owner_id: identity.ownerId,
    purpose: identity.purpose,
    oidc_issuer: identity.oidcIssuer,
    oidc_subject: identity.oidcSubject,
    created_at: toMs(identity.createdAt),
    updated_at: toMs(identity.updatedAt),
    version,
  }
}

/** identity_groups mirrors the JSON column so group membership is an indexed, exact match. */
async function writeGroups(db: Executor, identity: Identity): Promise<void> {
  await db.deleteFrom('identity_groups').where('identity_id', '=', identity.id).execute()
  const groups = [...new Set(identity.groups)]
  if (groups.length === 0) return
  await db
    .insertInto('identity_groups')
    .values(groups.map((group_name) => ({ identity_id: identity.id, group_name })))
    .execute()
}

export function identityRepository(scope: Scope): IdentityRepository {
  async function get(id: string): Promise<Identity | null> {
    const row = await readCached(scope, 'identities', id, async () => {
      const { rows } = await GET.execute<IdentityRow>(scope, { id })
      return rows[0]
    })
    return row ? toIdentity(row) : null
  }

  return {
    get,

    async getHeld(id) {
      // SQLite's write transaction holds every other writer off already; PostgreSQL's needs the lock.
      if (scope.engine !== 'postgres') return get(id)
      const { rows } = await GET_SHARED.execute<IdentityRow>(scope, { id })
      const row = rows[0]
      return row ? toIdentity(row) : null
    },

    async getByOidc(issuer, subject) {
      const row = await scope.db
        .selectFrom('identities')
        .selectAll()
        .where('oidc_issuer', '=', issuer)
        .where('oidc_subject', '=', subject)
        .executeTakeFirst()
      return row ? toIdentity(row) : null
    },

    async list(filter = {}) {
      let query = scope.db.selectFrom('identities').selectAll().orderBy('id')
      if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind)
      if (filter.ownerId !== undefined) query = query.where('owner_id', '=', filter.ownerId)
      return (await query.execute()).map(toIdentity)
    },

    async listActiveHumansInGroups(groups) {
      if (groups.length === 0) return []
      const rows = await scope.db
        .selectFrom('identities')
        .selectAll()
        .where('status', '=', 'active')
        .where('kind', '=', 'human')
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('identity_groups')
              .select('identity_groups.identity_id')
              .whereRef('identity_groups.identity_id', '=', 'identities.id')
              .where('identity_groups.group_name', 'in', [...groups]),
          ),
        )
        .orderBy('id')
        .execute()
      return rows.map(toIdentity)
    },

    async insert(identity) {
      try {
        await scope.atomic(async (db) => {
          await db.insertInto('identities').values(toRow(identity, identity.version)).execute()
          await writeGroups(db, identity)
        })
      } catch (error) {
        if (!isUniqueViolation(error)) throw error
        throw new AppError(
          'identity.exists',
          'An identity with this id or OIDC subject already exists',
          {
            cause: error,
          },
        )
      }
    },

    async update(identity, expectedVersion) {
      return scope.atomic(async (db) => {
        const { id: _id, created_at: _created, ...changes } = toRow(identity, expectedVersion + 1)
        const result = await db
          .updateTable('identities')
          .set(changes)
          .where('id', '=', identity.id)
          .where('version', '=', expectedVersion)
          .executeTakeFirst()
        if (!changedOne(result)) return false
        // An insert needs nothing forgotten: rows that do not exist are never kept.
        scope.rows?.forget()
        await writeGroups(db, identity)
        return true
      })
    },
  }
}
