/** Nearest-rank percentile of an ascending array; p in [0, 100]. */
export function percentile(sorted, p) {
    if (sorted.length === 0)
        return Number.NaN;
    const rank = Math.ceil((p / 100) * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}
export function median(values) {
    return percentile(ascending(values), 50);
}
export function ascending(values) {
    return [...values].sort((a, b) => a - b);
}
export function summarize(samples) {
    const sorted = ascending(samples);
    const sum = sorted.reduce((a, b) => a + b, 0);
    return {
        count: sorted.length,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: sorted.at(-1) ?? Number.NaN,
        mean: sorted.length === 0 ? Number.NaN : sum / sorted.length,
    };
}
/**
 * Collapses repeated runs into one figure per field: the median of each field over the runs, so
 * one run disturbed by a neighbour on the machine moves the figure little.
 */
export function medianOf(runs, keys) {
    const out = {};
    for (const key of keys)
        out[key] = median(runs.map((r) => r[key]));
    return out;
}
/** Milliseconds since the epoch with sub-millisecond precision, comparable across threads. */
export function nowMs() {
    return performance.timeOrigin + performance.now();
}
