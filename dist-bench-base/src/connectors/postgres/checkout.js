import { z } from 'zod';
import { ConnectorError, } from '../connector.js';
import { acquireCheckout, currentHolder, releaseCheckout } from './checkout-lock.js';
import { checkoutGrantKey, grantEnd, guardState, refuseProtectedRole, } from './context.js';
import { connectionUri, instructionsFor } from './credential.js';
import { errorCode } from './errors.js';
import { run } from './pg-client.js';
import { terminateSessions } from './role-mode.js';
import { generatePassword, scramVerifier } from './scram.js';
import { rotatePasswordSql } from './sql.js';
/**
 * Checkout of a legacy shared login, for systems that cannot take per-grant roles: one grant at
 * a time holds the account, with a password nobody else knows; check-in rotates it again, to one
 * nobody knows, and disconnects everyone.
 */
const grantRecord = z.object({
    mode: z.literal('checkout'),
    account: z.string(),
    checkedIn: z.boolean().optional(),
});
/** The intent record of a checkout grant, so a revoke that knows only the grant id finds it. */
export async function checkoutRecord(ctx, grantId) {
    const raw = await guardState(() => ctx.state.get(checkoutGrantKey(grantId)));
    return raw === null ? null : parseRecord(raw);
}
export async function issueCheckout(ctx, grant, params, signal) {
    const { account } = params;
    refuseProtectedRole(ctx, account, 'account');
    const end = grantEnd(ctx, grant);
    const intent = JSON.stringify({ mode: 'checkout', account });
    const stored = await guardState(() => ctx.state.putIfAbsent(checkoutGrantKey(grant.grantId), intent));
    const record = parseRecord(stored);
    if (record.account !== account || record.checkedIn === true) {
        throw new ConnectorError('conflict', 'this grant was already checked in or is for another account', {
            retryable: false,
        });
    }
    await checkAccount(ctx, account, signal);
    await acquireCheckout(ctx.state, account, grant.grantId);
    const password = generatePassword();
    const sql = rotatePasswordSql(account, await scramVerifier(password), end);
    await run(ctx.client, signal, `rotate password of ${account}`, sql);
    // Exclusive from here: whoever was logged in before is not any more. On a retry by the holder
    // too, since the holder never received the earlier credential.
    await terminateSessions(ctx, account, signal);
    const handle = { mode: 'checkout', account, grantId: grant.grantId };
    return {
        handle: { ...handle },
        credential: connectionUri(ctx.config, account, password),
        expiresAt: end,
        instructions: instructionsFor(ctx.config, account, end, 'checkout'),
    };
}
/**
 * Check-in. Marks the grant checked in first (a late issue retry must not check out again),
 * then, if it still holds the account: rotate, disconnect, release. The account is released only
 * after both succeeded, so a failure leaves it locked for a retry, never open to the next grant.
 */
export async function checkIn(ctx, account, grantId, signal) {
    refuseProtectedRole(ctx, account, 'account');
    const done = JSON.stringify({ mode: 'checkout', account, checkedIn: true });
    await guardState(() => ctx.state.put(checkoutGrantKey(grantId), done));
    const slot = await currentHolder(ctx.state, account);
    if (slot?.holder !== grantId)
        return;
    const sql = rotatePasswordSql(account, await scramVerifier(generatePassword()));
    try {
        await run(ctx.client, signal, `rotate password of ${account}`, sql);
    }
    catch (error) {
        // The account was dropped on the target: nothing left to lock out.
        if (errorCode(error) !== '42704')
            throw error;
    }
    await terminateSessions(ctx, account, signal);
    await releaseCheckout(ctx.state, account, slot, ctx.now());
}
export async function inspectCheckout(ctx, account, grantId) {
    // Released only after rotation, so "not held" also means "password rotated".
    const slot = await currentHolder(ctx.state, account);
    return slot?.holder === grantId ? 'live' : 'gone';
}
/** One entry per checked-out account, so reconciliation can check in what no grant backs. */
export async function listCheckouts(ctx, accounts) {
    const entries = [];
    for (const account of accounts) {
        const slot = await currentHolder(ctx.state, account);
        if (slot === null)
            continue;
        entries.push({
            key: `checkout:${account}`,
            principal: account,
            grantId: slot.holder,
            privileges: ['checkout'],
        });
    }
    return entries;
}
async function checkAccount(ctx, account, signal) {
    const [row] = await run(ctx.client, signal, `look up account ${account}`, 'SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = $1', [account]);
    if (row === undefined) {
        throw new ConnectorError('not-found', `account ${account} does not exist on the target`, {
            retryable: false,
        });
    }
    if (row.rolsuper || !row.rolcanlogin) {
        const why = row.rolsuper ? 'is a superuser' : 'cannot log in';
        throw new ConnectorError('rejected', `account ${account} ${why}; it cannot be checked out`, {
            retryable: false,
        });
    }
}
function parseRecord(raw) {
    try {
        return grantRecord.parse(JSON.parse(raw));
    }
    catch (error) {
        throw new ConnectorError('conflict', 'the checkout record of this grant is unreadable', {
            retryable: false,
            cause: error,
        });
    }
}
