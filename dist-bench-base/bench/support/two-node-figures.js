import { medianLag, retriedNote } from '../revocation-lag.js';
import { median } from './stats.js';
export function rowsOf(ours, floors, grants, shape) {
    const pick = (f) => median(ours.map(f));
    const lag = medianLag(ours.map((o) => o.lag));
    const floor = medianLag(floors);
    const takeover = pick((o) => o.leaseMs + o.sweepIntervalMs);
    const zero = [{ on: 'ours', op: '<=', value: 0 }];
    /** A count with no floor; without targets it is shown for information. */
    const count = (metric, f, targets = []) => ({
        metric,
        unit: 'count',
        ours: pick(f),
        floor: null,
        targets,
    });
    return [
        { metric: 'lag p50', unit: 'ms', ours: lag.p50, floor: floor.p50, targets: [] },
        {
            metric: 'lag p99',
            unit: 'ms',
            ours: lag.p99,
            floor: floor.p99,
            targets: [{ on: 'ours', op: '<=', value: 250 }],
        },
        { metric: 'lag max', unit: 'ms', ours: lag.max, floor: floor.max, targets: [] },
        count('missed (not revoked by window end + 5 s)', (o) => o.missed, zero),
        count('revoked twice (grants with > 1 grant.revoked event)', (o) => o.revokedTwice, zero),
        count(`revoked by node A (killed at ${(shape.killAt * shape.windowMs) / 1000} s)`, (o) => o.byVictim),
        count('revoked by node B (survivor)', (o) => o.bySurvivor),
        count('claims node A held when killed (not finished)', (o) => o.orphans),
        {
            metric: 'pickup: kill → B revokes the last of them (floor: lease left)',
            unit: 'ms',
            ours: pick((o) => o.pickupMaxMs),
            floor: pick((o) => o.leaseLeftMaxMs),
            targets: [{ on: 'ours', op: '<=', value: takeover }],
        },
        count("node A's share due and unrevoked when killed", (o) => o.shareAtKill),
        {
            metric: 'share pickup: kill → B revokes the last of them',
            unit: 'ms',
            ours: pick((o) => o.sharePickupMaxMs),
            floor: null,
            targets: [{ on: 'ours', op: '<=', value: takeover }],
        },
        {
            metric: 'longest event-loop stall of the survivor during the window',
            unit: 'ms',
            ours: pick((o) => o.survivorStallMs),
            floor: median(floors.map((f) => f.longestStallMs)),
            targets: [],
        },
        {
            metric: `revocations/s, both nodes, vs needed (${grants.toLocaleString('en-US')} / 10 s)`,
            unit: '/s',
            ours: pick((o) => o.throughput),
            floor: grants / (shape.windowMs / 1000),
            targets: [],
        },
    ];
}
export function notesOf(ours, grants, runs, origin, shape) {
    const pick = (f) => median(ours.map(f));
    const leaseMs = pick((o) => o.leaseMs);
    const sweepMs = pick((o) => o.sweepIntervalMs);
    const notes = [
        `${grants} grants, expiries evenly spread over ${shape.windowMs / 1000} s; ${runs} run(s), figures are medians over runs. ` +
            `PostgreSQL: ${origin}. Two node processes, each the real runtime with the engine's default settings ` +
            `(its own pool and workerId, system clock); node A gets SIGKILL ${(shape.killAt * shape.windowMs) / 1000} s into the window.`,
        `Pickup target: lease (leaseMs ${leaseMs} ms, the claim timeout) + sweep interval (${sweepMs} ms) = ${leaseMs + sweepMs} ms. ` +
            "The floor is how long after the kill the last of node A's leases ran out: no node may take over sooner.",
        `Share: node A revoked ${pick((o) => o.byVictim)} and node B ${pick((o) => o.bySurvivor)} (counted from grant.revoked audit events by actor).`,
        `jwt revocation records: ${pick((o) => o.jwtRecords)}; revoked grants without one: ${pick((o) => o.revokedWithoutRecord)}. ` +
            'A record is written insert-if-absent under one key per token, so a second write of it cannot be seen; ' +
            'double revocation is counted from the audit log.',
    ];
    const orphansLeft = pick((o) => o.orphansLeft);
    if (pick((o) => o.orphans) === 0) {
        notes.push('Node A held no unfinished claim when it was killed, so there was nothing to pick up.');
    }
    else if (orphansLeft > 0) {
        notes.push(`${orphansLeft} of node A's claims were still not revoked when we stopped: pickup is a lower bound.`);
    }
    const retried = retriedNote(ours);
    if (retried !== null)
        notes.push(retried);
    const unrevoked = pick((o) => o.unrevoked);
    if (unrevoked > 0) {
        notes.push(`${unrevoked} grants were still not revoked when we stopped node B (window end + ${(shape.graceMs + shape.stragglerWaitMs) / 1000} s ` +
            'at least, and long enough for the lease takeover); their lag counts as (then − due), so p50, p99 and max are lower bounds.');
    }
    const lateStartMs = pick((o) => o.lateStartMs);
    notes.push(`Engine start (first sweep, loading the heap; both nodes at once) took ${pick((o) => o.engineStartMs).toFixed(0)} ms ` +
        `of the ${(pick((o) => o.leadLeftMs) / 1000).toFixed(1)} s left before the first expiry` +
        (lateStartMs > 0
            ? ` — ${lateStartMs.toFixed(0)} ms too long, so the first grants were late before any work`
            : '') +
        `; node A was killed ${pick((o) => o.killedAtMs).toFixed(0)} ms into the window; seeding (bulk insert of the store's own rows, a sample read back through the store) took ${(pick((o) => o.seedMs) / 1000).toFixed(1)} s (not part of any figure).`, 'Floor: a min-heap and one re-armed setTimeout firing the same due times with no work (timer lateness alone), as in the one-node bench. ' +
        'Our lag is whole milliseconds (revokedAt − dueAt, as stored).');
    return notes;
}
