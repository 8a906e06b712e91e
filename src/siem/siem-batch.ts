import { toOcsf, type OcsfProduct, type RequestFacts } from '../audit/ocsf.js'
import type { AuditEvent } from '../domain/audit-event.js'

export type SiemFormat = 'jsonl' | 'ocsf'

/** NDJSON: what Splunk HEC, Elastic and most HTTP collectors take as a batch. */
export const SIEM_CONTENT_TYPE = 'application/x-ndjson'

/**
 * One delivery body: one event per line, in sequence order. A `jsonl` line is the event exactly
 * as `hourglass audit export` writes it (so a receiver can verify the hash chain); an `ocsf`
 * line carries the sequence as `metadata.sequence`. Either way every line has its seq, and a
 * receiver de-duplicates by it.
 */
export function encodeSiemBatch(
  events: readonly AuditEvent[],
  format: SiemFormat,
  product: OcsfProduct,
  facts: (event: AuditEvent) => RequestFacts | null,
): string {
  let body = ''
  for (const e of events) {
    body += (format === 'ocsf' ? JSON.stringify(toOcsf(e, product, facts(e))) : JSON.stringify(e)) + '\n'
  }
  return body
}

/**
 * The `webhook-id` of a delivery: the same for the same range, so a receiver that keeps ids
 * sees a retried batch as a replay. No `.`: Standard Webhooks forbids it in ids.
 */
export function siemDeliveryId(sink: string, firstSeq: number, lastSeq: number): string {
  return `siem_${sink}_${firstSeq}-${lastSeq}`
}
