import { z } from 'zod';
import { ConnectorError } from '../connector.js';
import { IDENTIFIER_PATTERN } from './config.js';
const grantId = z.string().min(1).max(256);
const roleHandle = z.strictObject({
    mode: z.literal('role'),
    // Shape only here; the connector also checks that the name is one it could have made.
    role: z.string().regex(/^[a-z0-9_]{1,63}$/),
    grantRole: z.string().regex(IDENTIFIER_PATTERN),
});
const checkoutHandle = z.strictObject({
    mode: z.literal('checkout'),
    account: z.string().regex(IDENTIFIER_PATTERN),
    grantId,
});
const intentHandle = z.object({ grantId, intent: z.literal(true) });
export function parseHandle(handle) {
    const role = roleHandle.safeParse(handle);
    if (role.success)
        return role.data;
    const checkout = checkoutHandle.safeParse(handle);
    if (checkout.success)
        return checkout.data;
    const intent = intentHandle.safeParse(handle);
    if (intent.success)
        return { mode: 'intent', grantId: intent.data.grantId };
    throw new ConnectorError('rejected', 'not a postgres connector handle', { retryable: false });
}
