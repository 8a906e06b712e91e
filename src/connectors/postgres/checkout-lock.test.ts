import { describe, expect, it } from 'vitest'
import { MemoryConnectorState } from '../../../test/support/memory-connector-state.js'
import { ConnectorError } from '../connector.js'
import { acquireCheckout, currentHolder, releaseCheckout } from './checkout-lock.js'

const AT = new Date('2031-03-04T05:06:07.000Z')

describe('checkout lock', () => {
  it('lets one grant hold an account; a retry by the holder is no conflict', async () => {
    const state = new MemoryConnectorState()
    expect(await acquireCheckout(state, 'legacy', 'g1')).toEqual({ generation: 0, holder: 'g1' })
    expect(await acquireCheckout(state, 'legacy', 'g1')).toEqual({ generation: 0, holder: 'g1' })
    const error = await acquireCheckout(state, 'legacy', 'g2').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectorError)
    expect(error).toMatchObject({ reason: 'conflict', retryable: true })
    expect(await acquireCheckout(state, 'other', 'g2')).toEqual({ generation: 0, holder: 'g2' })
  })

  it('hands the account on only after release', async () => {
    const state = new MemoryConnectorState()
    const slot = await acquireCheckout(state, 'legacy', 'g1')
    await releaseCheckout(state, 'legacy', slot, AT)
    await releaseCheckout(state, 'legacy', slot, AT)
    expect(await currentHolder(state, 'legacy')).toBeNull()
    expect(await acquireCheckout(state, 'legacy', 'g2')).toMatchObject({ generation: 1 })
    expect(await currentHolder(state, 'legacy')).toEqual({ generation: 1, holder: 'g2' })
  })

  it('gives the account to exactly one of many concurrent grants, every time', async () => {
    for (let round = 0; round < 20; round++) {
      const state = new MemoryConnectorState()
      const prior = await acquireCheckout(state, 'legacy', 'g0')
      await releaseCheckout(state, 'legacy', prior, AT)
      const grants = Array.from({ length: 8 }, (_, i) => `g${round}_${i}`)
      const results = await Promise.allSettled(
        grants.map((g) => acquireCheckout(state, 'legacy', g)),
      )
      const winners = results.filter((r) => r.status === 'fulfilled')
      expect(winners).toHaveLength(1)
      const holder = await currentHolder(state, 'legacy')
      expect(winners[0]?.value.holder).toBe(holder?.holder)
    }
  })

  it('finds the holder even when the hint lags behind', async () => {
    const state = new MemoryConnectorState()
    for (const g of ['g1', 'g2', 'g3']) {
      await releaseCheckout(state, 'legacy', await acquireCheckout(state, 'legacy', g), AT)
    }
    await acquireCheckout(state, 'legacy', 'g4')
    await state.put('checkout:legacy', '0')
    expect(await currentHolder(state, 'legacy')).toEqual({ generation: 3, holder: 'g4' })
  })
})
