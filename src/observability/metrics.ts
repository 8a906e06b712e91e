import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { GrantState } from '../domain/grant.js'

/** Every metric Hourglass exports, declared in one place with the `hourglass_` prefix. */
export interface Metrics {
  registry: Registry
  grantsByState: Gauge
  revocationsOverdue: Gauge
  grantsIrrevocable: Gauge
  revocationLag: Histogram
  connectorOperations: Counter
  policyEvaluationErrors: Counter
  notificationsDelivered: Counter
  notificationsDeadLettered: Counter
  breakGlassReviewsOverdue: Gauge
  siemSinkLag: Gauge
  siemDeliveries: Counter
}

export function createMetrics(): Metrics {
  const registry = new Registry()
  return {
    registry,
    grantsByState: new Gauge({
      name: 'hourglass_grants',
      help: 'Grants by lifecycle state',
      labelNames: ['state'],
      registers: [registry],
    }),
    revocationsOverdue: new Gauge({
      name: 'hourglass_revocations_overdue',
      help: 'Grants past their end that are not revoked yet (alert when > 0 for long)',
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
      help: 'Connector calls by kind, operation and outcome',
      labelNames: ['kind', 'op', 'outcome'],
      registers: [registry],
    }),
    policyEvaluationErrors: new Counter({
      name: 'hourglass_policy_evaluation_errors_total',
      help: 'Policy decisions that failed to evaluate (and therefore denied)',
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
  }
}

/** Refreshes the gauges that are read from the database at scrape time. */
export function setGrantGauges(
  metrics: Metrics,
  counts: Partial<Record<GrantState, number>>,
  overdue: number,
): void {
  metrics.grantsByState.reset()
  for (const [state, n] of Object.entries(counts)) metrics.grantsByState.set({ state }, n)
  metrics.grantsIrrevocable.set(counts.irrevocable ?? 0)
  metrics.revocationsOverdue.set(overdue)
}
