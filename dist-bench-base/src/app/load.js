import { AppError } from '../domain/errors.js';
import { queueNotifications } from './notify.js';
export async function requireIdentity(repos, id) {
    const identity = await repos.identities.get(id);
    if (!identity)
        throw new AppError('identity.not_found', `No identity ${JSON.stringify(id)}`);
    return identity;
}
export async function requireEntitlement(repos, id) {
    const entitlement = await repos.catalog.getEntitlement(id);
    if (!entitlement) {
        throw new AppError('catalog.not_found', `No catalog entitlement ${JSON.stringify(id)}`);
    }
    return entitlement;
}
export async function requireTarget(repos, id) {
    const target = await repos.catalog.getTarget(id);
    if (!target)
        throw new AppError('target.not_found', `No target ${JSON.stringify(id)}`);
    return target;
}
export async function requireRequest(repos, id) {
    const request = await repos.requests.get(id);
    if (!request)
        throw new AppError('request.not_found', `No request ${JSON.stringify(id)}`);
    return request;
}
export async function requireGrant(repos, id) {
    const grant = await repos.grants.get(id);
    if (!grant)
        throw new AppError('grant.not_found', `No grant ${JSON.stringify(id)}`);
    return grant;
}
/**
 * Appends an audit event in the caller's transaction, stamped with this process's clock, and
 * queues the notifications it causes (docs/notifications.md) in the same transaction.
 */
export async function recordAudit(tx, deps, event) {
    const stored = await tx.audit.append({ ...event, id: deps.ids.newId('evt'), at: deps.clock.now() });
    if (deps.notifications)
        await queueNotifications(tx, deps, deps.notifications, stored);
}
/** recordAudit for several events in order, with one pass over the chain head (a revocation batch). */
export async function recordAuditMany(tx, deps, events) {
    const at = deps.clock.now();
    const stored = await tx.audit.appendMany(events.map((event) => ({ ...event, id: deps.ids.newId('evt'), at })));
    const { notifications } = deps;
    if (notifications)
        for (const event of stored)
            await queueNotifications(tx, deps, notifications, event);
}
/** The context every policy decision gets: the asked duration, whether a ticket is named, and now. */
export function decisionContext(fields, now) {
    return {
        durationSeconds: fields.durationSeconds,
        hasTicket: fields.ticketRef !== null,
        now: Math.floor(now.getTime() / 1000),
    };
}
/** Whether `actor` administers Hourglass (may act on anyone's behalf for non-review actions). */
export function isAdmin(actor, adminGroup) {
    return actor.kind === 'human' && actor.groups.includes(adminGroup);
}
