import type { AuditEvent } from '../domain/audit-event.js'
import {
  audiencesFor,
  isNotifiable,
  notificationsFor,
  type NotificationContext,
  type NotificationRouting,
  type Person,
} from '../domain/notifications.js'
import { wrapRepository, type OutboxRepository, type Repositories, type Store } from '../storage/store.js'
import type { AppDeps } from './deps.js'

/**
 * Queues the notifications an audit event causes, in the caller's transaction: they commit with
 * the change or not at all, and are sent after commit by the dispatcher. Returns how many were
 * queued. Events nobody listens to cost nothing: nothing is loaded for them.
 */
export async function queueNotifications(
  tx: Repositories,
  deps: Pick<AppDeps, 'clock' | 'ids'>,
  routing: NotificationRouting,
  event: AuditEvent,
): Promise<number> {
  if (!isNotifiable(event.type, routing)) return 0
  const drafts = notificationsFor(event, await loadContext(tx, routing, event))
  const now = deps.clock.now()
  let queued = 0
  for (const draft of drafts) {
    const inserted = await tx.outbox.enqueue({
      ...draft,
      id: deps.ids.newId('ntf'),
      state: 'pending',
      createdAt: now,
      attempts: 0,
      nextAttemptAt: now,
      deliveredAt: null,
      lastError: null,
      version: 1,
    })
    if (inserted) queued++
  }
  return queued
}

async function loadContext(
  tx: Repositories,
  routing: NotificationRouting,
  event: AuditEvent,
): Promise<NotificationContext> {
  const audiences = new Set(audiencesFor(event.type, routing))
  const request = event.requestId ? await tx.requests.get(event.requestId) : null
  const grant = event.grantId ? await tx.grants.get(event.grantId) : null
  const entitlementId = request?.entitlementId ?? grant?.entitlementId
  const owners =
    audiences.has('owners') && entitlementId !== undefined
      ? ((await tx.catalog.getEntitlement(entitlementId))?.owners ?? [])
      : []
  const security = audiences.has('security')
    ? await tx.identities.listActiveHumansInGroups([routing.securityGroup])
    : []
  const admins = audiences.has('admins')
    ? await tx.identities.listActiveHumansInGroups([routing.adminGroup])
    : []
  const named = [
    event.actor,
    request?.requesterId,
    request?.subjectId,
    grant?.subjectId,
    typeof event.data.userId === 'string' ? event.data.userId : undefined,
    ...owners,
    ...(audiences.has('reviewers') ? (request?.eligibleReviewers ?? []) : []),
  ]
  const people = new Map<string, Person>()
  await loadPeople(tx, people, named)
  // An NHI subject is represented by its owner.
  await loadPeople(
    tx,
    people,
    [...people.values()].map((p) => (p.kind === 'human' ? undefined : p.ownerId)),
  )
  return { routing, request, grant, owners, security, admins, people }
}

async function loadPeople(
  tx: Repositories,
  into: Map<string, Person>,
  ids: ReadonlyArray<string | null | undefined>,
): Promise<void> {
  for (const id of new Set(ids)) {
    if (typeof id !== 'string' || into.has(id) || id.startsWith('system:')) continue
    const identity = await tx.identities.get(id)
    if (identity) into.set(id, identity)
  }
}

/**
 * The store, calling `onQueued` after every commit that queued notifications (and after every
 * queue write made outside a transaction), so delivery starts at once rather than at the next
 * sweep. Everything else passes straight through to `store`.
 */
export function withOutboxSignal(store: Store, onQueued: () => void): Store {
  const tracked = (outbox: OutboxRepository, mark: () => void): OutboxRepository => ({
    ...outbox,
    async enqueue(message) {
      const inserted = await outbox.enqueue(message)
      if (inserted) mark()
      return inserted
    },
  })
  const transaction: Store['transaction'] = async (fn, options) => {
    const seen = { queued: false }
    const result = await store.transaction(
      (tx) =>
        fn(
          wrapRepository(tx, 'outbox', (outbox) =>
            tracked(outbox, () => {
              seen.queued = true
            }),
          ),
        ),
      options,
    )
    if (seen.queued) onQueued()
    return result
  }
  const outbox = tracked(store.outbox, onQueued)
  return new Proxy(store, {
    get(target, property) {
      if (property === 'transaction') return transaction
      if (property === 'outbox') return outbox
      const value: unknown = Reflect.get(target, property, target)
      // Bound to the real store: its methods read private fields.
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value
    },
  })
}
