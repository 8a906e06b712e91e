import { CATALOG_ID_PATTERN } from './catalog.js'
import { AppError } from './errors.js'

/** Ticket systems that may send deliveries; each has its own secret and signature scheme. */
export const TICKET_SOURCES = ['generic', 'jira', 'servicenow', 'github'] as const
export type TicketSource = (typeof TICKET_SOURCES)[number]

export function isTicketSource(value: string): value is TicketSource {
  return (TICKET_SOURCES as readonly string[]).includes(value)
}

/** The same shape people type into `ticketRef` (`OPS-123`, `acme/ops#12`, `RITM0010001`). */
export const TICKET_REF_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._#:/-]{0,127}$/

/**
 * What a ticket delivery asks for, once its source-specific payload is read. A ticket is an input
 * to authorization, never the authorization itself: `open` submits an ordinary request that
 * policy and reviewers decide; `close` ends the access granted for the ticket.
 */
export type TicketAction = 'open' | 'close' | 'ignore'

export interface TicketRequester {
  email?: string
  userName?: string
  /** Set when the source's configuration maps its user straight to an identity (GitHub logins). */
  identityId?: string
}

export interface TicketEvent {
  source: TicketSource
  ref: string
  action: TicketAction
  requester: TicketRequester | null
  /** The entitlement field as the ticket has it; only a catalog id opens anything. */
  entitlement: string | null
  duration: string | null
  title: string | null
}

/**
 * The catalog entitlement a ticket names. Free text ("need prod access please") is refused: what
 * access a ticket leads to is chosen from the catalog, never interpreted from prose.
 */
export function entitlementIdOf(event: Pick<TicketEvent, 'entitlement' | 'ref'>): string {
  const value = event.entitlement?.trim() ?? ''
  if (!CATALOG_ID_PATTERN.test(value)) {
    throw new AppError(
      'ticket.entitlement_required',
      `Ticket ${event.ref} must name a catalog entitlement id to open a request; free text is refused`,
      { details: { ticketRef: event.ref } },
    )
  }
  return value
}
