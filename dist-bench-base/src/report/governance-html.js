import { chartJsSource } from './chart-js-source.js';
import { escapeHtml, htmlDocument, htmlTable } from './html-document.js';
import { reportSections } from './report-sections.js';
/**
 * Draws the charts from the embedded JSON. Static code: data only ever reaches chart.js as
 * labels and numbers, which it paints on a canvas, never into the page's HTML.
 */
const CHART_SCRIPT = `
(function () {
  var report = JSON.parse(document.getElementById('report-data').textContent);
  if (typeof Chart === 'undefined') return;
  function fmt(ms) {
    if (ms === null) return '-';
    if (ms < 1000) return Math.round(ms) + ' ms';
    if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
    if (ms < 3600000) return (ms / 60000).toFixed(1) + ' min';
    return (ms / 3600000).toFixed(1) + ' h';
  }
  function draw(id, config) {
    var canvas = document.getElementById('chart-' + id);
    if (canvas) new Chart(canvas, config);
  }
  var buckets = report.overall.revocation.histogram;
  draw('lag-histogram', { type: 'bar', data: {
    labels: buckets.map(function (b, i) { return b.leMs === null ? '> ' + fmt(i > 0 ? buckets[i - 1].leMs : null) : '<= ' + fmt(b.leMs); }),
    datasets: [{ label: 'revocations', data: buckets.map(function (b) { return b.count; }) }] },
    options: { maintainAspectRatio: false, animation: false } });
  var denials = report.overall.requests.deniedByReason;
  draw('denials', { type: 'bar', data: {
    labels: Object.keys(denials),
    datasets: [{ label: 'denied requests', data: Object.keys(denials).map(function (k) { return denials[k]; }) }] },
    options: { maintainAspectRatio: false, animation: false } });
  var tiers = Object.keys(report.byRiskTier);
  function tierStat(field) { return tiers.map(function (t) { var v = report.byRiskTier[t].timeToAccess[field]; return v === null ? null : v / 1000; }); }
  draw('time-to-access', { type: 'bar', data: { labels: tiers, datasets: [
    { label: 'p50 (s)', data: tierStat('p50Ms') }, { label: 'p95 (s)', data: tierStat('p95Ms') } ] },
    options: { maintainAspectRatio: false, animation: false } });
  var c = report.coverage;
  draw('coverage', { type: 'doughnut', data: { labels: ['backed by a grant', 'not backed'],
    datasets: [{ data: [c.backedByGrant, Math.max(0, c.observed - c.backedByGrant)] }] },
    options: { maintainAspectRatio: false, animation: false } });
})();
`;
/**
 * The governance report as one self-contained HTML file: the report JSON embedded, chart.js
 * inlined, and a table for every number (the charts are a view, the tables the record).
 */
export function renderGovernanceReportHtml(report, options = {}) {
    const sections = reportSections(report).map((s) => [
        `<section><h2>${escapeHtml(s.title)}</h2>`,
        s.chart === undefined
            ? ''
            : `<div class="chart"><canvas id="chart-${escapeHtml(s.chart)}" role="img" aria-label="${escapeHtml(s.title)} chart"></canvas></div>`,
        ...s.tables.map((t) => htmlTable(t.rows, t.columns, t.caption)),
        '</section>',
    ].join('\n'));
    const title = `Hourglass governance report ${report.period.from} – ${report.period.to}`;
    const body = [
        `<h1>${escapeHtml(title)}</h1>`,
        `<p class="note">Generated ${escapeHtml(report.generatedAt)}. Period [from, to). Definitions: docs/reports.md. The report data is embedded in this file as JSON (element <code>#report-data</code>).</p>`,
        ...sections,
    ].join('\n');
    return htmlDocument({
        title,
        body,
        data: { id: 'report-data', value: report },
        libraries: [options.chartJs ?? chartJsSource()],
        script: CHART_SCRIPT,
    });
}
