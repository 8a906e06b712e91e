import { describe, expect, it } from 'vitest'
import { diffAccess, type ExpectedAccess, type ObservedAccess } from './finding.js'

const seen = (principal: string, grantId: string | null, privileges = ['app_read']): ObservedAccess => ({
  key: `member:${principal}:app_read`,
  principal,
  grantId,
  privileges,
})
const grants = (entries: Array<[string, ExpectedAccess['state'], string[] | null]>) =>
  new Map(entries.map(([id, state, privileges]) => [id, { grantId: id, state, privileges }]))

describe('diffing target access against grants', () => {
  it('reports access nobody granted as shadow', () => {
    expect(diffAccess([seen('dba_friend', null)], grants([]))).toMatchObject([{ kind: 'shadow' }])
  })
  it('reports access of an ended grant as lingering', () => {
    const d = diffAccess([seen('hg_grt_1', 'grt_1')], grants([['grt_1', 'revoked', ['app_read']]]))
    expect(d).toMatchObject([{ kind: 'lingering', details: { grantState: 'revoked' } }])
  })
  it('reports a prefixed principal with no grant record as lingering', () => {
    expect(diffAccess([seen('hg_grt_x', 'grt_x')], grants([]))).toMatchObject([{ kind: 'lingering' }])
  })
  it('reports extra privileges on a live grant as drift', () => {
    const d = diffAccess([seen('hg_grt_2', 'grt_2', ['app_read', 'app_admin'])], grants([['grt_2', 'active', ['app_read']]]))
    expect(d).toMatchObject([{ kind: 'drift', details: { expected: ['app_read'], actual: ['app_admin', 'app_read'] } }])
  })
  it('accepts matching live access and skips drift when the connector cannot say', () => {
    expect(diffAccess([seen('hg_grt_3', 'grt_3')], grants([['grt_3', 'active', ['app_read']]]))).toEqual([])
    expect(diffAccess([seen('hg_grt_4', 'grt_4', ['x'])], grants([['grt_4', 'active', null]]))).toEqual([])
  })
  it('treats a grant still being revoked as expected, not lingering', () => {
    expect(diffAccess([seen('hg_grt_5', 'grt_5')], grants([['grt_5', 'revoke_failed', ['app_read']]]))).toEqual([])
  })
})
