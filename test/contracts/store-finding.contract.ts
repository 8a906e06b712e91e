import { describe, expect, it } from 'vitest'
import type { Finding } from '../../src/domain/finding.js'
import { after, DAY, FIXTURE, T0, uniqueId } from '../support/builders.js'
import type { StoreContext } from './store.contract.js'

function aFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    id: uniqueId('fnd'),
    targetId: FIXTURE.targetId,
    kind: 'shadow',
    key: uniqueId('member:x:app_read'),
    principal: 'dba_friend',
    grantId: null,
    details: { privileges: ['app_read'] },
    state: 'open',
    firstSeenAt: T0,
    lastSeenAt: T0,
    resolvedAt: null,
    resolution: null,
    acceptedBy: null,
    acceptReason: null,
    acceptedUntil: null,
    version: 1,
    ...overrides,
  }
}

/** Reconciliation findings: one per piece of access, updated by compare-and-swap. */
export function describeFindingContract(ctx: StoreContext): void {
  describe('findings', () => {
    it('round-trips every field and finds a finding by its access key', async () => {
      const f = aFinding({ grantId: 'grt_x', acceptedUntil: after(DAY), acceptedBy: 'admin', acceptReason: 'vendor access', state: 'accepted' })
      await ctx.store().findings.insert(f)
      expect(await ctx.store().findings.get(f.id)).toEqual(f)
      expect(await ctx.store().findings.getByKey(f.targetId, f.kind, f.key)).toEqual(f)
      expect(await ctx.store().findings.getByKey(f.targetId, 'drift', f.key)).toBeNull()
    })

    it('refuses a second finding for the same target, kind and key', async () => {
      const f = aFinding()
      await ctx.store().findings.insert(f)
      await expect(ctx.store().findings.insert({ ...f, id: uniqueId('fnd') })).rejects.toThrow()
    })

    it('updates with compare-and-swap: one of two writers wins', async () => {
      const f = aFinding()
      await ctx.store().findings.insert(f)
      const a = await ctx.store().findings.update({ ...f, state: 'resolved', resolvedAt: after(DAY) }, 1)
      const b = await ctx.store().findings.update({ ...f, state: 'accepted' }, 1)
      expect([a, b]).toEqual([true, false])
      expect((await ctx.store().findings.get(f.id))?.state).toBe('resolved')
    })

    it('filters by target, state and kind', async () => {
      const targetId = FIXTURE.targetId
      const open = aFinding({ kind: 'lingering' })
      const closed = aFinding({ kind: 'lingering', state: 'resolved' })
      await ctx.store().findings.insert(open)
      await ctx.store().findings.insert(closed)
      const found = await ctx.store().findings.list({ targetId, states: ['open'], kinds: ['lingering'] })
      expect(found.map((f) => f.id)).toContain(open.id)
      expect(found.map((f) => f.id)).not.toContain(closed.id)
    })
  })
}
