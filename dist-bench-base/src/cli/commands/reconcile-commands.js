import { contextOf } from '../context.js';
import { table } from '../output.js';
import { progress } from '../progress.js';
export function registerReconcileCommands(program) {
    program
        .command('reconcile')
        .description('compare what is really on the targets with the grants (admins)')
        .option('-t, --target <id>', 'only this target')
        .action(async (o, cmd) => {
        const { client, out } = contextOf(cmd);
        const targets = o.target
            ? [o.target]
            : (await client.get('/v1/catalog')).items
                .map((e) => e.targetId)
                .filter((t, i, all) => all.indexOf(t) === i);
        const bar = progress('reconciling', targets.length);
        const results = [];
        for (const targetId of targets) {
            const r = await client.post('/v1/reconcile', { targetId });
            results.push(...r.results);
            bar.tick(1);
        }
        bar.done();
        out.print({ results }, (v) => table(v.results, ['targetId', 'supported', 'observed', 'opened', 'resolved', 'removed', 'failures']));
    });
    const findings = program.command('findings').description('reconciliation findings (admins)');
    findings
        .command('list', { isDefault: true })
        .description('list findings')
        .option('--state <states>', 'open, resolved, accepted (comma-separated)', 'open')
        .option('--kind <kinds>', 'shadow, lingering, drift')
        .option('-t, --target <id>', 'only this target')
        .action(async (o, cmd) => {
        const { client, out } = contextOf(cmd);
        const list = await client.get('/v1/findings', { state: o.state, kind: o.kind, targetId: o.target });
        out.print(list, (v) => table(v.items, ['id', 'kind', 'state', 'targetId', 'principal', 'grantId', 'lastSeenAt']));
    });
    findings
        .command('accept <finding-id>')
        .description('accept a finding for a bounded time with a reason (an exception, not an amnesty)')
        .requiredOption('-r, --reason <text>', 'why this access may stay')
        .requiredOption('--for <duration>', 'how long, at most 90d')
        .action(async (id, o, cmd) => {
        const { client, out } = contextOf(cmd);
        const f = await client.post(`/v1/findings/${encodeURIComponent(id)}/accept`, { reason: o.reason, for: o.for });
        out.print(f, (v) => `finding ${String(v.id)} accepted until ${String(v.acceptedUntil)}`);
    });
}
