import type { WorkloadExchange } from '../../domain/workload-exchange.js'
import type { WorkloadExchangeRepository } from '../store.js'
import { fromJson, fromMs, toJson, toMs } from './codec.js'
import type { WorkloadExchangeRow } from './database.js'
import type { Scope } from './scope.js'

function toExchange(row: WorkloadExchangeRow): WorkloadExchange {
  return {
    grantId: row.grant_id,
    requestId: row.request_id,
    workloadId: row.workload_id,
    issuer: row.issuer,
    subject: row.subject,
    tokenId: row.token_id,
    claims: fromJson(row.claims) as Record<string, string>,
    completionTokenHash: row.completion_token_hash,
    createdAt: fromMs(row.created_at),
  }
}

export function workloadExchangeRepository(scope: Scope): WorkloadExchangeRepository {
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
        .execute()
    },

    async getByGrant(grantId) {
      const row = await scope.db
        .selectFrom('workload_exchanges')
        .selectAll()
        .where('grant_id', '=', grantId)
        .executeTakeFirst()
      return row ? toExchange(row) : null
    },
  }
}
