import { reportSections } from './report-sections.js';
function textTable(rows, columns) {
    if (rows.length === 0)
        return '  (none)';
    const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '-').length)));
    const line = (values) => '  ' +
        values
            .map((v, i) => v.padEnd(widths[i] ?? 0))
            .join('  ')
            .trimEnd();
    return [
        line(columns.map((c) => c.toUpperCase())),
        ...rows.map((r) => line(columns.map((c) => r[c] ?? '-'))),
    ].join('\n');
}
/** The governance report as plain-text tables for a terminal. */
export function renderGovernanceReportText(report) {
    const out = [
        `Governance report ${report.period.from} – ${report.period.to} (generated ${report.generatedAt})`,
    ];
    for (const s of reportSections(report)) {
        out.push('', `== ${s.title} ==`);
        for (const t of s.tables)
            out.push(`${t.caption}:`, textTable(t.rows, t.columns));
    }
    return out.join('\n');
}
