/** A duration for people: `850 ms`, `12.5 s`, `4.2 min`, `3.1 h`, `2.0 d`; `-` when unknown. */
export function formatDuration(ms) {
    if (ms === null)
        return '-';
    if (ms < 1000)
        return `${String(Math.round(ms))} ms`;
    if (ms < 60_000)
        return `${(ms / 1000).toFixed(1)} s`;
    if (ms < 3_600_000)
        return `${(ms / 60_000).toFixed(1)} min`;
    if (ms < 86_400_000)
        return `${(ms / 3_600_000).toFixed(1)} h`;
    return `${(ms / 86_400_000).toFixed(1)} d`;
}
/** A share as a percentage with one decimal; `-` when there was nothing to divide by. */
export function formatShare(value) {
    return value === null ? '-' : `${(value * 100).toFixed(1)}%`;
}
/** One row describing a set of durations: how many, and their percentiles. */
export function statsRow(label, s) {
    return {
        measure: label,
        count: String(s.count),
        p50: formatDuration(s.p50Ms),
        p95: formatDuration(s.p95Ms),
        p99: formatDuration(s.p99Ms),
        max: formatDuration(s.maxMs),
    };
}
export const STATS_COLUMNS = ['measure', 'count', 'p50', 'p95', 'p99', 'max'];
