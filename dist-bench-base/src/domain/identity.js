export const IDENTITY_KINDS = ['human', 'workload', 'service_account'];
export const IDENTITY_STATUSES = ['active', 'suspended', 'offboarded'];
export function isHuman(identity) {
    return identity.kind === 'human';
}
export function isActive(identity) {
    return identity.status === 'active';
}
/** Identity ids are generated or chosen by an admin; keep them to a safe, printable charset. */
export const IDENTITY_ID_PATTERN = /^[a-z0-9][a-z0-9._@-]{0,127}$/;
