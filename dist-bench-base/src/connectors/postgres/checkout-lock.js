import { ConnectorError } from '../connector.js';
import { guardState } from './context.js';
/** A scan this long means the hint is broken; stop rather than walk forever. */
const MAX_SCAN = 1000;
const hintKey = (account) => `checkout:${account}`;
const slotKey = (account, n) => `checkout:${account}:${n}`;
const returnedKey = (account, n) => `checkout:${account}:${n}:returned`;
/** The current holder of `account`, or the first free generation. */
async function scan(state, account) {
    const hint = Number(await guardState(() => state.get(hintKey(account))));
    const start = Number.isSafeInteger(hint) && hint >= 0 ? hint : 0;
    for (let n = start; n < start + MAX_SCAN; n++) {
        const holder = await guardState(() => state.get(slotKey(account, n)));
        if (holder === null)
            return { free: n };
        const returned = await guardState(() => state.get(returnedKey(account, n)));
        if (returned === null)
            return { held: { generation: n, holder } };
    }
    throw new ConnectorError('conflict', `checkout history of ${account} is inconsistent`, {
        retryable: false,
    });
}
/**
 * Takes `account` for `grantId`, or confirms it already holds it (a retried issue).
 * @throws ConnectorError('conflict', retryable) while another grant holds it
 */
export async function acquireCheckout(state, account, grantId) {
    for (let attempt = 0; attempt < 3; attempt++) {
        const found = await scan(state, account);
        if ('held' in found) {
            if (found.held.holder === grantId)
                return found.held;
            throw new ConnectorError('conflict', `account ${account} is checked out by another grant`, {
                retryable: true,
            });
        }
        const n = found.free;
        const winner = await guardState(() => state.putIfAbsent(slotKey(account, n), grantId));
        if (winner === grantId) {
            await guardState(() => state.put(hintKey(account), String(n)));
            return { generation: n, holder: grantId };
        }
        // Lost the race for generation n; the next scan reports the winner.
    }
    throw new ConnectorError('conflict', `account ${account} is being checked out concurrently`, {
        retryable: true,
    });
}
/** The grant holding `account` now, if any. */
export async function currentHolder(state, account) {
    const found = await scan(state, account);
    return 'held' in found ? found.held : null;
}
/** Only after the password was rotated: from here on another grant may take the account. */
export async function releaseCheckout(state, account, slot, at) {
    const record = JSON.stringify({ grantId: slot.holder, at: at.toISOString() });
    await guardState(() => state.putIfAbsent(returnedKey(account, slot.generation), record));
}
