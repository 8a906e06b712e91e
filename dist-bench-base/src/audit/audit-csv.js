/**
 * Audit events as CSV (RFC 4180): a fixed column set, every row the same width whatever the
 * event type. Free text sits in its own `text` column (justification, reason or comment) so a
 * spreadsheet shows it; everything else the event carries stays in `data` as canonical JSON.
 */
export const AUDIT_CSV_COLUMNS = [
    'seq',
    'id',
    'at',
    'type',
    'actor',
    'request_id',
    'grant_id',
    'text',
    'data',
    'prev_hash',
    'hash',
];
/** Keys whose value is the event's human-written text, most specific first. */
const TEXT_KEYS = ['justification', 'reason', 'comment'];
/** The header line, with its CRLF terminator. */
export function auditCsvHeader() {
    return AUDIT_CSV_COLUMNS.join(',') + '\r\n';
}
/** One event as one CSV record, with its CRLF terminator (quoted newlines may sit inside). */
export function auditCsvRow(event) {
    const values = {
        seq: String(event.seq),
        id: event.id,
        at: event.at.toISOString(),
        type: event.type,
        actor: event.actor,
        request_id: event.requestId ?? '',
        grant_id: event.grantId ?? '',
        text: textOf(event.data),
        data: JSON.stringify(event.data),
        prev_hash: event.prevHash,
        hash: event.hash,
    };
    return AUDIT_CSV_COLUMNS.map((c) => csvCell(values[c])).join(',') + '\r\n';
}
/**
 * One cell: neutralised against formula injection, then quoted when RFC 4180 requires it.
 * A spreadsheet runs a cell starting with = + - @ (or tab/CR, which some strip first) as a
 * formula; a leading `'` makes it text. The justification is attacker-controlled input.
 */
export function csvCell(value) {
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
function textOf(data) {
    for (const key of TEXT_KEYS) {
        const v = data[key];
        if (typeof v === 'string')
            return v;
    }
    return '';
}
