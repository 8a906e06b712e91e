/**
 * Maps Hourglass audit events to OCSF 1.3 events (docs/siem.md has the table and the reasons).
 * Pure: the same event always maps to the same object. Nothing is dropped: whatever has no
 * OCSF home, the chain fields included, goes under `unmapped`, so an analyst can still verify
 * the hash chain from a SIEM copy. Audit events hold no secrets, so neither does this.
 */
export const OCSF_VERSION = '1.3.0';
const API_ACTIVITY = {
    uid: 6003,
    name: 'API Activity',
    categoryUid: 6,
    categoryName: 'Application Activity',
};
const ACCOUNT_CHANGE = {
    uid: 3001,
    name: 'Account Change',
    categoryUid: 3,
    categoryName: 'Identity & Access Management',
};
const AUTHENTICATION = { ...ACCOUNT_CHANGE, uid: 3002, name: 'Authentication' };
const USER_ACCESS = { ...ACCOUNT_CHANGE, uid: 3005, name: 'User Access Management' };
const api = (activityId) => ({
    cls: API_ACTIVITY,
    activityId,
    activityName: { 1: 'Create', 2: 'Read', 3: 'Update', 4: 'Delete', 99: 'Other' }[activityId],
});
const account = (activityId, activityName) => ({
    cls: ACCOUNT_CHANGE,
    activityId,
    activityName,
});
const ASSIGN = { cls: USER_ACCESS, activityId: 1, activityName: 'Assign Privileges' };
const REVOKE = { cls: USER_ACCESS, activityId: 2, activityName: 'Revoke Privileges' };
const TICKET = { cls: AUTHENTICATION, activityId: 3, activityName: 'Authentication Ticket' };
/** Exhaustive: a new audit event type does not compile until it has a mapping. */
const MAPPINGS = {
    'identity.created': account(1, 'Create'),
    'identity.updated': account(99, 'Other'),
    'identity.status_changed': account(99, 'Other'),
    'nhi.transferred': account(99, 'Other'),
    'token.created': api(1),
    'token.revoked': api(4),
    'catalog.synced': api(3),
    'policy.loaded': api(3),
    'request.submitted': api(1),
    'request.denied_by_policy': api(1),
    'request.approved': api(3),
    'request.denied': api(3),
    'request.cancelled': api(3),
    'request.lapsed': api(3),
    'review.recorded': api(1),
    'review.rejected': api(1),
    'grant.scheduled': api(1),
    'grant.issuing': api(3),
    'grant.issue_failed': api(3),
    'grant.activated': ASSIGN,
    'grant.activation_denied': ASSIGN,
    'grant.credential_retrieved': api(2),
    'grant.revocation_requested': api(3),
    'grant.revoking': api(3),
    'grant.revoke_failed': REVOKE,
    'grant.revoked': REVOKE,
    'grant.irrevocable': REVOKE,
    'grant.completed': api(3),
    'audit.checkpoint': api(99),
    'finding.opened': api(1),
    'finding.resolved': api(3),
    'finding.accepted': api(3),
    'reconcile.completed': api(99),
    'reconcile.access_removed': REVOKE,
    'breakglass.used': api(1),
    'breakglass.refused': api(1),
    'breakglass.reviewed': api(3),
    'breakglass.review_overdue': api(99),
    'exception.created': api(1),
    'exception.revoked': api(4),
    'exception.used': api(99),
    'ticket.closed': api(3),
    'grants.rechecked': api(99),
    'group.created': api(1),
    'group.updated': api(3),
    'group.deleted': api(4),
    'ticket.received': api(1),
    'ticket.delivery_rejected': api(1),
    'exchange.accepted': TICKET,
    'exchange.refused': TICKET,
};
/** Events that record something that did not happen or went wrong: OCSF status Failure. */
const FAILURES = new Set([
    'request.denied_by_policy',
    'review.rejected',
    'grant.issue_failed',
    'grant.activation_denied',
    'grant.revoke_failed',
    'grant.irrevocable',
    'breakglass.refused',
    'ticket.delivery_rejected',
    'exchange.refused',
]);
/** OCSF severity_id: 1 Informational, 3 Medium, 4 High, 5 Critical. */
const SEVERITY = {
    'breakglass.used': 4,
    'breakglass.review_overdue': 4,
    'grant.irrevocable': 5,
    'grant.revoke_failed': 3,
    'grant.issue_failed': 3,
    'grant.activation_denied': 3,
    'request.denied_by_policy': 3,
    'exchange.refused': 3,
    'breakglass.refused': 3,
    'reconcile.access_removed': 3,
    'finding.opened': 3,
};
const SEVERITY_NAMES = {
    1: 'Informational',
    3: 'Medium',
    4: 'High',
    5: 'Critical',
};
/** The OCSF class an event type maps to, for documentation and tests. */
export function ocsfClassOf(type) {
    const m = MAPPINGS[type];
    return { classUid: m.cls.uid, activityId: m.activityId };
}
/**
 * One audit event as an OCSF event. `facts` is what the event's request said (subject and
 * entitlement), for the grant events that do not repeat it; without it `user` names only what
 * the event itself carries.
 */
export function toOcsf(event, product, facts) {
    const m = MAPPINGS[event.type];
    const failed = FAILURES.has(event.type);
    const severityId = SEVERITY[event.type] ?? 1;
    const out = {
        class_uid: m.cls.uid,
        class_name: m.cls.name,
        category_uid: m.cls.categoryUid,
        category_name: m.cls.categoryName,
        activity_id: m.activityId,
        activity_name: m.activityName,
        type_uid: m.cls.uid * 100 + m.activityId,
        type_name: `${m.cls.name}: ${m.activityName}`,
        time: event.at.getTime(),
        severity_id: severityId,
        severity: SEVERITY_NAMES[severityId] ?? 'Informational',
        status_id: failed ? 2 : 1,
        status: failed ? 'Failure' : 'Success',
        message: event.type,
        metadata: {
            version: OCSF_VERSION,
            product: { name: product.name, vendor_name: product.vendorName, version: product.version },
            uid: event.id,
            sequence: event.seq,
            log_name: 'audit',
            event_code: event.type,
            ...(event.requestId !== null ? { correlation_uid: event.requestId } : {}),
        },
        actor: actorOf(event.actor, product.name),
        unmapped: {
            type: event.type,
            request_id: event.requestId,
            grant_id: event.grantId,
            data: event.data,
            prev_hash: event.prevHash,
            hash: event.hash,
        },
    };
    const reason = failed ? failureReason(event.data) : null;
    if (reason !== null)
        out.status_detail = reason;
    Object.assign(out, classFields(m.cls, event, facts ?? null));
    return out;
}
/** People and NHIs are users; `system:<component>` is Hourglass itself acting. */
function actorOf(actor, productName) {
    if (actor.startsWith('system:')) {
        return { app_name: productName, app_uid: actor };
    }
    return { user: { uid: actor } };
}
function classFields(cls, event, facts) {
    const d = event.data;
    switch (cls.uid) {
        case USER_ACCESS.uid: {
            const subject = text(d.subjectId) ?? text(d.principal) ?? facts?.subjectId ?? null;
            const entitlement = text(d.entitlementId) ?? facts?.entitlementId ?? null;
            return {
                user: subject !== null ? { uid: subject } : { uid: 'unknown' },
                privileges: entitlement !== null ? [entitlement] : [],
                ...(event.grantId !== null ? { resource: { uid: event.grantId, type: 'grant' } } : {}),
            };
        }
        case ACCOUNT_CHANGE.uid: {
            const user = text(d.identityId) ?? text(d.workloadId) ?? text(d.nhiId);
            return user !== null ? { user: { uid: user } } : {};
        }
        case AUTHENTICATION.uid: {
            const user = text(d.workloadId) ?? text(d.subject);
            return {
                ...(user !== null ? { user: { uid: user } } : {}),
                ...(text(d.issuer) !== null ? { auth_protocol: 'OIDC', auth_protocol_id: 99 } : {}),
            };
        }
        default:
            return {
                api: { operation: event.type, service: { name: 'hourglass' } },
                ...(event.grantId !== null || event.requestId !== null
                    ? {
                        resources: [
                            ...(event.requestId !== null ? [{ uid: event.requestId, type: 'request' }] : []),
                            ...(event.grantId !== null ? [{ uid: event.grantId, type: 'grant' }] : []),
                        ],
                    }
                    : {}),
            };
    }
}
function failureReason(d) {
    return text(d.error) ?? text(d.reason) ?? null;
}
function text(v) {
    return typeof v === 'string' && v !== '' ? v : null;
}
