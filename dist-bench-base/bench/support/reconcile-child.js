import { diffAccess } from '../../src/domain/finding.js';
import { nowMs } from './stats.js';
/*
 * Runs in its own process so that its peak resident memory is the diff's alone:
 * `node reconcile-child.js diff|set <n>` prints { ms, peakRssMiB, findings } as JSON.
 */
const [mode, rawCount] = process.argv.slice(2);
const count = Number(rawCount);
/** A target with `count` entries and as many grants: 2% lingering, 1% shadow, 1% drift. */
function generate(n) {
    const grants = new Map();
    const observed = [];
    for (let i = 0; i < n; i++) {
        const grantId = `grt_${i.toString(36).padStart(22, '0')}`;
        grants.set(grantId, {
            grantId,
            state: i % 50 === 0 ? 'revoked' : 'active',
            privileges: ['orders:read'],
        });
        observed.push({
            key: `role:hg_${i.toString(36)}`,
            principal: `hg_${i.toString(36)}`,
            grantId: i % 100 === 1 ? null : grantId,
            privileges: i % 100 === 2 ? ['orders:read', 'orders:write'] : ['orders:read'],
        });
    }
    return { observed, grants };
}
const { observed, grants } = generate(count);
const start = nowMs();
const findings = mode === 'diff'
    ? diffAccess(observed, grants).length
    : // The floor: observed grant ids missing from the grants' key set, nothing else.
        observed.filter((o) => o.grantId === null || !grants.has(o.grantId)).length;
const ms = nowMs() - start;
process.stdout.write(JSON.stringify({ ms, peakRssMiB: process.resourceUsage().maxRSS / 1024, findings }));
