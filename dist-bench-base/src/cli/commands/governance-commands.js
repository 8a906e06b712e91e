import { AppError } from '../../domain/errors.js';
import { contextOf } from '../context.js';
import { table } from '../output.js';
import { waitForGrant } from './wait.js';
const path = (...parts) => parts.map(encodeURIComponent).join('/');
function describeBreakGlass(v) {
    return [
        `BREAK-GLASS request ${v.request.id} for ${v.request.entitlementId} (incident ${v.request.incidentRef ?? '-'})`,
        `grant     ${v.grant.id} [${v.grant.state}] until ${v.grant.expiresAt} (${v.request.durationSeconds}s, capped by policy)`,
        `notified  ${v.notified.join(', ') || '-'}`,
        `review    post-use review by someone else due ${v.review.dueAt}`,
    ].join('\n');
}
function registerBreakGlass(program) {
    program
        .command('breakglass <entitlement>')
        .description('emergency access now, without review: needs an incident and a reason; reviewed after use')
        .requiredOption('-i, --incident <ref>', 'incident reference, e.g. INC-123')
        .requiredOption('-r, --reason <text>', 'what is broken and why you need this (20+ characters)')
        .option('-d, --duration <duration>', 'how long (capped by policy, e.g. 1h)')
        .option('-w, --wait', 'wait until the grant is active')
        .action(async (entitlement, o, cmd) => {
        const { client, out } = contextOf(cmd);
        const result = await client.post('/v1/breakglass', {
            entitlementId: entitlement,
            incidentRef: o.incident,
            reason: o.reason,
            ...(o.duration ? { duration: o.duration } : {}),
        });
        const grant = o.wait
            ? await waitForGrant(client, result.grant.id, ['active', 'revoked', 'irrevocable'])
            : result.grant;
        out.print({ ...result, grant }, describeBreakGlass);
    });
    program
        .command('breakglass-reviews')
        .description('the break-glass post-use review queue')
        .option('--state <state>', 'pending | overdue | done')
        .action(async (o, cmd) => {
        const { client, out } = contextOf(cmd);
        const list = await client.get('/v1/breakglass/reviews', {
            state: o.state,
        });
        out.print(list, (v) => table(v.items, [
            'requestId',
            'state',
            'userId',
            'entitlementId',
            'incidentRef',
            'usedAt',
            'dueAt',
            'verdict',
            'reviewerId',
        ]));
    });
    program
        .command('breakglass-review <request-id>')
        .description('review a break-glass use after the fact (not your own)')
        .option('--justified', 'the use was justified')
        .option('--unjustified', 'the use was not justified (its access is revoked if still live)')
        .requiredOption('-m, --comment <text>', 'your reasoning')
        .action(async (id, o, cmd) => {
        const { client, out } = contextOf(cmd);
        if (o.justified === o.unjustified)
            throw new AppError('input.invalid', 'Say exactly one of --justified or --unjustified');
        const r = await client.post(`/v1/breakglass/${path(id)}/review`, {
            verdict: o.justified ? 'justified' : 'unjustified',
            comment: o.comment,
        });
        out.print(r, (v) => `break-glass ${v.review.requestId} reviewed: ${v.review.verdict ?? '-'}${v.revoked.length ? `; revoked ${v.revoked.join(', ')}` : ''}`);
    });
}
function registerExceptions(program) {
    const exceptions = program.command('exceptions').description('time-bound exceptions to policy');
    exceptions
        .command('list', { isDefault: true })
        .description('list exceptions')
        .option('--all', 'include expired and revoked ones')
        .action(async (o, cmd) => {
        const { client, out } = contextOf(cmd);
        const list = await client.get('/v1/exceptions', {
            state: o.all ? 'all' : 'active',
        });
        out.print(list, (v) => table(v.items.map((e) => ({
            ...e,
            identity: e.scope.identityId,
            entitlement: e.scope.entitlementId,
            policy: e.scope.policyId,
        })), [
            'id',
            'state',
            'identity',
            'entitlement',
            'policy',
            'approverId',
            'expiresAt',
            'renewals',
            'uses',
        ]));
    });
    exceptions
        .command('create')
        .description('approve an exception (admins, or owners of its entitlement; never for yourself)')
        .option('--identity <id>', 'the identity it applies to')
        .option('--entitlement <id>', 'the entitlement it applies to')
        .option('--policy <id>', 'the policy it is about')
        .option('--renew <exception-id>', 'renew this exception (same scope)')
        .requiredOption('-r, --reason <text>', 'why policy should bend here (10+ characters)')
        .requiredOption('--for <duration>', 'how long, at most 90d')
        .action(async (o, cmd) => {
        const { client, out } = contextOf(cmd);
        const scope = {
            ...(o.identity ? { identityId: o.identity } : {}),
            ...(o.entitlement ? { entitlementId: o.entitlement } : {}),
            ...(o.policy ? { policyId: o.policy } : {}),
        };
        const e = await client.post('/v1/exceptions', {
            ...(Object.keys(scope).length > 0 ? { scope } : {}),
            ...(o.renew ? { renewedFrom: o.renew } : {}),
            reason: o.reason,
            for: o.for,
        });
        out.print(e, (v) => `exception ${v.id} active until ${v.expiresAt}${v.renewedFrom ? ` (renewal ${v.renewals} of ${v.renewedFrom})` : ''}`);
    });
    exceptions
        .command('revoke <exception-id>')
        .description('end an exception now')
        .requiredOption('-r, --reason <text>', 'why it ends')
        .action(async (id, o, cmd) => {
        const { client, out } = contextOf(cmd);
        const e = await client.post(`/v1/exceptions/${path(id)}/revoke`, {
            reason: o.reason,
        });
        out.print(e, (v) => `exception ${v.id} is ${v.state}`);
    });
}
function registerLifecycle(program) {
    program
        .command('extend <grant-id>')
        .description('ask for more time on a grant: a new request, reviewed under the same rules')
        .requiredOption('-d, --duration <duration>', 'how much more, e.g. 1h')
        .requiredOption('-j, --justification <text>', 'why you need longer (10+ characters)')
        .action(async (id, o, cmd) => {
        const { client, out } = contextOf(cmd);
        const r = await client.post(`/v1/grants/${path(id)}/extend`, {
            duration: o.duration,
            justification: o.justification,
        });
        out.print(r, (v) => `extension request ${v.request.id} [${v.request.state}]${v.grant ? `; grant ${v.grant.id} scheduled (the old one ends when it is active)` : `; reviewers: ${v.request.eligibleReviewers.join(', ') || '-'}`}`);
    });
    program
        .command('nhis')
        .description('non-human identities: owner, purpose, last grant, credential age')
        .action(async (_o, cmd) => {
        const { client, out } = contextOf(cmd);
        const list = await client.get('/v1/nhis');
        out.print(list, (v) => table(v.items.map((n) => ({
            ...n,
            lastGrant: n.lastGrant?.id ?? null,
            credentialAge: n.credentialAgeSeconds === null ? null : `${n.credentialAgeSeconds}s`,
        })), ['id', 'kind', 'status', 'ownerId', 'orphaned', 'purpose', 'lastGrant', 'credentialAge']));
    });
    program
        .command('nhi-transfer <nhi-id> <new-owner>')
        .description('give a non-human identity a new owner (admins)')
        .action(async (id, owner, _o, cmd) => {
        const { client, out } = contextOf(cmd);
        const r = await client.post(`/v1/nhis/${path(id)}/transfer`, { newOwnerId: owner });
        out.print(r, (v) => `${v.identity.id} is now owned by ${v.identity.ownerId ?? '-'}${v.revoked.length ? `; revoked ${v.revoked.join(', ')}` : ''}`);
    });
    program
        .command('ticket-closed <ticket>')
        .description('say a ticket closed: revoke every grant whose request names it (admins)')
        .action(async (ticket, _o, cmd) => {
        const { client, out } = contextOf(cmd);
        const r = await client.post(`/v1/tickets/${path(ticket)}/closed`);
        out.print(r, (v) => `ticket ${v.ticketRef} closed; revoked ${v.grantIds.length ? v.grantIds.join(', ') : 'nothing'}`);
    });
    program
        .command('identity-status <identity> <status>')
        .description('suspend, offboard or reactivate an identity (admins); leaving active revokes its grants')
        .action(async (id, status, _o, cmd) => {
        const { client, out } = contextOf(cmd);
        const r = await client.post(`/v1/identities/${path(id)}/status`, { status });
        out.print(r, (v) => [
            `${v.identity.id} is ${v.identity.status}`,
            `revoked  ${v.revoked.join(', ') || '-'}`,
            `orphaned ${v.orphaned.join(', ') || '-'}`,
        ].join('\n'));
    });
}
/** Break-glass, exceptions, extensions, NHI ownership and context changes. */
export function registerGovernanceCommands(program) {
    registerBreakGlass(program);
    registerExceptions(program);
    registerLifecycle(program);
}
