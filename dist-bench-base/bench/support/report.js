import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
export function ratioOf(row) {
    if (row.floor === null || row.floor === 0)
        return null;
    return row.ours / row.floor;
}
export function isMet(target, row) {
    const value = target.on === 'ours' ? row.ours : ratioOf(row);
    if (value === null || Number.isNaN(value))
        return null;
    return target.op === '<=' ? value <= target.value : value >= target.value;
}
/** True when every target is met, false when any is missed, null when there is no target. */
export function rowMet(row) {
    if (row.targets.length === 0)
        return null;
    const verdicts = row.targets.map((t) => isMet(t, row));
    if (verdicts.some((v) => v === false))
        return false;
    return verdicts.every((v) => v === true) ? true : null;
}
export function formatValue(value, unit) {
    if (value === null || Number.isNaN(value))
        return '—';
    const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
    const text = value.toLocaleString('en-US', {
        maximumFractionDigits: digits,
        minimumFractionDigits: 0,
    });
    return unit === 'count' || unit === 'x' ? text : `${text} ${unit}`;
}
function formatTarget(target, unit) {
    const op = target.op === '<=' ? '≤' : '≥';
    return target.on === 'ratio'
        ? `ratio ${op} ${target.value}×`
        : `${op} ${formatValue(target.value, unit)}`;
}
export function formatRatio(row) {
    const ratio = ratioOf(row);
    return ratio === null ? '—' : `${ratio.toFixed(2)}×`;
}
export function formatMet(met) {
    return met === null ? '—' : met ? 'yes' : 'NO';
}
/** The table printed after each benchmark; docs/benchmarks.md uses the same columns. */
export function renderTable(result) {
    const header = ['metric', 'ours', 'floor', 'ratio', 'target', 'met?'];
    const lines = result.rows.map((row) => [
        row.metric,
        formatValue(row.ours, row.unit),
        formatValue(row.floor, row.unit),
        formatRatio(row),
        row.targets.map((t) => formatTarget(t, row.unit)).join('; ') || '—',
        formatMet(rowMet(row)),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
    const render = (cells) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
    return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
}
/** One JSON line per benchmark, so runs on several days can be compared with any tool. */
export function appendResult(file, machine, result) {
    mkdirSync(path.dirname(file), { recursive: true });
    const rows = result.rows.map((row) => ({ ...row, ratio: ratioOf(row), met: rowMet(row) }));
    const line = { at: new Date().toISOString(), machine, ...result, rows };
    appendFileSync(file, JSON.stringify(line) + '\n');
}
