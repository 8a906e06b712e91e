import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { median } from './support/stats.js';
const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./support/reconcile-child.js', import.meta.url));
async function inChild(mode, count) {
    const { stdout } = await run(process.execPath, [CHILD, mode, String(count)], {
        maxBuffer: 1 << 20,
    });
    return JSON.parse(stdout);
}
export const reconcileDiff = {
    name: 'reconcile',
    title: 'Reconciliation diff: diffAccess on generated target state vs a bare key-set difference',
    async run(options, progress) {
        const count = options.keys;
        const ours = [];
        const floor = [];
        for (let r = 0; r < options.rounds; r++) {
            ours.push(await inChild('diff', count));
            floor.push(await inChild('set', count));
            progress(`reconcile: round ${r + 1}/${options.rounds}`);
        }
        const n = count.toLocaleString('en-US');
        const rows = [
            {
                metric: `diff time, ${n} observed vs ${n} grants`,
                unit: 's',
                ours: median(ours.map((o) => o.ms)) / 1000,
                floor: median(floor.map((f) => f.ms)) / 1000,
                targets: [{ on: 'ours', op: '<=', value: 10 }],
            },
            {
                metric: 'peak resident memory of the process (data + diff)',
                unit: 'MiB',
                ours: median(ours.map((o) => o.peakRssMiB)),
                floor: median(floor.map((f) => f.peakRssMiB)),
                targets: [{ on: 'ours', op: '<=', value: 1024 }],
            },
        ];
        const notes = [
            `Each figure runs in a fresh process (${options.rounds} each, median) holding the generated target state and grants ` +
                '(2% lingering, 1% shadow, 1% drift); time covers the diff only, memory is the process peak (VmHWM via resourceUsage).',
            `Findings: ${ours[0]?.findings ?? 0} (ours, with drift) vs ${floor[0]?.findings ?? 0} (floor: missing keys only).`,
        ];
        return {
            name: this.name,
            title: this.title,
            params: { keys: count, rounds: options.rounds },
            rows,
            notes,
        };
    },
};
