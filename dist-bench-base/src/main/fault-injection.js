import { FAULT_POINTS, NO_FAULTS } from '../domain/fault-points.js';
/** Test-only: `HOURGLASS_TEST_FAULT=<point>[@<n>]` kills the process the n-th time (default 1st) it reaches the point. */
export const FAULT_ENV = 'HOURGLASS_TEST_FAULT';
export function faultPointsFromEnv(env = process.env) {
    const raw = env[FAULT_ENV];
    if (raw === undefined || raw === '')
        return NO_FAULTS;
    const [name = '', nth = '1'] = raw.split('@');
    if (!FAULT_POINTS.includes(name)) {
        throw new Error(`${FAULT_ENV} names an unknown fault point "${name}"; known: ${FAULT_POINTS.join(', ')}`);
    }
    const armed = name;
    let remaining = Number.parseInt(nth, 10);
    if (!Number.isInteger(remaining) || remaining < 1)
        throw new Error(`${FAULT_ENV}: "@${nth}" must be a positive count`);
    return {
        reach(point) {
            if (point !== armed)
                return;
            remaining -= 1;
            // SIGKILL, not exit: no finally blocks, no flush, no graceful close — like a power cut.
            if (remaining === 0)
                process.kill(process.pid, 'SIGKILL');
        },
    };
}
