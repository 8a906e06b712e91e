import { AppError } from './errors.js';
const DAY_MS = 86_400_000;
export const DEFAULT_REPORT_DAYS = 30;
export const MAX_REPORT_DAYS = 366;
/** Full ISO 8601 instants only (a date alone is midnight UTC); anything else is refused, not guessed. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;
/** Date.parse rolls 2026-02-30 over to March; a calendar date that does not exist is refused. */
function isRealDate(text) {
    const [y, m, d] = text.slice(0, 10).split('-').map(Number);
    if (y === undefined || m === undefined || d === undefined)
        return false;
    const probe = new Date(Date.UTC(y, m - 1, d));
    return probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
}
function parseInstant(name, text) {
    const valid = ISO_INSTANT.test(text) && isRealDate(text);
    const at = valid ? new Date(text) : new Date(Number.NaN);
    if (Number.isNaN(at.getTime())) {
        throw new AppError('input.invalid', `${name} must be an ISO 8601 date or instant`, {
            details: { issues: [{ path: [name], message: 'not an ISO 8601 date or instant' }] },
        });
    }
    return at;
}
/**
 * The period a report covers, [from, to): by default the 30 days up to `now`; a missing end
 * is `now`, a missing start is 30 days before the end. At most 366 days, so one query stays bounded.
 */
export function resolveReportPeriod(input, now) {
    const to = input.to !== undefined ? parseInstant('to', input.to) : now;
    const from = input.from !== undefined
        ? parseInstant('from', input.from)
        : new Date(to.getTime() - DEFAULT_REPORT_DAYS * DAY_MS);
    const issue = (path, message) => new AppError('input.invalid', message, { details: { issues: [{ path: [path], message }] } });
    if (from.getTime() >= to.getTime())
        throw issue('from', 'from must be before to');
    if (to.getTime() - from.getTime() > MAX_REPORT_DAYS * DAY_MS) {
        throw issue('to', `a report covers at most ${String(MAX_REPORT_DAYS)} days`);
    }
    return { from, to };
}
