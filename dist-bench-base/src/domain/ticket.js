import { CATALOG_ID_PATTERN } from './catalog.js';
import { AppError } from './errors.js';
/** Ticket systems that may send deliveries; each has its own secret and signature scheme. */
export const TICKET_SOURCES = ['generic', 'jira', 'servicenow', 'github'];
export function isTicketSource(value) {
    return TICKET_SOURCES.includes(value);
}
/** The same shape people type into `ticketRef` (`OPS-123`, `acme/ops#12`, `RITM0010001`). */
export const TICKET_REF_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._#:/-]{0,127}$/;
/**
 * The catalog entitlement a ticket names. Free text ("need prod access please") is refused: what
 * access a ticket leads to is chosen from the catalog, never interpreted from prose.
 */
export function entitlementIdOf(event) {
    const value = event.entitlement?.trim() ?? '';
    if (!CATALOG_ID_PATTERN.test(value)) {
        throw new AppError('ticket.entitlement_required', `Ticket ${event.ref} must name a catalog entitlement id to open a request; free text is refused`, { details: { ticketRef: event.ref } });
    }
    return value;
}
