import { writeFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { AppError } from '../../domain/errors.js'
import type { GovernanceReport } from '../../domain/governance-report.js'
import { renderGovernanceReportHtml } from '../../report/governance-html.js'
import { renderGovernanceReportText } from '../../report/governance-text.js'
import { contextOf } from '../context.js'

const FORMATS = ['table', 'json', 'html'] as const
type ReportFormat = (typeof FORMATS)[number]

function formatOf(value: string | undefined, json: boolean): ReportFormat {
  const format = value ?? (json ? 'json' : 'table')
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new AppError('input.invalid', `--format must be one of ${FORMATS.join(', ')}`)
  }
  return format as ReportFormat
}

function render(report: GovernanceReport, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(report, null, 2) + '\n'
    case 'html':
      return renderGovernanceReportHtml(report)
    case 'table':
      return renderGovernanceReportText(report) + '\n'
  }
}

export function registerReportCommands(program: Command): void {
  program
    .command('report')
    .description(
      'governance outcomes for a period (admins, security): table, JSON or one self-contained HTML file',
    )
    .option('--from <instant>', 'ISO 8601 start, inclusive (default: 30 days before --to)')
    .option('--to <instant>', 'ISO 8601 end, exclusive (default: now)')
    .option('--format <format>', 'table | json | html (default: table, or json with --json)')
    .option('-o, --out <file>', 'write to this file instead of standard output')
    .action(
      async (o: { from?: string; to?: string; format?: string; out?: string }, cmd: Command) => {
        const { client, out } = contextOf(cmd)
        const format = formatOf(o.format, out.json)
        const report = await client.get<GovernanceReport>('/v1/reports/governance', {
          from: o.from,
          to: o.to,
        })
        const text = render(report, format)
        if (o.out === undefined) {
          process.stdout.write(text)
          return
        }
        await writeFile(o.out, text, 'utf8')
        out.info(`wrote the ${format} report to ${o.out}`)
      },
    )
}
