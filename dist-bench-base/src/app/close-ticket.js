import { endGrantsForChange, UNENDED_STATES } from './end-grants.js';
import { recordAudit } from './load.js';
/**
 * A ticket closed (inbound ticket webhook, or an admin saying so): the work it justified is over,
 * so every grant whose request names the ticket ends now with reason `ticket_closed`, whatever
 * revocation condition it was requested with. Idempotent: a second close finds nothing to end.
 */
export async function closeTicket(deps, ticketRef, source, actor = `system:tickets`) {
    const requests = await deps.store.requests.list({
        ticketRef,
        states: ['approved'],
        limit: 10_000,
    });
    const grants = [];
    for (const r of requests) {
        for (const g of await deps.store.grants.list({ requestId: r.id })) {
            if (UNENDED_STATES.includes(g.state))
                grants.push(g);
        }
    }
    await deps.store.transaction((tx) => recordAudit(tx, deps, {
        type: 'ticket.closed',
        actor,
        data: {
            ticketRef,
            source,
            requests: requests.map((r) => r.id),
            grants: grants.map((g) => g.id),
        },
    }));
    const grantIds = await endGrantsForChange(deps, grants, 'ticket_closed', actor, {
        change: 'ticket_closed',
        ticketRef,
        source,
    });
    return { ticketRef, requests: requests.map((r) => r.id), grantIds };
}
