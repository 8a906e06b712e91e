import { appendFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import type { MachineInfo } from './machine.js'

export type Unit = 'µs' | 'ms' | 's' | '/s' | 'MiB' | 'count' | 'x'

/** A bound a figure must meet: on our own value, or on the ratio to the floor. */
export interface Target {
  on: 'ours' | 'ratio'
  op: '<=' | '>='
  value: number
}

export interface Row {
  metric: string
  unit: Unit
  ours: number
  /** The bare operation's figure, measured in the same process and run; null when there is none. */
  floor: number | null
  targets: Target[]
}

export interface BenchResult {
  name: string
  title: string
  params: Record<string, unknown>
  rows: Row[]
  /** Where the time goes, what was counted, what to keep in mind when reading the rows. */
  notes: string[]
}

export function ratioOf(row: Row): number | null {
  if (row.floor === null || row.floor === 0) return null
  return row.ours / row.floor
}

export function isMet(target: Target, row: Row): boolean | null {
  const value = target.on === 'ours' ? row.ours : ratioOf(row)
  if (value === null || Number.isNaN(value)) return null
  return target.op === '<=' ? value <= target.value : value >= target.value
}

/** True when every target is met, false when any is missed, null when there is no target. */
export function rowMet(row: Row): boolean | null {
  if (row.targets.length === 0) return null
  const verdicts = row.targets.map((t) => isMet(t, row))
  if (verdicts.some((v) => v === false)) return false
  return verdicts.every((v) => v === true) ? true : null
}

export function formatValue(value: number | null, unit: Unit): string {
  if (value === null || Number.isNaN(value)) return '—'
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2
  const text = value.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: 0,
  })
  return unit === 'count' || unit === 'x' ? text : `${text} ${unit}`
}

function formatTarget(target: Target, unit: Unit): string {
  const op = target.op === '<=' ? '≤' : '≥'
  return target.on === 'ratio'
    ? `ratio ${op} ${target.value}×`
    : `${op} ${formatValue(target.value, unit)}`
}

export function formatRatio(row: Row): string {
  const ratio = ratioOf(row)
  return ratio === null ? '—' : `${ratio.toFixed(2)}×`
}

export function formatMet(met: boolean | null): string {
  return met === null ? '—' : met ? 'yes' : 'NO'
}

/** The table printed after each benchmark; docs/benchmarks.md uses the same columns. */
export function renderTable(result: BenchResult): string {
  const header = ['metric', 'ours', 'floor', 'ratio', 'target', 'met?']
  const lines = result.rows.map((row) => [
    row.metric,
    formatValue(row.ours, row.unit),
    formatValue(row.floor, row.unit),
    formatRatio(row),
    row.targets.map((t) => formatTarget(t, row.unit)).join('; ') || '—',
    formatMet(rowMet(row)),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)))
  const render = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n')
}

/** One JSON line per benchmark, so runs on several days can be compared with any tool. */
export function appendResult(file: string, machine: MachineInfo, result: BenchResult): void {
  mkdirSync(path.dirname(file), { recursive: true })
  const rows = result.rows.map((row) => ({ ...row, ratio: ratioOf(row), met: rowMet(row) }))
  const line = { at: new Date().toISOString(), machine, ...result, rows }
  appendFileSync(file, JSON.stringify(line) + '\n')
}
