import { ComingSoon } from '../components/coming-soon'
import { Page } from '../components/page'

// Placeholder until the outcome-metrics API exists (DESIGN §7). chart.js and react-chartjs-2 are
// available for the charts; they are not imported yet so the bundle carries no dead weight.
export function MetricsPage() {
  return (
    <Page title="Outcome metrics">
      <ComingSoon api="/v1/metrics/outcomes">
        <p>
          Charts will show revocation lag (p50/p95/p99/max), requested versus granted durations,
          reviewer-ownership match rate, time to access, break-glass and exception rates, and
          coverage. Prometheus metrics are already served at <code>/metrics</code>.
        </p>
      </ComingSoon>
    </Page>
  )
}
