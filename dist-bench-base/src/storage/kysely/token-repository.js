import { changedOne, fromMs, fromMsOrNull, toMs, toMsOrNull } from './codec.js';
import { PreparedStatement } from './prepared-statement.js';
import { readCached } from './row-cache.js';
// Every API call authenticates with it (see prepared-statement.ts); cached on SQLite (row-cache.ts).
const GET_BY_HASH = new PreparedStatement((db, a) => db.selectFrom('api_tokens').selectAll().where('token_hash', '=', a.token_hash));
function toToken(row) {
    return {
        id: row.id,
        identityId: row.identity_id,
        name: row.name,
        tokenHash: row.token_hash,
        createdAt: fromMs(row.created_at),
        expiresAt: fromMsOrNull(row.expires_at),
        revokedAt: fromMsOrNull(row.revoked_at),
    };
}
export function tokenRepository(scope) {
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
                .execute();
        },
        async getByHash(tokenHash) {
            const row = await readCached(scope, 'api_tokens', tokenHash, async () => {
                const { rows } = await GET_BY_HASH.execute(scope, { token_hash: tokenHash });
                return rows[0];
            });
            return row ? toToken(row) : null;
        },
        async listForIdentity(identityId) {
            const rows = await scope.db
                .selectFrom('api_tokens')
                .selectAll()
                .where('identity_id', '=', identityId)
                .orderBy('created_at')
                .orderBy('id')
                .execute();
            return rows.map(toToken);
        },
        /** The first revocation wins and keeps its time; revoking again reports false. */
        async revoke(id, at) {
            const result = await scope.db
                .updateTable('api_tokens')
                .set({ revoked_at: toMs(at) })
                .where('id', '=', id)
                .where('revoked_at', 'is', null)
                .executeTakeFirst();
            scope.rows?.forget();
            return changedOne(result);
        },
    };
}
