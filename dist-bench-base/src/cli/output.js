import { AppError } from '../domain/errors.js';
import { EXIT_CODES } from './client.js';
export function createOutput(json) {
    return {
        json,
        print(value, human) {
            process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : human(value) + '\n');
        },
        info(message) {
            if (!json)
                process.stderr.write(message + '\n');
        },
    };
}
const HINTS = {
    'auth.missing': 'set HOURGLASS_TOKEN or pass --token',
    'auth.invalid_token': 'the token is wrong, expired or revoked; ask an admin for a new one',
    'request.denied_by_policy': 'see the reasons; `hourglass policy test` shows what the policy expects',
    'grant.window_exceeds_policy': 'ask for a shorter --duration',
    'request.ticket_required': 'add --ticket <KEY>',
    'review.self_review_forbidden': 'someone else must review your request',
    'store.unavailable': 'is `hourglass serve` running? check --server / HOURGLASS_URL',
    'grant.credential_unavailable': 'credentials are shown once; revoke and request again if it was lost',
};
/** Prints an error with its code and a hint, and returns the exit code for its category. */
export function reportError(error, json) {
    const app = error instanceof AppError ? error : new AppError('internal', error instanceof Error ? error.message : 'failed');
    if (json) {
        process.stdout.write(JSON.stringify({ error: { code: app.code, message: app.message, details: app.details } }) + '\n');
    }
    else {
        process.stderr.write(`error [${app.code}]: ${app.message}\n`);
        const hint = HINTS[app.code];
        if (hint)
            process.stderr.write(`hint: ${hint}\n`);
    }
    return EXIT_CODES[app.category];
}
export function table(rows, columns) {
    if (rows.length === 0)
        return '(none)';
    const cell = (v) => (v === null || v === undefined ? '-' : v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : JSON.stringify(v));
    const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
    const line = (values) => values.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
    return [line(columns.map((c) => c.toUpperCase())), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))].join('\n');
}
