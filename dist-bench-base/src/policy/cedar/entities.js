/** Entity type names of `policies/hourglass.cedarschema`; a rename there must happen here too. */
export const CEDAR_TYPES = {
    identity: 'Hourglass::Identity',
    group: 'Hourglass::Group',
    entitlement: 'Hourglass::Entitlement',
    request: 'Hourglass::Request',
    action: 'Hourglass::Action',
};
/** The input cannot be turned into a consistent Cedar request; the engine denies on it. */
export class DecisionInputError extends Error {
    name = 'DecisionInputError';
}
/**
 * Builds only what one decision can look at: the principal, the subject when it is someone else,
 * the entitlement, and the request for `review`/`activate` — at most four entities. Crossing into
 * WASM costs per entity (performance.md), so the entitlement's owners, the requester and an NHI's
 * owner travel as references only, and group membership as direct parents (groups are flat, so
 * the parents are already the full ancestor set and no Group entity is sent).
 */
export function buildCedarRequest(input) {
    const { principal, subject, entitlement } = input;
    const entities = [identityEntity(principal)];
    if (subject.id !== principal.id)
        entities.push(identityEntity(subject));
    const entitlementUid = uid(CEDAR_TYPES.entitlement, entitlement.id);
    entities.push({
        uid: entitlementUid,
        attrs: {
            risk: entitlement.riskTier,
            owners: [...new Set(entitlement.owners)].sort().map((id) => ref(CEDAR_TYPES.identity, id)),
            targetKind: input.target.kind,
        },
        parents: [],
    });
    let resource = entitlementUid;
    if (input.action === 'review' || input.action === 'activate') {
        const request = input.request;
        if (request === undefined) {
            throw new DecisionInputError(`action "${input.action}" needs the request being decided`);
        }
        if (request.subjectId !== subject.id) {
            throw new DecisionInputError(`the subject ${JSON.stringify(subject.id)} is not the request's subject ${JSON.stringify(request.subjectId)}`);
        }
        resource = uid(CEDAR_TYPES.request, request.id);
        entities.push({
            uid: resource,
            attrs: {
                requester: ref(CEDAR_TYPES.identity, request.requesterId),
                subject: ref(CEDAR_TYPES.identity, request.subjectId),
                entitlement: { __entity: entitlementUid },
                durationSeconds: long('request.durationSeconds', request.durationSeconds),
                hasTicket: request.ticketRef !== null,
            },
            parents: [],
        });
    }
    return {
        principal: uid(CEDAR_TYPES.identity, principal.id),
        action: uid(CEDAR_TYPES.action, input.action),
        resource,
        context: {
            subject: ref(CEDAR_TYPES.identity, subject.id),
            durationSeconds: long('context.durationSeconds', input.context.durationSeconds),
            hasTicket: input.context.hasTicket,
            now: long('context.now', input.context.now),
            ...(input.context.exceptions !== undefined
                ? { exceptions: [...new Set(input.context.exceptions)].sort() }
                : {}),
        },
        entities,
    };
}
function identityEntity(identity) {
    const attrs = { kind: identity.kind, status: identity.status };
    if (identity.ownerId !== null)
        attrs.owner = ref(CEDAR_TYPES.identity, identity.ownerId);
    return {
        uid: uid(CEDAR_TYPES.identity, identity.id),
        attrs,
        parents: [...new Set(identity.groups)].sort().map((g) => uid(CEDAR_TYPES.group, g)),
    };
}
function uid(type, id) {
    return { type, id };
}
function ref(type, id) {
    return { __entity: uid(type, id) };
}
/** Cedar's Long is a 64-bit integer; a fraction or NaN would be rejected deep in WASM instead. */
function long(name, value) {
    if (!Number.isSafeInteger(value)) {
        throw new DecisionInputError(`${name} must be a whole number, got ${String(value)}`);
    }
    return value;
}
