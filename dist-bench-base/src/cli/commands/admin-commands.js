import { contextOf } from '../context.js';
import { table } from '../output.js';
export function registerAdminCommands(program) {
    program
        .command('catalog')
        .description('list the entitlements you can request')
        .action(async (_o, cmd) => {
        const { client, out } = contextOf(cmd);
        const list = await client.get('/v1/catalog');
        out.print(list, (v) => table(v.items, ['id', 'riskTier', 'targetId', 'owners', 'maxDurationSeconds', 'name']));
    });
    program
        .command('whoami')
        .description('who the token belongs to')
        .action(async (_o, cmd) => {
        const { client, out } = contextOf(cmd);
        const me = await client.get('/v1/me');
        out.print(me, (v) => `${v.id} (${v.kind}, ${v.status}) groups: ${v.groups.join(', ') || '-'}; owns: ${v.owns.map((o) => o.id).join(', ') || '-'}`);
    });
    program
        .command('identities')
        .description('list identities (admins)')
        .action(async (_o, cmd) => {
        const { client, out } = contextOf(cmd);
        const list = await client.get('/v1/identities');
        out.print(list, (v) => table(v.items, ['id', 'kind', 'status', 'groups', 'ownerId', 'displayName']));
    });
    program
        .command('token <identity>')
        .description('create an API token for an identity (admins); printed once')
        .requiredOption('-n, --name <name>', 'what the token is for')
        .option('-e, --expires-in <duration>', 'lifetime, e.g. 30d')
        .action(async (identity, o, cmd) => {
        const { client, out } = contextOf(cmd);
        const t = await client.post('/v1/tokens', {
            identityId: identity,
            name: o.name,
            ...(o.expiresIn ? { expiresIn: o.expiresIn } : {}),
        });
        out.print(t, (v) => `${v.token}\n(token ${v.id}; shown once; expires ${v.expiresAt ?? 'never'})`);
    });
    program
        .command('policy-reload')
        .description('ask the server to re-read its policy directory (admins)')
        .action(async (_o, cmd) => {
        const { client, out } = contextOf(cmd);
        const r = await client.post('/v1/policy/reload');
        out.print(r, (v) => `policy ${v.changed ? 'reloaded' : 'unchanged'}: ${v.policyHash}`);
    });
}
