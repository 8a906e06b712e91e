import { writeFileSync } from 'node:fs';
import { renderEvidenceHtml } from '../../audit/evidence-html.js';
import { parseBundle } from '../../audit/verify-bundle.js';
import { AppError } from '../../domain/errors.js';
import { contextOf } from '../context.js';
export function registerEvidenceCommands(program) {
    program
        .command('evidence')
        .description('fetch the evidence bundle of a request (verify it with `hourglass audit verify --bundle`)')
        .argument('<request-id>')
        .option('--format <format>', 'json (verifiable) or html (for reading)', 'json')
        .option('-o, --out <file>', 'file to write (default: stdout)')
        .action(async (requestId, o, cmd) => {
        if (o.format !== 'json' && o.format !== 'html') {
            throw new AppError('input.invalid', `Unknown format ${JSON.stringify(o.format)}: use json or html`);
        }
        const { client } = contextOf(cmd);
        const raw = await client.get(`/v1/requests/${encodeURIComponent(requestId)}/evidence`);
        const text = JSON.stringify(raw, null, 2);
        const body = o.format === 'html' ? renderEvidenceHtml(parseBundle(text)) : text + '\n';
        if (o.out)
            writeFileSync(o.out, body, { mode: 0o600 });
        else
            process.stdout.write(body);
    });
}
