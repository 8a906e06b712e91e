import { readFileSync } from 'node:fs';
import { AppError } from '../../domain/errors.js';
import { lineBatches } from '../../audit/line-batches.js';
import { parseCheckpoint, verifyExport } from '../../audit/verify-chain.js';
import { verifyExportLines } from '../../audit/verify-lines.js';
import { EXIT_CODES } from '../client.js';
import { contextOf } from '../context.js';
import { verifyBundleFile } from './verify-bundle-command.js';
import { registerAuditExport } from './audit-export.js';
const PAGE = 2000;
async function* fetchEvents(client, after = 0) {
    let cursor = after;
    for (;;) {
        const page = await client.get('/v1/audit/events', { after: cursor, limit: PAGE });
        if (page.items.length === 0)
            return;
        yield page.items.map((e) => ({ ...e, at: new Date(e.at) }));
        cursor = page.items[page.items.length - 1]?.seq ?? cursor;
        if (cursor >= page.head.seq)
            return;
    }
}
/** Straight from the file's lines, a batch at a time, so a big export needs little memory. */
function verifyFile(file, checkpoints, pem) {
    return verifyExportLines(() => lineBatches(file), checkpoints, pem);
}
async function verifyLive(client, checkpoints, pem) {
    const events = [];
    for await (const page of fetchEvents(client))
        events.push(...page);
    return verifyExport(events, checkpoints, pem);
}
function readLines(file) {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
}
export function registerAuditCommands(program) {
    const audit = program.command('audit').description('export and verify the tamper-evident audit log');
    registerAuditExport(audit);
    audit
        .command('verify')
        .description('verify the chain and its signed checkpoints (live, or an exported file offline)')
        .option('-f, --file <events.jsonl>', 'exported events to verify offline instead of the live chain')
        .option('-c, --checkpoints <checkpoints.jsonl>', 'checkpoint file (the copy kept outside the database)')
        .option('-k, --public-key <pem>', 'checkpoint public key file (default: fetched from the server)')
        .option('-b, --bundle <evidence.json>', 'verify an evidence bundle offline (docs/evidence.md)')
        .action(async (o, cmd) => {
        const { client, out } = contextOf(cmd);
        if (o.bundle) {
            verifyBundleFile({ bundle: o.bundle, ...(o.publicKey ? { publicKey: o.publicKey } : {}), ...(o.file ? { file: o.file } : {}) }, out);
            return;
        }
        let checkpoints;
        if (o.checkpoints)
            checkpoints = readLines(o.checkpoints).map(parseCheckpoint);
        else if (o.file)
            checkpoints = [];
        else {
            const list = await client.get('/v1/audit/checkpoints');
            checkpoints = list.items.map((c) => ({ ...c, at: new Date(c.at) }));
        }
        const pem = o.publicKey
            ? readFileSync(o.publicKey, 'utf8')
            : (await client.get('/v1/audit/public-key')).publicKeyPem;
        const report = o.file ? await verifyFile(o.file, checkpoints, pem) : await verifyLive(client, checkpoints, pem);
        out.print(report, (r) => r.ok
            ? `audit chain OK: ${r.events} events up to seq ${r.lastSeq}, ${r.checkpointsChecked} signed checkpoint(s) match`
            : `audit chain BROKEN at seq ${r.firstBadSeq}: ${r.reason}`);
        if (!report.ok && out.json) {
            // The report already says what broke; one JSON document on stdout keeps scripts simple.
            process.exitCode = EXIT_CODES.conflict;
        }
        else if (!report.ok) {
            throw new AppError('audit.chain_broken', `Audit chain broken at seq ${report.firstBadSeq}`, {
                details: { reported: true },
            });
        }
    });
}
