import { availableParallelism } from 'node:os';
import { AppError } from '../domain/errors.js';
/** `--workers` as given on the command line: a count, or `auto`. */
export function parseWorkersOption(value) {
    if (value === 'auto')
        return 'auto';
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 64) {
        throw new AppError('config.invalid', `Invalid configuration:\n  server.workers: must be 1–64 or auto, not ${value}`);
    }
    return n;
}
/** `auto` is one worker per core this process may use (cgroup and affinity limits included). */
export function workerCount(setting) {
    return setting === 'auto' ? availableParallelism() : setting;
}
