import type { AccessRequest } from '../domain/access-request.js'
import type { AuditEventInput } from '../domain/audit-event.js'
import type { Entitlement, Target } from '../domain/catalog.js'
import { AppError } from '../domain/errors.js'
import type { Grant } from '../domain/grant.js'
import type { Identity } from '../domain/identity.js'
import type { Repositories } from '../storage/store.js'
import type { AppDeps } from './deps.js'
import { queueNotifications } from './notify.js'

/** `held`: held against concurrent updates until the caller's transaction ends (`getHeld`). */
export async function requireIdentity(repos: Repositories, id: string, held = false): Promise<Identity> {
  const identity = await (held ? repos.identities.getHeld(id) : repos.identities.get(id))
  if (!identity) throw new AppError('identity.not_found', `No identity ${JSON.stringify(id)}`)
  return identity
}

export async function requireEntitlement(repos: Repositories, id: string): Promise<Entitlement> {
  const entitlement = await repos.catalog.getEntitlement(id)
  if (!entitlement) {
    throw new AppError('catalog.not_found', `No catalog entitlement ${JSON.stringify(id)}`)
  }
  return entitlement
}

export async function requireTarget(repos: Repositories, id: string): Promise<Target> {
  const target = await repos.catalog.getTarget(id)
  if (!target) throw new AppError('target.not_found', `No target ${JSON.stringify(id)}`)
  return target
}

/** The entitlement and its target, in one read where the engine pays a round trip per statement. */
export async function requireEntitlementAndTarget(
  repos: Repositories,
  id: string,
): Promise<{ entitlement: Entitlement; target: Target }> {
  const found = await repos.catalog.getEntitlementWithTarget(id)
  if (!found) throw new AppError('catalog.not_found', `No catalog entitlement ${JSON.stringify(id)}`)
  const { entitlement, target } = found
  if (!target) throw new AppError('target.not_found', `No target ${JSON.stringify(entitlement.targetId)}`)
  return { entitlement, target }
}

export async function requireRequest(repos: Repositories, id: string): Promise<AccessRequest> {
  const request = await repos.requests.get(id)
  if (!request) throw new AppError('request.not_found', `No request ${JSON.stringify(id)}`)
  return request
}

export async function requireGrant(repos: Repositories, id: string): Promise<Grant> {
  const grant = await repos.grants.get(id)
  if (!grant) throw new AppError('grant.not_found', `No grant ${JSON.stringify(id)}`)
  return grant
}

/**
 * Appends an audit event in the caller's transaction, stamped with this process's clock, and
 * queues the notifications it causes (docs/notifications.md) in the same transaction.
 */
export async function recordAudit(
  tx: Repositories,
  deps: Pick<AppDeps, 'clock' | 'ids' | 'notifications'>,
  event: AuditEventInput,
): Promise<void> {
  const stored = await tx.audit.append({ ...event, id: deps.ids.newId('evt'), at: deps.clock.now() })
  if (deps.notifications) await queueNotifications(tx, deps, deps.notifications, stored)
}

/** recordAudit for several events in order, with one pass over the chain head (a revocation batch). */
export async function recordAuditMany(
  tx: Repositories,
  deps: Pick<AppDeps, 'clock' | 'ids' | 'notifications'>,
  events: readonly AuditEventInput[],
): Promise<void> {
  const at = deps.clock.now()
  const stored = await tx.audit.appendMany(
    events.map((event) => ({ ...event, id: deps.ids.newId('evt'), at })),
  )
  const { notifications } = deps
  if (notifications) for (const event of stored) await queueNotifications(tx, deps, notifications, event)
}

/** The context every policy decision gets: the asked duration, whether a ticket is named, and now. */
export function decisionContext(
  fields: { durationSeconds: number; ticketRef: string | null },
  now: Date,
): { durationSeconds: number; hasTicket: boolean; now: number } {
  return {
    durationSeconds: fields.durationSeconds,
    hasTicket: fields.ticketRef !== null,
    now: Math.floor(now.getTime() / 1000),
  }
}

/** Whether `actor` administers Hourglass (may act on anyone's behalf for non-review actions). */
export function isAdmin(actor: Pick<Identity, 'groups' | 'kind'>, adminGroup: string): boolean {
  return actor.kind === 'human' && actor.groups.includes(adminGroup)
}
