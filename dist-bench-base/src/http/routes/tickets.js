import { z } from 'zod';
import { receiveTicketEvent, rejectTicketDelivery } from '../../app/receive-ticket.js';
import { AppError, isAppError } from '../../domain/errors.js';
import { isTicketSource, TICKET_SOURCES } from '../../domain/ticket.js';
import { defineRoute } from '../route.js';
import { parseTicketPayload } from '../tickets/ticket-payloads.js';
import { checkDeliverySignature, isWithinWindow } from '../tickets/ticket-signatures.js';
/** Delivery ids are kept this much longer than the window, for clock differences between us. */
const REMEMBER_MARGIN_SECONDS = 60;
async function refuse(deps, source, error, details) {
    await rejectTicketDelivery(deps, source, error.code, details);
    throw error;
}
export const ticketRoutes = [
    defineRoute({
        method: 'post',
        path: '/v1/integrations/tickets/{source}',
        summary: `Inbound ticket webhook (${TICKET_SOURCES.join(', ')}): HMAC over the raw body, replay window, one use per delivery`,
        tag: 'integrations',
        // Authenticated by the source's signature over the raw body, not by a bearer token.
        auth: 'none',
        response: z.object({ outcome: z.enum(['opened', 'already_open', 'closed', 'ignored']), ticketRef: z.string() }),
        handler: async ({ deps, params, c }) => {
            const source = params.source ?? '';
            const integrations = deps.integrations;
            const settings = isTicketSource(source) ? integrations?.tickets.sources[source] : undefined;
            if (!isTicketSource(source) || integrations === undefined || settings === undefined) {
                throw new AppError('ticket.source_unknown', `No ticket source ${JSON.stringify(source)} is configured`);
            }
            const raw = new Uint8Array(await c.req.arrayBuffer());
            const headers = c.req.raw.headers;
            const now = deps.clock.now();
            const tolerance = integrations.tickets.toleranceSeconds;
            const check = checkDeliverySignature(source, settings.secret, headers, raw, now, tolerance);
            if (!check.ok) {
                const message = check.code === 'ticket.stale'
                    ? 'The delivery timestamp is outside the accepted window'
                    : 'The delivery signature is missing or does not match';
                return refuse(deps, source, new AppError(check.code, message), {
                    detail: check.detail,
                    ...(check.deliveryId === undefined ? {} : { deliveryId: check.deliveryId }),
                });
            }
            const deliveryId = check.deliveryId;
            let parsed;
            try {
                parsed = parseTicketPayload(source, settings, headers, raw);
            }
            catch (error) {
                if (!isAppError(error))
                    throw error;
                return refuse(deps, source, error, { deliveryId });
            }
            if (parsed.event === null)
                return { outcome: 'ignored', ticketRef: '' };
            // Sources that sign no timestamp header get the window from the signed payload instead.
            const timestamp = check.timestamp ?? parsed.timestamp;
            if (timestamp === undefined || !isWithinWindow(timestamp, now, tolerance)) {
                return refuse(deps, source, new AppError('ticket.stale', 'The delivery timestamp is outside the accepted window'), {
                    deliveryId,
                    ticketRef: parsed.event.ref,
                    detail: timestamp === undefined ? 'no-timestamp' : 'outside-window',
                });
            }
            const latest = Math.max(timestamp, Math.floor(now.getTime() / 1000));
            return receiveTicketEvent(deps, {
                source,
                deliveryId,
                rememberUntil: new Date((latest + tolerance + REMEMBER_MARGIN_SECONDS) * 1000),
            }, parsed.event);
        },
    }),
];
