import { z } from 'zod'
import { ConnectorError } from '../connector.js'
import { IDENTIFIER_PATTERN } from './config.js'

/** What role-mode issue stores with the grant. */
export interface RoleHandle {
  mode: 'role'
  role: string
  grantRole: string
}

/** What checkout-mode issue stores with the grant. */
export interface CheckoutHandle {
  mode: 'checkout'
  account: string
  grantId: string
}

/** Issuance crashed before a handle was stored: only the grant id is known. */
export interface IntentRef {
  mode: 'intent'
  grantId: string
}

export type ParsedHandle = RoleHandle | CheckoutHandle | IntentRef

const grantId = z.string().min(1).max(256)
const roleHandle = z.strictObject({
  mode: z.literal('role'),
  // Shape only here; the connector also checks that the name is one it could have made.
  role: z.string().regex(/^[a-z0-9_]{1,63}$/),
  grantRole: z.string().regex(IDENTIFIER_PATTERN),
})
const checkoutHandle = z.strictObject({
  mode: z.literal('checkout'),
  account: z.string().regex(IDENTIFIER_PATTERN),
  grantId,
})
const intentHandle = z.object({ grantId, intent: z.literal(true) })

export function parseHandle(handle: Record<string, unknown>): ParsedHandle {
  const role = roleHandle.safeParse(handle)
  if (role.success) return role.data
  const checkout = checkoutHandle.safeParse(handle)
  if (checkout.success) return checkout.data
  const intent = intentHandle.safeParse(handle)
  if (intent.success) return { mode: 'intent', grantId: intent.data.grantId }
  throw new ConnectorError('rejected', 'not a postgres connector handle', { retryable: false })
}
