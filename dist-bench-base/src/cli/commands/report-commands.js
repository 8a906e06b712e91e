import { writeFile } from 'node:fs/promises';
import { AppError } from '../../domain/errors.js';
import { renderGovernanceReportHtml } from '../../report/governance-html.js';
import { renderGovernanceReportText } from '../../report/governance-text.js';
import { contextOf } from '../context.js';
const FORMATS = ['table', 'json', 'html'];
function formatOf(value, json) {
    const format = value ?? (json ? 'json' : 'table');
    if (!FORMATS.includes(format)) {
        throw new AppError('input.invalid', `--format must be one of ${FORMATS.join(', ')}`);
    }
    return format;
}
function render(report, format) {
    switch (format) {
        case 'json':
            return JSON.stringify(report, null, 2) + '\n';
        case 'html':
            return renderGovernanceReportHtml(report);
        case 'table':
            return renderGovernanceReportText(report) + '\n';
    }
}
export function registerReportCommands(program) {
    program
        .command('report')
        .description('governance outcomes for a period (admins, security): table, JSON or one self-contained HTML file')
        .option('--from <instant>', 'ISO 8601 start, inclusive (default: 30 days before --to)')
        .option('--to <instant>', 'ISO 8601 end, exclusive (default: now)')
        .option('--format <format>', 'table | json | html (default: table, or json with --json)')
        .option('-o, --out <file>', 'write to this file instead of standard output')
        .action(async (o, cmd) => {
        const { client, out } = contextOf(cmd);
        const format = formatOf(o.format, out.json);
        const report = await client.get('/v1/reports/governance', {
            from: o.from,
            to: o.to,
        });
        const text = render(report, format);
        if (o.out === undefined) {
            process.stdout.write(text);
            return;
        }
        await writeFile(o.out, text, 'utf8');
        out.info(`wrote the ${format} report to ${o.out}`);
    });
}
