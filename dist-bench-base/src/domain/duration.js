import { AppError } from './errors.js';
const SIMPLE = /^(\d{1,7})(s|m|h|d)$/;
const ISO = /^P(?:(\d{1,4})D)?(?:T(?:(\d{1,5})H)?(?:(\d{1,7})M)?(?:(\d{1,9})S)?)?$/;
const UNIT = { s: 1, m: 60, h: 3600, d: 86400 };
/** Longest duration anything in Hourglass may express: 366 days. */
export const MAX_DURATION_SECONDS = 366 * 86400;
/**
 * Parses `90s`, `15m`, `8h`, `2d`, ISO 8601 `PT1H30M` / `P1D`, or a whole number of seconds.
 * Negative, zero, fractional, absurd or malformed durations are rejected.
 */
export function parseDuration(input) {
    const seconds = typeof input === 'number' ? input : fromText(input.trim());
    if (!Number.isSafeInteger(seconds) || seconds <= 0 || seconds > MAX_DURATION_SECONDS) {
        throw new AppError('request.duration_invalid', `Invalid duration: ${describe(input)}`, {
            details: { maxSeconds: MAX_DURATION_SECONDS },
        });
    }
    return seconds;
}
function fromText(text) {
    if (/^\d{1,9}$/.test(text))
        return Number(text);
    const simple = SIMPLE.exec(text);
    if (simple)
        return Number(simple[1]) * (UNIT[simple[2] ?? 's'] ?? 1);
    const iso = ISO.exec(text);
    if (iso && text !== 'P' && !text.endsWith('T')) {
        const [, d, h, m, s] = iso;
        return Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
    }
    return Number.NaN;
}
function describe(input) {
    const text = String(input);
    return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
export function formatDuration(seconds) {
    if (seconds % 86400 === 0)
        return `${seconds / 86400}d`;
    if (seconds % 3600 === 0)
        return `${seconds / 3600}h`;
    if (seconds % 60 === 0)
        return `${seconds / 60}m`;
    return `${seconds}s`;
}
