import { formatDuration, formatShare, statsRow, STATS_COLUMNS } from './format.js';
const kv = (pairs) => pairs.map(([measure, value]) => ({ measure, value: String(value) }));
const KV = ['measure', 'value'];
export function bucketLabel(b, previous) {
    if (b.leMs === null)
        return `> ${formatDuration(previous)}`;
    return `≤ ${formatDuration(b.leMs)}`;
}
function histogramRows(buckets) {
    return buckets.map((b, i) => ({
        bucket: bucketLabel(b, i > 0 ? (buckets[i - 1]?.leMs ?? null) : null),
        count: String(b.count),
    }));
}
function counts(record, key) {
    return Object.entries(record).map(([k, n]) => ({ [key]: k, count: String(n) }));
}
const SLICE_COLUMNS = [
    'slice',
    'lag p95',
    'lag max',
    'overdue',
    'submitted',
    'denied',
    'granted',
    'owner match',
    'access p50',
];
function sliceRows(slices) {
    return Object.entries(slices).map(([key, s]) => ({
        slice: key,
        'lag p95': formatDuration(s.revocation.lag.p95Ms),
        'lag max': formatDuration(s.revocation.lag.maxMs),
        overdue: String(s.revocation.overdue),
        submitted: String(s.requests.submitted),
        denied: String(s.requests.denied),
        granted: String(s.requests.granted),
        'owner match': formatShare(s.reviewers.ownershipMatch),
        'access p50': formatDuration(s.timeToAccess.p50Ms),
    }));
}
/** The report as titled sections of tables, in reading order (docs/reports.md defines each). */
export function reportSections(r) {
    const o = r.overall;
    return [
        {
            title: 'Revocation',
            chart: 'lag-histogram',
            tables: [
                {
                    caption: 'Revocation lag',
                    columns: STATS_COLUMNS,
                    rows: [
                        statsRow('revocation lag', o.revocation.lag),
                        statsRow('residual window', o.revocation.residual.window),
                    ],
                },
                {
                    caption: 'Due and not revoked at the end',
                    columns: KV,
                    rows: kv([
                        ['overdue', o.revocation.overdue],
                        ['irrevocable', o.revocation.irrevocable],
                        ['residual (still live at first check)', o.revocation.residual.count],
                    ]),
                },
                {
                    caption: 'Lag histogram',
                    columns: ['bucket', 'count'],
                    rows: histogramRows(o.revocation.histogram),
                },
            ],
        },
        {
            title: 'Requested vs granted vs used',
            chart: 'denials',
            tables: [
                {
                    caption: 'Requests',
                    columns: KV,
                    rows: kv([
                        ['submitted', o.requests.submitted],
                        ['approved', o.requests.approved],
                        ['denied', o.requests.denied],
                        ['granted', o.requests.granted],
                        ['completed early', o.requests.completedEarly],
                        ['expired unused', o.requests.expiredUnused],
                    ]),
                },
                {
                    caption: 'Denials by reason',
                    columns: ['reason', 'count'],
                    rows: counts(o.requests.deniedByReason, 'reason'),
                },
                {
                    caption: 'Durations asked and given',
                    columns: STATS_COLUMNS,
                    rows: [
                        statsRow('requested', o.requests.requestedSeconds),
                        statsRow('granted', o.requests.grantedSeconds),
                    ],
                },
            ],
        },
        {
            title: 'Reviewers',
            tables: [
                {
                    caption: 'Approvals',
                    columns: KV,
                    rows: kv([
                        ['approvals', o.reviewers.approvals],
                        ['by an owner', o.reviewers.ownerApprovals],
                        ['ownership match', formatShare(o.reviewers.ownershipMatch)],
                        ['blocked attempts', o.reviewers.blockedAttempts],
                    ]),
                },
                {
                    caption: 'Approval latency',
                    columns: STATS_COLUMNS,
                    rows: [statsRow('submission → approval', o.reviewers.approvalLatency)],
                },
                {
                    caption: 'Blocked attempts by rule',
                    columns: ['rule', 'count'],
                    rows: counts(o.reviewers.blockedByRule, 'rule'),
                },
            ],
        },
        {
            title: 'Time to access',
            chart: 'time-to-access',
            tables: [
                {
                    caption: 'Submission → credential issued, by risk tier',
                    columns: STATS_COLUMNS,
                    rows: [
                        statsRow('all', o.timeToAccess),
                        ...Object.entries(r.byRiskTier).map(([tier, s]) => statsRow(tier, s.timeToAccess)),
                    ],
                },
            ],
        },
        {
            title: 'Break-glass and exceptions',
            tables: [
                {
                    caption: 'Break-glass',
                    columns: KV,
                    rows: kv([
                        ['uses', r.breakGlass.uses],
                        ['reviewed', r.breakGlass.reviewed],
                        ['reviewed in time', r.breakGlass.reviewedInTime],
                        ['reviewed in time (share of uses)', formatShare(r.breakGlass.reviewedInTimeShare)],
                        ['overdue for review at the end', r.breakGlass.overdue],
                    ]),
                },
                {
                    caption: 'Exceptions',
                    columns: KV,
                    rows: kv([
                        ['active at the end', r.exceptions.active],
                        ['used', r.exceptions.used],
                        [
                            'per 100 grants',
                            r.exceptions.ratePer100Grants === null
                                ? '-'
                                : r.exceptions.ratePer100Grants.toFixed(1),
                        ],
                        ['drift findings open', r.exceptions.driftFlagged],
                    ]),
                },
            ],
        },
        {
            title: 'Coverage',
            chart: 'coverage',
            tables: [
                {
                    caption: 'Latest reconciliation of each target',
                    columns: KV,
                    rows: kv([
                        ['entitlements observed on targets', r.coverage.observed],
                        ['backed by a grant', r.coverage.backedByGrant],
                        ['share backed', formatShare(r.coverage.share)],
                        ['shadow findings open', r.coverage.shadow],
                        ['standing access', r.coverage.standing],
                        ['orphaned NHIs', r.coverage.orphanedNhis],
                    ]),
                },
            ],
        },
        {
            title: 'Slices',
            tables: [
                { caption: 'By target', columns: SLICE_COLUMNS, rows: sliceRows(r.byTarget) },
                { caption: 'By entitlement', columns: SLICE_COLUMNS, rows: sliceRows(r.byEntitlement) },
                { caption: 'By risk tier', columns: SLICE_COLUMNS, rows: sliceRows(r.byRiskTier) },
            ],
        },
    ];
}
