import type { Command } from 'commander'
import type { IdentityJson, Items, EntitlementJson } from '../api-types.js'
import { contextOf } from '../context.js'
import { table } from '../output.js'

export function registerAdminCommands(program: Command): void {
  program
    .command('catalog')
    .description('list the entitlements you can request')
    .action(async (_o: unknown, cmd: Command) => {
      const { client, out } = contextOf(cmd)
      const list = await client.get<Items<EntitlementJson>>('/v1/catalog')
      out.print(list, (v: Items<EntitlementJson>) =>
        table(v.items, ['id', 'riskTier', 'targetId', 'owners', 'maxDurationSeconds', 'name']),
      )
    })

  program
    .command('whoami')
    .description('who the token belongs to')
    .action(async (_o: unknown, cmd: Command) => {
      const { client, out } = contextOf(cmd)
      const me = await client.get<IdentityJson & { owns: IdentityJson[] }>('/v1/me')
      out.print(me, (v: typeof me) => `${v.id} (${v.kind}, ${v.status}) groups: ${v.groups.join(', ') || '-'}; owns: ${v.owns.map((o) => o.id).join(', ') || '-'}`)
    })

  program
    .command('identities')
    .description('list identities (admins)')
    .action(async (_o: unknown, cmd: Command) => {
      const { client, out } = contextOf(cmd)
      const list = await client.get<Items<IdentityJson>>('/v1/identities')
      out.print(list, (v: Items<IdentityJson>) =>
        table(v.items, ['id', 'kind', 'status', 'groups', 'ownerId', 'displayName']),
      )
    })

  program
    .command('token <identity>')
    .description('create an API token for an identity (admins); printed once')
    .requiredOption('-n, --name <name>', 'what the token is for')
    .option('-e, --expires-in <duration>', 'lifetime, e.g. 30d')
    .action(async (identity: string, o: { name: string; expiresIn?: string }, cmd: Command) => {
      const { client, out } = contextOf(cmd)
      const t = await client.post<{ id: string; token: string; expiresAt: string | null }>('/v1/tokens', {
        identityId: identity,
        name: o.name,
        ...(o.expiresIn ? { expiresIn: o.expiresIn } : {}),
      })
      out.print(t, (v: typeof t) => `${v.token}\n(token ${v.id}; shown once; expires ${v.expiresAt ?? 'never'})`)
    })

  program
    .command('policy-reload')
    .description('ask the server to re-read its policy directory (admins)')
    .action(async (_o: unknown, cmd: Command) => {
      const { client, out } = contextOf(cmd)
      const r = await client.post<{ policyHash: string; changed: boolean }>('/v1/policy/reload')
      out.print(r, (v: typeof r) => `policy ${v.changed ? 'reloaded' : 'unchanged'}: ${v.policyHash}`)
    })
}
