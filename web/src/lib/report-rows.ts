import type { GovernanceReport } from '../api/types'
import type { OutcomeRow } from '../components/outcome-chart'

type Stats = GovernanceReport['overall']['timeToAccess']

/** Milliseconds as a person reads them: "850 ms", "4.2 s", "3.5 min", "2.1 h". */
export function formatMs(ms: number | null): string {
  if (ms === null) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`
  return `${(ms / 3_600_000).toFixed(1)} h`
}

export function formatShare(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 1000) / 10} %`
}

function count(label: string, value: number): OutcomeRow {
  return { label, value }
}

/** Percentiles in seconds for the bars, and readable durations in the table. */
export function percentileRows(stats: Stats): OutcomeRow[] {
  const row = (label: string, ms: number | null): OutcomeRow => ({
    label,
    value: ms === null ? null : ms / 1000,
    text: formatMs(ms),
  })
  return [
    row('p50', stats.p50Ms),
    row('p95', stats.p95Ms),
    row('p99', stats.p99Ms),
    row('max', stats.maxMs),
  ]
}

export function lagHistogramRows(report: GovernanceReport): OutcomeRow[] {
  return report.overall.revocation.histogram.map((b, i, all) => {
    const prev = i > 0 ? all[i - 1]?.leMs ?? null : null
    const label = b.leMs === null ? `> ${formatMs(prev)}` : `≤ ${formatMs(b.leMs)}`
    return count(label, b.count)
  })
}

export function requestRows(report: GovernanceReport): OutcomeRow[] {
  const r = report.overall.requests
  return [
    count('Submitted', r.submitted),
    count('Approved', r.approved),
    count('Denied', r.denied),
    count('Granted', r.granted),
    count('Completed early', r.completedEarly),
    count('Expired unused', r.expiredUnused),
  ]
}

export function breakGlassRows(report: GovernanceReport): OutcomeRow[] {
  const b = report.breakGlass
  return [
    count('Uses', b.uses),
    count('Reviewed', b.reviewed),
    count('Reviewed in time', b.reviewedInTime),
    count('Overdue', b.overdue),
  ]
}

export function exceptionRows(report: GovernanceReport): OutcomeRow[] {
  const e = report.exceptions
  return [
    count('Active', e.active),
    count('Grants allowed by one', e.used),
    {
      label: 'Per 100 grants',
      value: e.ratePer100Grants,
      text: e.ratePer100Grants === null ? '—' : e.ratePer100Grants.toFixed(1),
    },
    count('Drift flagged', e.driftFlagged),
  ]
}

export function coverageRows(report: GovernanceReport): OutcomeRow[] {
  const c = report.coverage
  return [
    count('Observed on targets', c.observed),
    count('Backed by a grant', c.backedByGrant),
    count('Shadow', c.shadow),
    count('Orphaned NHIs', c.orphanedNhis),
    count('Standing', c.standing),
  ]
}
