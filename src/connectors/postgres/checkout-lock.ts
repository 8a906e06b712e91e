import { ConnectorError, type ConnectorStateStore } from '../connector.js'
import { guardState } from './context.js'

/**
 * Exclusive checkout of a shared account on a state store that offers only get, put and
 * putIfAbsent (no compare-and-set, no delete). A single "holder" key released by writing ''
 * would let two grants both see it free and both take it. Instead every checkout claims the
 * next generation with putIfAbsent, which exactly one writer wins, and a generation is free to
 * move past only once its holder has written "returned" (after rotating the password):
 *
 *   checkout:<account>               the latest generation claimed (a hint; may lag)
 *   checkout:<account>:<n>           grant id that claimed generation n
 *   checkout:<account>:<n>:returned  {grantId, at} once generation n was checked in
 *
 * Invariant: generations below the current one are all returned, so a scan from the hint finds
 * the holder, if any.
 */

export interface CheckoutSlot {
  generation: number
  holder: string
}

/** A scan this long means the hint is broken; stop rather than walk forever. */
const MAX_SCAN = 1000

const hintKey = (account: string): string => `checkout:${account}`
const slotKey = (account: string, n: number): string => `checkout:${account}:${n}`
const returnedKey = (account: string, n: number): string => `checkout:${account}:${n}:returned`

/** The current holder of `account`, or the first free generation. */
async function scan(
  state: ConnectorStateStore,
  account: string,
): Promise<{ held: CheckoutSlot } | { free: number }> {
  const hint = Number(await guardState(() => state.get(hintKey(account))))
  const start = Number.isSafeInteger(hint) && hint >= 0 ? hint : 0
  for (let n = start; n < start + MAX_SCAN; n++) {
    const holder = await guardState(() => state.get(slotKey(account, n)))
    if (holder === null) return { free: n }
    const returned = await guardState(() => state.get(returnedKey(account, n)))
    if (returned === null) return { held: { generation: n, holder } }
  }
  throw new ConnectorError('conflict', `checkout history of ${account} is inconsistent`, {
    retryable: false,
  })
}

/**
 * Takes `account` for `grantId`, or confirms it already holds it (a retried issue).
 * @throws ConnectorError('conflict', retryable) while another grant holds it
 */
export async function acquireCheckout(
  state: ConnectorStateStore,
  account: string,
  grantId: string,
): Promise<CheckoutSlot> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = await scan(state, account)
    if ('held' in found) {
      if (found.held.holder === grantId) return found.held
      throw new ConnectorError('conflict', `account ${account} is checked out by another grant`, {
        retryable: true,
      })
    }
    const n = found.free
    const winner = await guardState(() => state.putIfAbsent(slotKey(account, n), grantId))
    if (winner === grantId) {
      await guardState(() => state.put(hintKey(account), String(n)))
      return { generation: n, holder: grantId }
    }
    // Lost the race for generation n; the next scan reports the winner.
  }
  throw new ConnectorError('conflict', `account ${account} is being checked out concurrently`, {
    retryable: true,
  })
}

/** The grant holding `account` now, if any. */
export async function currentHolder(
  state: ConnectorStateStore,
  account: string,
): Promise<CheckoutSlot | null> {
  const found = await scan(state, account)
  return 'held' in found ? found.held : null
}

/** Only after the password was rotated: from here on another grant may take the account. */
export async function releaseCheckout(
  state: ConnectorStateStore,
  account: string,
  slot: CheckoutSlot,
  at: Date,
): Promise<void> {
  const record = JSON.stringify({ grantId: slot.holder, at: at.toISOString() })
  await guardState(() => state.putIfAbsent(returnedKey(account, slot.generation), record))
}
