import { parseDuration } from '../domain/duration.js';
import { AppError, isAppError } from '../domain/errors.js';
import { identityIdFromUserName } from '../domain/provisioning.js';
import { cleanText } from '../domain/safe-text.js';
import { entitlementIdOf, TICKET_REF_PATTERN, } from '../domain/ticket.js';
import { closeTicket } from './close-ticket.js';
import { recordAudit, requireEntitlement } from './load.js';
import { submitRequest } from './submit-request.js';
const actorOf = (source) => `system:tickets:${source}`;
/**
 * Records a refused delivery (forged, stale, replayed or unusable) and nothing else: no request,
 * no revocation, no remembered delivery id. The event is the evidence that someone tried.
 */
export async function rejectTicketDelivery(deps, source, reason, details = {}) {
    await deps.store.transaction((tx) => recordAudit(tx, deps, {
        type: 'ticket.delivery_rejected',
        actor: actorOf(source),
        data: { source, reason, ...details },
    }));
    deps.log.warn({ source, reason, ...details }, 'ticket delivery rejected');
}
/**
 * Acts on a ticket delivery, at most once per delivery id: `open` submits an ordinary request on
 * the original requester's behalf (policy and reviewers still decide), `close` ends the grants
 * given for the ticket. Everything that can be checked without writing is checked first, so a
 * refused delivery changes nothing.
 */
export async function receiveTicketEvent(deps, delivery, event) {
    const reject = async (error) => {
        const reason = isAppError(error) ? error.code : 'processing_failed';
        await rejectTicketDelivery(deps, delivery.source, reason, {
            deliveryId: delivery.deliveryId,
            ticketRef: event.ref,
        });
        throw error;
    };
    if (!TICKET_REF_PATTERN.test(event.ref)) {
        await reject(new AppError('input.invalid', 'The ticket reference is not a ticket key like OPS-123'));
    }
    if (event.action === 'ignore')
        return { outcome: 'ignored', ticketRef: event.ref };
    const opening = event.action === 'open' ? await prepareOpening(deps, event).catch(reject) : null;
    const fresh = await deps.store.transaction(async (tx) => {
        const first = await tx.nonces.remember(`ticket:${delivery.source}`, delivery.deliveryId, delivery.rememberUntil, deps.clock.now());
        await recordAudit(tx, deps, {
            type: first ? 'ticket.received' : 'ticket.delivery_rejected',
            actor: actorOf(delivery.source),
            data: {
                source: delivery.source,
                deliveryId: delivery.deliveryId,
                ticketRef: event.ref,
                action: event.action,
                ...(first ? {} : { reason: 'ticket.replayed' }),
            },
        });
        return first;
    });
    if (!fresh) {
        throw new AppError('ticket.replayed', 'This delivery was already received', {
            details: { deliveryId: delivery.deliveryId },
        });
    }
    try {
        return opening
            ? await openTicket(deps, event, opening)
            : await closed(deps, event.ref, delivery.source);
    }
    catch (error) {
        // A refusal (policy, validation) is an answer; a failure on our side is not, so the delivery
        // id is released and the sender's retry of the same delivery is processed.
        if (isAppError(error) && error.category !== 'internal' && error.category !== 'unavailable') {
            throw error;
        }
        await deps.store.transaction(async (tx) => {
            await tx.nonces.forget(`ticket:${delivery.source}`, delivery.deliveryId);
            await recordAudit(tx, deps, {
                type: 'ticket.delivery_rejected',
                actor: actorOf(delivery.source),
                data: {
                    source: delivery.source,
                    deliveryId: delivery.deliveryId,
                    ticketRef: event.ref,
                    reason: 'processing_failed',
                    retryable: true,
                },
            });
        });
        throw error;
    }
}
async function closed(deps, ticketRef, source) {
    const result = await closeTicket(deps, ticketRef, source, actorOf(source));
    return { outcome: 'closed', ticketRef, revokedGrants: result.grantIds };
}
async function prepareOpening(deps, event) {
    const entitlementId = entitlementIdOf(event);
    await requireEntitlement(deps.store, entitlementId);
    const requester = await resolveRequester(deps, event.ref, event.requester);
    const durationSeconds = event.duration === null || event.duration.trim() === '' ? undefined : parseDuration(event.duration);
    return { requester, entitlementId, durationSeconds };
}
async function openTicket(deps, event, opening) {
    // The same ticket opened twice (a sender that retries with a new delivery id) is one request.
    const existing = (await deps.store.requests.list({ ticketRef: event.ref, limit: 100 })).find((r) => r.requesterId === opening.requester.id &&
        r.entitlementId === opening.entitlementId &&
        (r.state === 'pending' || r.state === 'approved'));
    if (existing) {
        return { outcome: 'already_open', ticketRef: event.ref, requestId: existing.id, state: existing.state };
    }
    const result = await submitRequest(deps, opening.requester, {
        entitlementId: opening.entitlementId,
        justification: justificationOf(event),
        ticketRef: event.ref,
        durationSeconds: opening.durationSeconds,
        revocationCondition: 'ticket_closed',
    });
    return {
        outcome: 'opened',
        ticketRef: event.ref,
        requestId: result.request.id,
        state: result.request.state,
        grantId: result.grant?.id ?? null,
    };
}
/** The ticket's title as the justification reviewers read, cleaned as any free text is (T39). */
function justificationOf(event) {
    const title = cleanText(event.title ?? '', 1800);
    return `${title === '' ? 'Access requested in a ticket' : title} (ticket ${event.ref} via ${event.source})`;
}
/**
 * The identity the ticket's requester is: named outright by the source's configuration, else the
 * one active person with that email, else the provisioned userName. Ambiguity is refused.
 */
async function resolveRequester(deps, ticketRef, requester) {
    const unmapped = () => new AppError('ticket.requester_unmapped', `The requester of ticket ${ticketRef} is not a known person`, {
        details: { ticketRef },
    });
    if (requester === null)
        throw unmapped();
    if (requester.identityId !== undefined) {
        return (await deps.store.identities.get(requester.identityId)) ?? Promise.reject(unmapped());
    }
    if (requester.email !== undefined) {
        const email = requester.email.toLowerCase();
        const people = (await deps.store.identities.list({ kind: 'human' })).filter((i) => i.status !== 'offboarded' && i.email?.toLowerCase() === email);
        if (people.length > 1) {
            throw new AppError('ticket.requester_unmapped', `Several people have the email of ticket ${ticketRef}'s requester`, {
                details: { ticketRef },
            });
        }
        if (people[0])
            return people[0];
    }
    if (requester.userName !== undefined) {
        const user = await deps.store.provisioning.getUserByUserName(requester.userName);
        const id = user?.identityId ?? identityIdFromUserName(requester.userName);
        const identity = id === null ? null : await deps.store.identities.get(id);
        if (identity?.kind === 'human')
            return identity;
    }
    throw unmapped();
}
