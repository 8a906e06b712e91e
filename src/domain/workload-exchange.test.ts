import { describe, expect, it } from 'vitest'
import { jobClaimsSummary, mapWorkloadClaims, renderClaimTemplate } from './workload-exchange.js'

const claims = { repository: 'acme/orders', repository_owner: 'acme', ref: 'refs/heads/main', run_id: 4242, nested: { a: 1 } }

describe('renderClaimTemplate', () => {
  it('fills placeholders from top-level scalar claims', () => {
    expect(renderClaimTemplate('repo:{repository}:ref:{ref}', claims)).toEqual({ ok: true, value: 'repo:acme/orders:ref:refs/heads/main' })
    expect(renderClaimTemplate('ci-{run_id}', claims)).toEqual({ ok: true, value: 'ci-4242' })
  })
  it('names the first missing or non-scalar claim', () => {
    expect(renderClaimTemplate('{repository}:{environment}', claims)).toEqual({ ok: false, claim: 'environment' })
    expect(renderClaimTemplate('{nested}', claims)).toEqual({ ok: false, claim: 'nested' })
    expect(renderClaimTemplate('{toString}', claims)).toEqual({ ok: false, claim: 'toString' })
  })
})

describe('mapWorkloadClaims', () => {
  const table = { key: 'repo:{repository}:ref:{ref}', workloads: { 'repo:acme/orders:ref:refs/heads/main': 'ci-deployer' } }

  it('looks the key up in the table', () => {
    expect(mapWorkloadClaims({ requiredClaims: {}, claimMapping: table }, claims)).toMatchObject({ ok: true, workloadId: 'ci-deployer' })
    expect(mapWorkloadClaims({ requiredClaims: {}, claimMapping: table }, { ...claims, ref: 'refs/heads/dev' })).toEqual({ ok: false, reason: 'no_mapping' })
    expect(mapWorkloadClaims({ requiredClaims: {}, claimMapping: { ...table, workloads: {} } }, { ...claims, repository: 'constructor' })).toMatchObject({ ok: false })
  })

  it('checks required claims exactly before mapping', () => {
    const rule = { requiredClaims: { repository_owner: 'acme' }, claimMapping: table }
    expect(mapWorkloadClaims(rule, claims).ok).toBe(true)
    expect(mapWorkloadClaims(rule, { ...claims, repository_owner: 'ACME' })).toEqual({ ok: false, reason: 'required_claim_mismatch', claim: 'repository_owner' })
    expect(mapWorkloadClaims(rule, { ...claims, repository_owner: undefined })).toMatchObject({ ok: false, reason: 'required_claim_mismatch' })
  })

  it('accepts a template id only when it is a valid identity id, never normalising it', () => {
    const rule = { requiredClaims: {}, claimMapping: { workloadId: 'gha-{repository}' } }
    expect(mapWorkloadClaims(rule, claims)).toEqual({ ok: false, reason: 'no_mapping' })
    expect(mapWorkloadClaims({ requiredClaims: {}, claimMapping: { workloadId: 'ci-{run_id}' } }, claims)).toMatchObject({ ok: true, workloadId: 'ci-4242' })
  })
})

describe('jobClaimsSummary', () => {
  it('keeps known job claims and the extra ones asked for, as short strings', () => {
    expect(jobClaimsSummary({ ...claims, sub: 's', secret: 'x', workflow: 'w'.repeat(300) }, ['repository_owner'])).toEqual({
      sub: 's',
      repository: 'acme/orders',
      repository_owner: 'acme',
      ref: 'refs/heads/main',
      run_id: '4242',
      workflow: 'w'.repeat(200),
    })
  })
})
