import { pino } from 'pino';
/**
 * Redaction is centralised here; the Secret type is the second line of defence. Paths cover
 * headers and any field that by name holds a secret, at any of the first levels of nesting.
 */
export const REDACT_PATHS = [
    'req.headers.authorization',
    'req.headers.cookie',
    'headers.authorization',
    '*.password',
    '*.credential',
    '*.privateKey',
    '*.token',
    '*.secret',
    '*.dataKey',
    'password',
    'credential',
    'privateKey',
    'token',
    'secret',
    'dataKey',
];
export function createRootLogger(options) {
    return pino({
        level: options.level,
        base: { service: 'hourglass' },
        redact: { paths: REDACT_PATHS, censor: '[redacted]' },
        timestamp: pino.stdTimeFunctions.isoTime,
    }, options.destination ?? process.stderr);
}
