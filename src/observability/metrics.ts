import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { GrantState } from '../domain/grant.js'

/**
 * Every metric Hourglass exports, declared in one place with the `hourglass_` prefix.
 * docs/operations.md describes each one, its labels, and the alerts built on them. No label
 * ever carries an id (grant, request, identity): label values come from small closed sets
 * (states, kinds, route templates), so the series count stays bounded.
 */
export interface Metrics {
  registry: Registry
  grantsByState: Gauge
  grantsActive: Gauge
  revocationsOverdue: Gauge
  grantsIrrevocable: Gauge
  revocationLag: Histogram
  connectorOperations: Counter
  connectorOperationSeconds: Histogram
  policyEvaluationErrors: Counter
  auditAppendFailures: Counter
  auditCheckpointAge: Gauge
  auditCheckpointFailures: Counter
  auditHeadSeq: Gauge
  findingsOpen: Gauge
  notificationsDelivered: Counter
  notificationsDeadLettered: Counter
  breakGlassReviewsOverdue: Gauge
  httpRequests: Counter
  httpRequestSeconds: Histogram
  siemSinkLag: Gauge
  siemDeliveries: Counter
  connectorStatePruned: Counter
  connectorStatePruneFailures: Counter
}

export function createMetrics(): Metrics {
  const registry = new Registry()
  // Process and Node.js runtime metrics (CPU, memory, event loop lag, handles).
  collectDefaultMetrics({ register: registry, prefix: 'hourglass_' })
  return {
    registry,
    grantsByState: new Gauge({
      name: 'hourglass_grants',
      help: 'Grants by lifecycle state',
      labelNames: ['state'],
      registers: [registry],
    }),
    grantsActive: new Gauge({
      name: 'hourglass_grants_active',
      help: 'Active grants by connector kind',
      labelNames: ['connector'],
      registers: [registry],
    }),
    revocationsOverdue: new Gauge({
      name: 'hourglass_revocations_overdue',
      help: 'Grants past their revocation due time that are not revoked yet (alert when > 0 for long)',
      registers: [registry],
    }),
    grantsIrrevocable: new Gauge({
      name: 'hourglass_grants_irrevocable',
      help: 'Grants whose revocation failed every attempt: a human must act (alert when > 0)',
      registers: [registry],
    }),
    revocationLag: new Histogram({
      name: 'hourglass_revocation_lag_seconds',
      help: 'Revoked-at minus due-at, per revocation',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 60, 300],
      registers: [registry],
    }),
    connectorOperations: new Counter({
      name: 'hourglass_connector_operations_total',
      help: 'Connector calls by kind, operation and outcome (ok, or the failure reason)',
      labelNames: ['kind', 'op', 'outcome'],
      registers: [registry],
    }),
    connectorOperationSeconds: new Histogram({
      name: 'hourglass_connector_operation_seconds',
      help: 'Duration of connector calls by kind and operation, failures included',
      labelNames: ['kind', 'op'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    policyEvaluationErrors: new Counter({
      name: 'hourglass_policy_evaluation_errors_total',
      help: 'Policy decisions that failed to evaluate (and therefore denied)',
      registers: [registry],
    }),
    auditAppendFailures: new Counter({
      name: 'hourglass_audit_append_failures_total',
      help: 'Audit appends that failed; the change they recorded was rolled back (alert when it grows)',
      registers: [registry],
    }),
    auditCheckpointAge: new Gauge({
      name: 'hourglass_audit_checkpoint_age_seconds',
      help: 'How long the oldest audit event not covered by a verified, signed checkpoint has waited (0 when all are covered)',
      registers: [registry],
    }),
    auditCheckpointFailures: new Counter({
      name: 'hourglass_audit_checkpoint_failures_total',
      help: 'Checkpoints not signed because the chain segment since the previous one failed verification',
      registers: [registry],
    }),
    auditHeadSeq: new Gauge({
      name: 'hourglass_audit_head_seq',
      help: 'Sequence number of the newest audit event',
      registers: [registry],
    }),
    findingsOpen: new Gauge({
      name: 'hourglass_findings_open',
      help: 'Open reconciliation and governance findings by type',
      labelNames: ['type'],
      registers: [registry],
    }),
    notificationsDelivered: new Counter({
      name: 'hourglass_notifications_delivered_total',
      help: 'Outbox notifications delivered, by channel',
      labelNames: ['channel'],
      registers: [registry],
    }),
    notificationsDeadLettered: new Counter({
      name: 'hourglass_notifications_dead_lettered_total',
      help: 'Outbox notifications given up after their last attempt, by channel (alert when it grows)',
      labelNames: ['channel'],
      registers: [registry],
    }),
    breakGlassReviewsOverdue: new Gauge({
      name: 'hourglass_breakglass_reviews_overdue',
      help: 'Break-glass uses past their post-use review deadline and not reviewed (alert when > 0)',
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'hourglass_http_requests_total',
      help: 'HTTP requests by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpRequestSeconds: new Histogram({
      name: 'hourglass_http_request_duration_seconds',
      help: 'HTTP request duration by method and route template',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    siemSinkLag: new Gauge({
      name: 'hourglass_siem_sink_lag_events',
      help: 'Audit events not yet acknowledged by a SIEM sink (alert when it keeps growing)',
      labelNames: ['sink'],
      registers: [registry],
    }),
    siemDeliveries: new Counter({
      name: 'hourglass_siem_deliveries_total',
      help: 'SIEM batch deliveries by sink and outcome (delivered, failed)',
      labelNames: ['sink', 'outcome'],
      registers: [registry],
    }),
    connectorStatePruned: new Counter({
      name: 'hourglass_connector_state_pruned_total',
      help: 'Connector state entries (jwt revocation records) deleted past their exp plus retention, by connector kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    connectorStatePruneFailures: new Counter({
      name: 'hourglass_connector_state_prune_failures_total',
      help: 'Prune passes over one target that failed (retried at the next pass; alert when it keeps growing)',
      registers: [registry],
    }),
  }
}

/**
 * What the scrape reads from the database: a handful of COUNT queries, nothing listed. The
 * caller fills every known state, connector kind and finding type (zeros included), so each
 * series exists from the first scrape and an alert never waits on a series appearing.
 */
export interface ScrapedCounts {
  grantsByState: Partial<Record<GrantState, number>>
  grantsActiveByConnector: Record<string, number>
  revocationsOverdue: number
  findingsOpenByType: Record<string, number>
  breakGlassReviewsOverdue: number
  auditHeadSeq: number
  auditCheckpointAgeSeconds: number
}

/** Refreshes the gauges that are read from the database at scrape time. */
export function setScrapedGauges(metrics: Metrics, counts: ScrapedCounts): void {
  metrics.grantsByState.reset()
  for (const [state, n] of Object.entries(counts.grantsByState)) metrics.grantsByState.set({ state }, n)
  metrics.grantsIrrevocable.set(counts.grantsByState.irrevocable ?? 0)
  metrics.revocationsOverdue.set(counts.revocationsOverdue)
  // Reset first: a label absent from this scrape must not keep its last value.
  metrics.grantsActive.reset()
  for (const [connector, n] of Object.entries(counts.grantsActiveByConnector)) {
    metrics.grantsActive.set({ connector }, n)
  }
  metrics.findingsOpen.reset()
  for (const [type, n] of Object.entries(counts.findingsOpenByType)) metrics.findingsOpen.set({ type }, n)
  metrics.breakGlassReviewsOverdue.set(counts.breakGlassReviewsOverdue)
  metrics.auditHeadSeq.set(counts.auditHeadSeq)
  metrics.auditCheckpointAge.set(counts.auditCheckpointAgeSeconds)
}
