import { useState } from 'react'
import { EmptyState } from '../components/empty-state'
import { ErrorNotice } from '../components/error-notice'
import { OutcomeChart } from '../components/outcome-chart'
import { Page } from '../components/page'
import { lastDays, PeriodPicker, type Period } from '../components/period-picker'
import { useResource } from '../hooks/use-resource'
import { useSession } from '../hooks/use-session'
import { formatDateTime } from '../lib/format'
import {
  breakGlassRows,
  coverageRows,
  exceptionRows,
  formatMs,
  formatShare,
  lagHistogramRows,
  percentileRows,
  requestRows,
} from '../lib/report-rows'

/** Outcomes, not activity: the governance report for a period, charted and tabulated. */
export function MetricsPage() {
  const { client } = useSession()
  const [period, setPeriod] = useState<Period>(() => lastDays(30))
  const report = useResource(`report:${period.from}:${period.to}`, () =>
    client.governanceReport(period),
  )
  const r = report.data
  return (
    <Page
      title="Outcomes"
      intro="How well just-in-time access works: how fast access is taken back, how requests end, how fast reviewers answer, whether break-glass is reviewed, how often exceptions are used and how much access on targets is backed by a grant."
    >
      <PeriodPicker value={period} onChange={setPeriod} />
      {report.error && <ErrorNotice error={report.error} title="Could not load the report" />}
      {report.loading && <p role="status">Loading the report…</p>}
      {r && (
        <>
          <p className="muted" data-testid="report-period">
            {formatDateTime(r.period.from)} → {formatDateTime(r.period.to)} · generated{' '}
            {formatDateTime(r.generatedAt)}
          </p>
          {r.overall.requests.submitted === 0 && r.breakGlass.uses === 0 && (
            <EmptyState title="Nothing happened in this period">
              <p>Pick a longer period; the charts below show zeros.</p>
            </EmptyState>
          )}
          <div className="outcome-grid">
            <OutcomeChart
              testId="chart-revocation-lag"
              title="Revocation lag"
              summary={`From due to gone: p50 ${formatMs(r.overall.revocation.lag.p50Ms)}, p99 ${formatMs(r.overall.revocation.lag.p99Ms)} over ${r.overall.revocation.lag.count} revocations; ${r.overall.revocation.overdue} overdue, ${r.overall.revocation.irrevocable} irrevocable.`}
              rows={lagHistogramRows(r)}
              unit="revocations"
            />
            <OutcomeChart
              testId="chart-requests"
              title="Requests and grants"
              summary={`${r.overall.requests.submitted} requests, ${r.overall.requests.granted} grants.`}
              rows={requestRows(r)}
              unit="count"
            />
            <OutcomeChart
              testId="chart-approval-latency"
              title="Approval latency"
              summary={`${r.overall.reviewers.approvals} approvals; ${formatShare(r.overall.reviewers.ownershipMatch)} by an owner; reviews refused: ${r.overall.reviewers.blockedAttempts}.`}
              rows={percentileRows(r.overall.reviewers.approvalLatency)}
              unit="seconds"
            />
            <OutcomeChart
              testId="chart-breakglass"
              title="Break-glass review completion"
              summary={`${formatShare(r.breakGlass.reviewedInTimeShare)} of uses reviewed in time.`}
              rows={breakGlassRows(r)}
              unit="count"
            />
            <OutcomeChart
              testId="chart-exceptions"
              title="Exception rate"
              summary={`${r.exceptions.ratePer100Grants === null ? '—' : r.exceptions.ratePer100Grants.toFixed(1)} grants per 100 allowed only by an exception.`}
              rows={exceptionRows(r)}
              unit="count"
            />
            <OutcomeChart
              testId="chart-coverage"
              title="Coverage"
              summary={`${formatShare(r.coverage.share)} of access seen on targets is backed by a grant.`}
              rows={coverageRows(r)}
              unit="count"
            />
          </div>
        </>
      )}
    </Page>
  )
}
