import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { auditCsvHeader, auditCsvRow } from '../../audit/audit-csv.js';
import { toOcsf } from '../../audit/ocsf.js';
import { canonicalJson } from '../../domain/canonical-json.js';
import { AppError } from '../../domain/errors.js';
import { PACKAGE_VERSION } from '../../main/version.js';
import { contextOf } from '../context.js';
import { progress } from '../progress.js';
const PAGE = 2000;
const FORMATS = ['jsonl', 'csv', 'ocsf'];
/** Requests remembered for OCSF subjects; bounded so a long export keeps bounded memory. */
const FACTS_CACHE = 10_000;
/**
 * Pages of events with from ≤ seq ≤ to, in sequence order; without `to`, up to the head as it
 * stands when the last page is read (events appended during the export are included). One page
 * is in memory at a time: the caller writes it out before the next is asked for.
 */
export async function* auditPages(client, fromSeq, toSeq = Number.POSITIVE_INFINITY) {
    let cursor = fromSeq - 1;
    while (cursor < toSeq) {
        const limit = Math.min(PAGE, toSeq - cursor);
        const page = await client.get('/v1/audit/events', { after: cursor, limit });
        const items = page.items.filter((e) => e.seq <= toSeq).map((e) => ({ ...e, at: new Date(e.at) }));
        if (items.length === 0)
            return;
        yield items;
        cursor = items[items.length - 1]?.seq ?? toSeq;
        if (cursor >= page.head.seq)
            return;
    }
}
export function registerAuditExport(audit) {
    audit
        .command('export')
        .description('write audit events in sequence order as JSONL, CSV or OCSF (JSONL); see docs/siem.md')
        .option('--format <format>', `one of ${FORMATS.join(', ')}`, 'jsonl')
        .option('-o, --out <file>', 'file to write (default: stdout)')
        .option('--from-seq <seq>', 'first sequence number to export (default: 1)')
        .option('--to-seq <seq>', 'last sequence number to export (default: the head)')
        .option('--after <seq>', 'start after this sequence number (same as --from-seq seq+1)')
        .action(async (o, cmd) => {
        const { client } = contextOf(cmd);
        const format = parseFormat(o.format);
        const head = (await client.get('/v1/audit/events', { after: 0, limit: 1 })).head.seq;
        const fromSeq = o.fromSeq !== undefined ? seqOption('--from-seq', o.fromSeq) : seqOption('--after', o.after ?? '0') + 1;
        const toSeq = o.toSeq !== undefined ? seqOption('--to-seq', o.toSeq) : undefined;
        const file = o.out ? createWriteStream(o.out, { mode: 0o600 }) : null;
        const sink = file ?? process.stdout;
        const write = async (text) => {
            // Respect backpressure, so a slow disk or pipe never makes the export hold every page.
            if (!sink.write(text))
                await once(sink, 'drain');
        };
        const encode = encoderFor(format, client);
        if (format === 'csv')
            await write(auditCsvHeader());
        const bar = progress(`exporting ${format}`, Math.max(0, Math.min(toSeq ?? head, head) - fromSeq + 1));
        for await (const page of auditPages(client, Math.max(1, fromSeq), toSeq)) {
            let chunk = '';
            for (const e of page)
                chunk += await encode(e);
            await write(chunk);
            bar.tick(page.length);
        }
        bar.done();
        if (file)
            await new Promise((resolve) => file.end(resolve));
    });
}
function encoderFor(format, client) {
    switch (format) {
        case 'jsonl':
            // Canonical (keys sorted, `hash` in its sorted place): the line minus its hash member is
            // then the very text the hash covers, which lets `audit verify --file` skip JSON.parse.
            return (e) => Promise.resolve(canonicalJson(e) + '\n');
        case 'csv':
            return (e) => Promise.resolve(auditCsvRow(e));
        case 'ocsf': {
            const facts = requestFactsFromApi(client);
            const product = { name: 'Hourglass', vendorName: 'Hourglass', version: PACKAGE_VERSION };
            return async (e) => JSON.stringify(toOcsf(e, product, await facts(e))) + '\n';
        }
    }
}
/**
 * Subject and entitlement of an event's request: remembered from the request's own events as
 * they stream past, else asked of the API once. Bounded, oldest forgotten first.
 */
function requestFactsFromApi(client) {
    const known = new Map();
    const remember = (id, facts) => {
        if (known.size >= FACTS_CACHE)
            known.delete(known.keys().next().value);
        known.set(id, facts);
    };
    return async (e) => {
        if (e.requestId === null)
            return null;
        const subjectId = e.data.subjectId;
        const entitlementId = e.data.entitlementId;
        if (typeof subjectId === 'string' && typeof entitlementId === 'string') {
            remember(e.requestId, { subjectId, entitlementId });
        }
        if (known.has(e.requestId))
            return known.get(e.requestId) ?? null;
        if (!e.type.startsWith('grant.'))
            return null;
        const request = await client
            .get(`/v1/requests/${encodeURIComponent(e.requestId)}`)
            .catch(() => null);
        const facts = request ? { subjectId: request.subjectId, entitlementId: request.entitlementId } : null;
        remember(e.requestId, facts);
        return facts;
    };
}
function parseFormat(value) {
    const format = FORMATS.find((f) => f === value);
    if (!format)
        throw new AppError('input.invalid', `--format must be one of ${FORMATS.join(', ')}`);
    return format;
}
function seqOption(name, value) {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 0) {
        throw new AppError('input.invalid', `${name} must be a whole number ≥ 0`);
    }
    return n;
}
