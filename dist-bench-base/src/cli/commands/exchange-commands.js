import { readFile, writeFile } from 'node:fs/promises';
import { contextOf } from '../context.js';
async function readSecretFile(file) {
    return (await readFile(file, 'utf8')).trim();
}
/**
 * For pipelines: trade the platform's OIDC token for a credential (printed once on stdout, so it
 * can go straight into a variable or a file), and say when the job is done.
 */
export function registerExchangeCommands(program) {
    program
        .command('exchange')
        .description("trade a workload's platform OIDC token for a short-lived credential (printed on stdout)")
        .requiredOption('--token-file <file>', 'file holding the platform OIDC token (e.g. from GitHub Actions)')
        .requiredOption('--entitlement <id>', 'catalog entitlement to receive')
        .option('--duration <duration>', 'how long, e.g. 15m (capped by policy)')
        .option('--completion-file <file>', 'write the grant id and completion token here (mode 600), for exchange-complete')
        .action(async (o, cmd) => {
        const { client, out } = contextOf(cmd);
        const result = await client.post('/v1/exchange', {
            subject_token: await readSecretFile(o.tokenFile),
            entitlementId: o.entitlement,
            ...(o.duration === undefined ? {} : { duration: o.duration }),
        });
        if (o.completionFile !== undefined) {
            const completion = { grantId: result.grantId, completionToken: result.completionToken };
            await writeFile(o.completionFile, JSON.stringify(completion) + '\n', { mode: 0o600 });
        }
        out.info(`grant ${result.grantId} for ${result.workloadId}: ${result.entitlementId} until ${result.expiresAt}`);
        out.print(result, (v) => v.credential);
    });
    program
        .command('exchange-complete')
        .description('the job is done: end the grant an exchange gave it')
        .requiredOption('--completion-file <file>', 'the file `exchange --completion-file` wrote')
        .action(async (o, cmd) => {
        const { client, out } = contextOf(cmd);
        const completion = JSON.parse(await readSecretFile(o.completionFile));
        const grant = await client.post('/v1/exchange/complete', completion);
        out.print(grant, (g) => `grant ${g.id} ${g.state} (${g.revokeReason ?? '-'})`);
    });
}
