import { AggregatorRegistry } from 'prom-client';
/**
 * The gauges read from the database (and the SIEM cursors) at scrape time describe the node, not
 * a process: every process would report the same value and a sum would multiply it. They come
 * from the primary alone, whose checkpointer is the node's (its engine signs the checkpoints).
 */
export function nodeWideMetricNames(metrics) {
    const gauges = [
        metrics.grantsByState,
        metrics.grantsActive,
        metrics.revocationsOverdue,
        metrics.grantsIrrevocable,
        metrics.auditCheckpointAge,
        metrics.auditHeadSeq,
        metrics.findingsOpen,
        metrics.breakGlassReviewsOverdue,
        metrics.siemSinkLag,
    ];
    // prom-client keeps the name on the instance without declaring it in its types.
    return new Set(gauges.map((g) => g.name));
}
/** A worker's own metrics, without the node-wide gauges it never refreshes. */
export function processOnly(json, nodeWide) {
    return json.filter((m) => !nodeWide.has(m.name));
}
/**
 * One exposition for the node: counters and histograms summed over its processes (each metric's
 * own `aggregator` decides, e.g. the process start time is the oldest), the node-wide gauges as
 * the primary read them.
 */
export async function aggregateNode(all) {
    const registry = AggregatorRegistry.aggregate(all);
    return { contentType: registry.contentType, body: await registry.metrics() };
}
