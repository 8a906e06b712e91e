import { AppError } from '../../domain/errors.js';
import { contextOf } from '../context.js';
import { table } from '../output.js';
import { waitForGrant } from './wait.js';
function describeRequest(r) {
    const lines = [
        `request   ${r.id}  [${r.state}]${r.breakGlass ? `  BREAK-GLASS (incident ${r.incidentRef ?? '-'})` : ''}`,
        ...(r.extendsGrantId !== null ? [`extends   grant ${r.extendsGrantId}`] : []),
        `asks for  ${r.entitlementId} for ${r.subjectId} (by ${r.requesterId}), ${r.durationSeconds}s`,
        `why       ${r.justification}`,
        `ticket    ${r.ticketRef ?? '-'}    ends on: ${r.revocationCondition}`,
        `needs     ${r.obligations.approvals} approval(s)${r.obligations.ownerApproval ? ', one from an owner' : ''}${r.obligations.approverGroups.length ? `, from groups ${r.obligations.approverGroups.join(', ')}` : ''}`,
        `reviewers ${r.eligibleReviewers.join(', ') || '-'}`,
        `digest    ${r.digest}`,
        `policy    ${r.policyHash}`,
    ];
    if (r.decisionReason)
        lines.push(`decision  ${r.decisionReason}`);
    for (const rv of r.reviews ?? [])
        lines.push(`review    ${rv.verdict} by ${rv.reviewerId}${rv.comment ? `: ${rv.comment}` : ''}`);
    if (r.grant)
        lines.push(`grant     ${r.grant.id} [${r.grant.state}] until ${r.grant.expiresAt}`);
    return lines.join('\n');
}
export function registerRequestCommands(program) {
    program
        .command('request <entitlement>')
        .description('ask for a catalog entitlement')
        .requiredOption('-j, --justification <text>', 'why you need it (10+ characters)')
        .option('-s, --subject <id>', 'an NHI you own that should hold the access (default: you)')
        .option('-t, --ticket <key>', 'external ticket reference, e.g. OPS-123')
        .option('-d, --duration <duration>', 'how long, e.g. 30m, 2h, PT1H')
        .option('-c, --condition <condition>', 'revocation condition: expiry | task_completion | ticket_closed')
        .option('-w, --wait', 'wait until the grant is active (auto-approved requests)')
        .action(async (entitlement, o, cmd) => {
        const { client, out } = contextOf(cmd);
        const result = await client.post('/v1/requests', {
            entitlementId: entitlement,
            justification: o.justification,
            ...(o.subject ? { subjectId: o.subject } : {}),
            ...(o.ticket ? { ticketRef: o.ticket } : {}),
            ...(o.duration ? { duration: o.duration } : {}),
            ...(o.condition ? { revocationCondition: o.condition } : {}),
        });
        let grant = result.grant;
        if (o.wait && grant)
            grant = await waitForGrant(client, grant.id, ['active', 'revoked', 'irrevocable']);
        out.print({ ...result, grant }, (v) => [describeRequest(v.request), v.grant ? `grant     ${v.grant.id} [${v.grant.state}] until ${v.grant.expiresAt}` : 'grant     - (awaiting review)'].join('\n'));
    });
    program
        .command('requests [id]')
        .description('list your requests (or show one)')
        .option('--review', 'requests awaiting your review')
        .option('--all', 'all requests (admins)')
        .option('--state <states>', 'comma-separated states')
        .action(async (id, o, cmd) => {
        const { client, out } = contextOf(cmd);
        if (id) {
            const r = await client.get(`/v1/requests/${encodeURIComponent(id)}`);
            out.print(r, describeRequest);
            return;
        }
        const scope = o.review ? 'review' : o.all ? 'all' : 'mine';
        const list = await client.get('/v1/requests', { scope, state: o.state });
        out.print(list, (v) => table(v.items, ['id', 'state', 'entitlementId', 'subjectId', 'requesterId', 'submittedAt']));
    });
    program
        .command('review <request-id>')
        .description('approve or deny a request you are named to review')
        .option('--approve', 'approve it')
        .option('--deny', 'deny it')
        .option('-m, --comment <text>', 'your reasoning', '')
        .action(async (id, o, cmd) => {
        const { client, out } = contextOf(cmd);
        if (o.approve === o.deny)
            throw new AppError('input.invalid', 'Say exactly one of --approve or --deny');
        // Bind the verdict to what we fetched: the server refuses it if the request differs.
        const request = await client.get(`/v1/requests/${encodeURIComponent(id)}`);
        out.info(describeRequest(request));
        const result = await client.post(`/v1/requests/${encodeURIComponent(id)}/reviews`, { verdict: o.approve ? 'approve' : 'deny', comment: o.comment, digest: request.digest });
        out.print(result, (v) => `review recorded; request is ${v.request.state}${v.grant ? `; grant ${v.grant.id} scheduled` : ''}`);
    });
    program
        .command('cancel <request-id>')
        .description('withdraw your pending request')
        .action(async (id, _o, cmd) => {
        const { client, out } = contextOf(cmd);
        const r = await client.post(`/v1/requests/${encodeURIComponent(id)}/cancel`);
        out.print(r, (v) => `request ${v.id} is ${v.state}`);
    });
}
