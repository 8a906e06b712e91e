import { describe, expect, it } from 'vitest'
import { createMetrics } from '../observability/metrics.js'
import { aggregateNode, nodeWideMetricNames, processOnly } from './cluster-metrics.js'

function line(body: string, prefix: string): string | undefined {
  return body.split('\n').find((l) => l.startsWith(prefix))
}

describe('one exposition for a node of several processes', () => {
  it('sums per-process counters and takes the database gauges from the primary alone', async () => {
    const primary = createMetrics()
    const workers = [createMetrics(), createMetrics()]
    primary.grantsByState.set({ state: 'active' }, 7)
    workers.forEach((w, i) => {
      w.httpRequests.inc({ method: 'POST', route: '/v1/requests', status: '201' }, 10 + i)
      // A worker's stale copy of a node-wide gauge must not be added to the primary's.
      w.grantsByState.set({ state: 'active' }, 7)
    })
    const nodeWide = nodeWideMetricNames(primary)
    expect(nodeWide.has('hourglass_grants')).toBe(true)
    expect(nodeWide.has('hourglass_http_requests_total')).toBe(false)

    const theirs = await Promise.all(workers.map(async (w) => processOnly(await w.registry.getMetricsAsJSON(), nodeWide)))
    const { body } = await aggregateNode([await primary.registry.getMetricsAsJSON(), ...theirs])
    expect(line(body, 'hourglass_http_requests_total{')).toBe('hourglass_http_requests_total{method="POST",route="/v1/requests",status="201"} 21')
    expect(line(body, 'hourglass_grants{state="active"}')).toBe('hourglass_grants{state="active"} 7')
  })
})
