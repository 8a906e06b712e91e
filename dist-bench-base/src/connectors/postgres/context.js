import { ConnectorError } from '../connector.js';
/** Hashed role names cannot be read back, so their grant is written down before the role exists. */
export const hashedRoleKey = (role) => `role:${role}`;
/** Written when revocation of a role starts: a late retry of issue must not bring it back. */
export const revokedRoleKey = (role) => `revoked:${role}`;
/** A checkout grant's intent record, written before the shared account is touched. */
export const checkoutGrantKey = (grantId) => `grant:${grantId}`;
export async function guardState(operation) {
    try {
        return await operation();
    }
    catch (error) {
        if (error instanceof ConnectorError)
            throw error;
        throw new ConnectorError('unreachable', 'the connector state store failed', {
            retryable: true,
            cause: error,
        });
    }
}
/**
 * The grant's end, which becomes VALID UNTIL: a backstop that holds while Hourglass is down.
 * PostgreSQL has no "valid from", so a login made before the grant starts would open early.
 */
export function grantEnd(ctx, grant) {
    const now = ctx.now().getTime();
    if (grant.expiresAt.getTime() <= now) {
        throw new ConnectorError('rejected', 'the grant window has ended; nothing was issued', {
            retryable: false,
        });
    }
    if (grant.startsAt.getTime() > now) {
        throw new ConnectorError('rejected', 'the grant has not started yet; nothing was issued', {
            retryable: true,
        });
    }
    return grant.expiresAt;
}
/** Roles this connector must never create, drop, rotate or revoke from. */
export function refuseProtectedRole(ctx, name, what) {
    if (name === ctx.config.user) {
        throw new ConnectorError('rejected', `${what} must not be the connector's own login`, {
            retryable: false,
        });
    }
    if (name.startsWith(ctx.config.rolePrefix)) {
        throw new ConnectorError('rejected', `${what} must not start with the role prefix "${ctx.config.rolePrefix}", which is reserved for per-grant roles`, { retryable: false });
    }
}
