/** Upper bounds (ms, inclusive) of the revocation-lag histogram; fixed so periods compare. */
export const LAG_BUCKETS_MS = [
    10, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000,
];
/**
 * Nearest-rank percentile: the smallest value with at least p% of the values at or below it.
 * Always one of the inputs (no interpolation), so a report never shows a lag nobody had.
 */
export function nearestRank(sorted, p) {
    if (sorted.length === 0)
        return null;
    const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
    return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}
export function durationStats(values) {
    const sorted = [...values].sort((a, b) => a - b);
    return {
        count: sorted.length,
        p50Ms: nearestRank(sorted, 50),
        p95Ms: nearestRank(sorted, 95),
        p99Ms: nearestRank(sorted, 99),
        maxMs: sorted.length === 0 ? null : (sorted[sorted.length - 1] ?? null),
    };
}
/** Counts per bucket (not cumulative); the last bucket (`leMs` null) holds everything above 5 min. */
export function lagHistogram(values) {
    const buckets = [
        ...LAG_BUCKETS_MS.map((leMs) => ({ leMs, count: 0 })),
        { leMs: null, count: 0 },
    ];
    for (const v of values) {
        const bucket = buckets.find((b) => b.leMs === null || v <= b.leMs);
        if (bucket)
            bucket.count++;
    }
    return buckets;
}
/** numerator / denominator, or null when there is nothing to divide by. */
export function share(numerator, denominator) {
    return denominator === 0 ? null : numerator / denominator;
}
