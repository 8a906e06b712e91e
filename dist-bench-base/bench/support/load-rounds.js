import { CONCURRENCY } from './served-world.js';
import { median, summarize } from './stats.js';
/** `options.rounds` closed-loop rounds of the benchmark's clients; throughput and latency are medians. */
export async function closedLoopRounds(load, options) {
    const closed = [];
    let failed = 0;
    let firstFailure = null;
    for (let r = 0; r < options.rounds; r++) {
        const res = await load.closed(CONCURRENCY, options.seconds * 1000);
        const s = summarize(res.latencies);
        closed.push({ throughput: (res.completed * 1000) / res.durationMs, p50: s.p50, p99: s.p99 });
        failed += res.failed;
        firstFailure ??= res.firstFailure;
    }
    return {
        throughput: median(closed.map((c) => c.throughput)),
        closedP50: median(closed.map((c) => c.p50)),
        closedP99: median(closed.map((c) => c.p99)),
        failed,
        firstFailure,
    };
}
/**
 * `options.rounds` open-loop rounds at half the closed-loop throughput (the "p99 at half
 * that rate"), latency counted from each scheduled send.
 */
export async function openLoopRounds(load, throughput, options) {
    const openRate = Math.max(1, Math.round(throughput / 2));
    const open = [];
    let failed = 0;
    let firstFailure = null;
    for (let r = 0; r < options.rounds; r++) {
        const res = await load.open(openRate, options.seconds * 1000);
        open.push(summarize(res.latencies));
        failed += res.failed;
        firstFailure ??= res.firstFailure;
    }
    return {
        openRate,
        openP50: median(open.map((o) => o.p50)),
        openP99: median(open.map((o) => o.p99)),
        failed,
        firstFailure,
    };
}
