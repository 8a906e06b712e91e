import { fromJson, fromMs, toJson, toMs } from './codec.js';
function toExchange(row) {
    return {
        grantId: row.grant_id,
        requestId: row.request_id,
        workloadId: row.workload_id,
        issuer: row.issuer,
        subject: row.subject,
        tokenId: row.token_id,
        claims: fromJson(row.claims),
        completionTokenHash: row.completion_token_hash,
        createdAt: fromMs(row.created_at),
    };
}
export function workloadExchangeRepository(scope) {
    return {
        async insert(exchange) {
            await scope.db
                .insertInto('workload_exchanges')
                .values({
                grant_id: exchange.grantId,
                request_id: exchange.requestId,
                workload_id: exchange.workloadId,
                issuer: exchange.issuer,
                subject: exchange.subject,
                token_id: exchange.tokenId,
                claims: toJson(exchange.claims),
                completion_token_hash: exchange.completionTokenHash,
                created_at: toMs(exchange.createdAt),
            })
                .execute();
        },
        async getByGrant(grantId) {
            const row = await scope.db
                .selectFrom('workload_exchanges')
                .selectAll()
                .where('grant_id', '=', grantId)
                .executeTakeFirst();
            return row ? toExchange(row) : null;
        },
    };
}
