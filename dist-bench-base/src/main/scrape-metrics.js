import { CONNECTOR_KINDS } from '../connectors/registry.js';
import { FINDING_KINDS } from '../domain/finding.js';
import { GRANT_STATES } from '../domain/grant.js';
import { setScrapedGauges } from '../observability/metrics.js';
/**
 * Refreshes the database-backed gauges and renders the exposition. A scrape costs a few
 * grouped COUNT queries and two indexed reads, whatever the size of the tables, so a scraper
 * (or someone hammering an open `/metrics`) cannot make the server list whole tables.
 */
export async function scrapeMetrics(metrics, deps) {
    const { store, checkpointer } = deps;
    const now = deps.clock.now();
    const [byState, activeByConnector, overdue, findings, reviewsOverdue, head, uncoveredSince] = await Promise.all([
        store.grants.countByState(),
        store.grants.countActiveByConnector(),
        store.grants.countOverdue(now),
        store.findings.countOpenByKind(),
        store.breakGlassReviews.countOverdue(now),
        store.audit.head(),
        checkpointer.oldestUncoveredAt(),
    ]);
    setScrapedGauges(metrics, {
        grantsByState: withZeros(GRANT_STATES, byState),
        grantsActiveByConnector: withZeros(CONNECTOR_KINDS, activeByConnector),
        revocationsOverdue: overdue,
        findingsOpenByType: withZeros(FINDING_KINDS, findings),
        breakGlassReviewsOverdue: reviewsOverdue,
        auditHeadSeq: head.seq,
        auditCheckpointAgeSeconds: uncoveredSince === null ? 0 : Math.max(0, (now.getTime() - uncoveredSince.getTime()) / 1000),
    });
    return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
}
/** Every known label value, zero when the database has none: series exist from the first scrape. */
function withZeros(known, counts) {
    const out = {};
    for (const key of known)
        out[key] = 0;
    for (const [key, n] of Object.entries(counts))
        out[key] = n ?? 0;
    return out;
}
