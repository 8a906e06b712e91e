import { contextOf } from '../context.js';
import { table } from '../output.js';
function describeGrant(g) {
    const left = Math.max(0, Math.round((Date.parse(g.expiresAt) - Date.now()) / 1000));
    return [
        `grant     ${g.id}  [${g.state}]${g.breakGlass ? '  BREAK-GLASS' : ''}`,
        `holder    ${g.subjectId} on ${g.targetId} (${g.connectorKind}) as ${g.targetName}`,
        `window    ${g.startsAt} → ${g.expiresAt}${g.state === 'active' ? ` (${left}s left)` : ''}`,
        `credential ${g.credentialAvailable ? 'waiting to be retrieved once: hourglass credential ' + g.id : g.credentialRetrievedAt ? `retrieved ${g.credentialRetrievedAt}` : '-'}`,
        ...(g.revokedAt ? [`revoked   ${g.revokedAt} (${g.revokeReason}); lag ${g.revocationLagMs}ms; verified ${g.verification}`] : []),
        ...(g.lastError ? [`last error ${g.lastError}`] : []),
    ].join('\n');
}
export function registerGrantCommands(program) {
    program
        .command('grants [id]')
        .description('list your grants (or show one)')
        .option('--all', 'all grants (admins)')
        .option('--state <states>', 'comma-separated states')
        .action(async (id, o, cmd) => {
        const { client, out } = contextOf(cmd);
        if (id) {
            out.print(await client.get(`/v1/grants/${encodeURIComponent(id)}`), describeGrant);
            return;
        }
        const list = await client.get('/v1/grants', { scope: o.all ? 'all' : 'mine', state: o.state });
        out.print(list, (v) => table(v.items, ['id', 'state', 'entitlementId', 'subjectId', 'expiresAt', 'revocationLagMs']));
    });
    program
        .command('credential <grant-id>')
        .description('retrieve the credential of an active grant (shown once, then wiped)')
        .action(async (id, _o, cmd) => {
        const { client, out } = contextOf(cmd);
        const c = await client.post(`/v1/grants/${encodeURIComponent(id)}/credential`);
        out.print(c, (v) => [v.credential, '', `expires ${v.expiresAt}`, v.instructions ?? ''].join('\n').trimEnd());
    });
    for (const [name, verb, what] of [
        ['revoke', 'revoke', 'end a grant now (holder, owner or admin)'],
        ['complete', 'complete', 'say the task is done; the grant ends now'],
    ]) {
        program
            .command(`${name} <grant-id>`)
            .description(what)
            .action(async (id, _o, cmd) => {
            const { client, out } = contextOf(cmd);
            const g = await client.post(`/v1/grants/${encodeURIComponent(id)}/${verb}`);
            out.print(g, describeGrant);
        });
    }
}
