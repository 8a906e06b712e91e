import type { ApiToken, TokenRepository } from '../store.js'
import { changedOne, fromMs, fromMsOrNull, toMs, toMsOrNull } from './codec.js'
import type { Scope } from './scope.js'
import type { ApiTokenRow, IdentityRow } from './database.js'
import { identityRepository, toIdentity } from './identity-repository.js'
import { PreparedStatement } from './prepared-statement.js'
import { readCached } from './row-cache.js'

// Every API call authenticates with it (see prepared-statement.ts); cached on SQLite (row-cache.ts).
const GET_BY_HASH = new PreparedStatement<{ token_hash: string }>((db, a) =>
  db.selectFrom('api_tokens').selectAll().where('token_hash', '=', a.token_hash),
)

// The token's columns as they are, its identity's under `i_` names: one round trip for both.
const GET_BY_HASH_WITH_IDENTITY = new PreparedStatement<{ token_hash: string }>((db, a) =>
  db
    .selectFrom('api_tokens as t')
    .leftJoin('identities as i', 'i.id', 't.identity_id')
    .selectAll('t')
    .select([
      'i.id as i_id',
      'i.kind as i_kind',
      'i.display_name as i_display_name',
      'i.email as i_email',
      'i.status as i_status',
      'i.groups as i_groups',
      'i.owner_id as i_owner_id',
      'i.purpose as i_purpose',
      'i.oidc_issuer as i_oidc_issuer',
      'i.oidc_subject as i_oidc_subject',
      'i.created_at as i_created_at',
      'i.updated_at as i_updated_at',
      'i.version as i_version',
    ])
    .where('t.token_hash', '=', a.token_hash),
)

// Every identity column is null when the join found none; i_id is the one to test.
type TokenWithIdentityRow = ApiTokenRow &
  Omit<{ [K in keyof IdentityRow as `i_${K}`]: IdentityRow[K] }, 'i_id'> & { i_id: string | null }

function identityOf(row: TokenWithIdentityRow): IdentityRow | null {
  if (row.i_id === null) return null
  return {
    id: row.i_id,
    kind: row.i_kind,
    display_name: row.i_display_name,
    email: row.i_email,
    status: row.i_status,
    groups: row.i_groups,
    owner_id: row.i_owner_id,
    purpose: row.i_purpose,
    oidc_issuer: row.i_oidc_issuer,
    oidc_subject: row.i_oidc_subject,
    created_at: row.i_created_at,
    updated_at: row.i_updated_at,
    version: row.i_version,
  }
}

function toToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    identityId: row.identity_id,
    name: row.name,
    tokenHash: row.token_hash,
    createdAt: fromMs(row.created_at),
    expiresAt: fromMsOrNull(row.expires_at),
    revokedAt: fromMsOrNull(row.revoked_at),
  }
}

export function tokenRepository(scope: Scope): TokenRepository {
  async function getByHash(tokenHash: string): Promise<ApiToken | null> {
    const row = await readCached(scope, 'api_tokens', tokenHash, async () => {
      const { rows } = await GET_BY_HASH.execute<ApiTokenRow>(scope, { token_hash: tokenHash })
      return rows[0]
    })
    return row ? toToken(row) : null
  }

  return {
    async insert(token) {
      await scope.db
        .insertInto('api_tokens')
        .values({
          id: token.id,
          identity_id: token.identityId,
          name: token.name,
          token_hash: token.tokenHash,
          created_at: toMs(token.createdAt),
          expires_at: toMsOrNull(token.expiresAt),
          revoked_at: toMsOrNull(token.revokedAt),
        })
        .execute()
    },

    getByHash,

    async getByHashWithIdentity(tokenHash) {
      // SQLite reads both from the row cache (no round trips there): keep that path.
      if (scope.rows) {
        const token = await getByHash(tokenHash)
        return token ? { token, identity: await identityRepository(scope).get(token.identityId) } : null
      }
      const { rows } = await GET_BY_HASH_WITH_IDENTITY.execute<TokenWithIdentityRow>(scope, { token_hash: tokenHash })
      const row = rows[0]
      if (!row) return null
      const identity = identityOf(row)
      return { token: toToken(row), identity: identity ? toIdentity(identity) : null }
    },

    async listForIdentity(identityId) {
      const rows = await scope.db
        .selectFrom('api_tokens')
        .selectAll()
        .where('identity_id', '=', identityId)
        .orderBy('created_at')
        .orderBy('id')
        .execute()
      return rows.map(toToken)
    },

    /** The first revocation wins and keeps its time; revoking again reports false. */
    async revoke(id, at) {
      const result = await scope.db
        .updateTable('api_tokens')
        .set({ revoked_at: toMs(at) })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
      scope.rows?.forget()
      return changedOne(result)
    },
  }
}
