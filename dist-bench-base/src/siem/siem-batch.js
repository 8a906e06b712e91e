import { toOcsf } from '../audit/ocsf.js';
/** NDJSON: what Splunk HEC, Elastic and most HTTP collectors take as a batch. */
export const SIEM_CONTENT_TYPE = 'application/x-ndjson';
/**
 * One delivery body: one event per line, in sequence order. A `jsonl` line is the event exactly
 * as `hourglass audit export` writes it (so a receiver can verify the hash chain); an `ocsf`
 * line carries the sequence as `metadata.sequence`. Either way every line has its seq, and a
 * receiver de-duplicates by it.
 */
export function encodeSiemBatch(events, format, product, facts) {
    let body = '';
    for (const e of events) {
        body += (format === 'ocsf' ? JSON.stringify(toOcsf(e, product, facts(e))) : JSON.stringify(e)) + '\n';
    }
    return body;
}
/**
 * The `webhook-id` of a delivery: the same for the same range, so a receiver that keeps ids
 * sees a retried batch as a replay. No `.`: Standard Webhooks forbids it in ids.
 */
export function siemDeliveryId(sink, firstSeq, lastSeq) {
    return `siem_${sink}_${firstSeq}-${lastSeq}`;
}
