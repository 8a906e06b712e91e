import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '../../domain/errors.js'
import { parsePolicyTests } from './policy-test-cases.js'
import { createCedarPolicyEngine, type CedarPolicyEngine } from './cedar-policy-engine.js'
import type { DecisionInput } from '../policy-engine.js'

const SCHEMA = fileURLToPath(new URL('../../../policies/hourglass.cedarschema', import.meta.url))
const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()))
})

async function bundleDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hourglass-engine-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  await cp(SCHEMA, join(dir, 'hourglass.cedarschema'))
  await writeFiles(dir, files)
  return dir
}

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
}

async function engineOn(dir: string): Promise<CedarPolicyEngine> {
  const engine = await createCedarPolicyEngine({ policyDir: dir })
  cleanups.push(() => engine.close())
  return engine
}

/** One decision input from the test-case format, so the fixtures read like policy tests. */
function input(spec: Record<string, unknown>): DecisionInput {
  const [testCase] = parsePolicyTests(
    {
      fixtures: {
        identities: {
          alice: { groups: ['eng'] },
          bob: {},
          'ci-bot': { kind: 'workload', owner: 'alice' },
        },
        entitlements: {
          low: { risk: 'low', owners: ['bob'] },
          high: { risk: 'high', owners: ['bob'] },
        },
      },
      cases: [
        {
          name: 'x',
          principal: 'alice',
          action: 'request',
          entitlement: 'low',
          expect: 'allow',
          ...spec,
        },
      ],
    },
    'engine.test',
  )
  return testCase!.input
}

const REQUEST = 'action == Hourglass::Action::"request"'
const permitAll = `@id("allow-all")\npermit (principal, ${REQUEST}, resource);\n`

describe('createCedarPolicyEngine: fail closed', () => {
  it('denies when a policy errors, even though Cedar alone would allow', async () => {
    const overflow = `@id("overflow")\nforbid (principal, ${REQUEST}, resource)\nwhen { context.durationSeconds * 9223372036854775807 > 0 };\n`
    const engine = await engineOn(await bundleDir({ 'a.cedar': permitAll, 'b.cedar': overflow }))
    const d = await engine.decide(input({}))
    expect(d).toMatchObject({ allowed: false, errored: true, policyHash: engine.policyHash() })
    expect(d.reasons.join()).toMatch(/policy "overflow" failed: .*overflow/)
  })

  it('denies when a policy reads an entity the decision does not carry', async () => {
    const readsRequester = `@id("requester-active")\npermit (principal, action == Hourglass::Action::"review", resource)\nwhen { resource.requester.status == "active" };\n`
    const engine = await engineOn(await bundleDir({ 'a.cedar': readsRequester }))
    // The requester (alice) is neither the principal nor the subject, so only her reference is sent.
    const review = {
      principal: 'bob',
      action: 'review',
      subject: 'ci-bot',
      request: { requester: 'alice' },
    }
    const d = await engine.decide(input(review))
    expect(d).toMatchObject({ allowed: false, errored: true })
    expect(d.reasons.join()).toMatch(/requester-active.*does not exist/)
  })

  it('denies inputs that cannot form a consistent request', async () => {
    const engine = await engineOn(await bundleDir({ 'a.cedar': permitAll }))
    const noRequest = await engine.decide(input({ action: 'review' }))
    expect(noRequest).toMatchObject({ allowed: false, errored: true })
    expect(noRequest.reasons.join()).toMatch(/needs the request/)

    const mismatch = input({ action: 'activate', request: {} })
    const other = await engine.decide({
      ...mismatch,
      request: { ...mismatch.request!, subjectId: 'bob' },
    })
    expect(other).toMatchObject({ allowed: false, errored: true })

    const fractional = input({})
    fractional.context.durationSeconds = 1.5
    expect(await engine.decide(fractional)).toMatchObject({ allowed: false, errored: true })
  })

  it('denies after close', async () => {
    const engine = await createCedarPolicyEngine({
      policyDir: await bundleDir({ 'a.cedar': permitAll }),
    })
    expect((await engine.decide(input({}))).allowed).toBe(true)
    await engine.close()
    expect(await engine.decide(input({}))).toMatchObject({ allowed: false, errored: true })
  })
})

describe('createCedarPolicyEngine: obligations and reasons', () => {
  const loose = `@id("loose")\n@approvals("1")\n@approver_group("audit")\n@max_duration("8h")\npermit (principal, ${REQUEST}, resource);\n`
  const strict = `@id("strict")\n@approvals("2")\n@owner_approval("true")\n@approver_group("security, audit")\n@max_duration("PT1H")\n@ticket_required("true")\npermit (principal, ${REQUEST}, resource) when { context.hasTicket };\n`
  const critical = `@id("critical-only")\n@approvals("5")\n@max_duration("PT5M")\npermit (principal, ${REQUEST}, resource) when { resource.risk == "critical" };\n`
  const plain = `@id("plain")\npermit (principal, ${REQUEST}, resource);\n`

  it('combines every determining permit strictest-wins and ignores permits that did not apply', async () => {
    const engine = await engineOn(await bundleDir({ 'p.cedar': loose + strict + critical + plain }))
    const both = await engine.decide(input({ context: { hasTicket: true } }))
    expect(both.allowed).toBe(true)
    expect(both.determiningPolicies).toEqual(['loose', 'plain', 'strict'])
    expect(both.obligations).toEqual({
      approvals: 2,
      ownerApproval: true,
      approverGroups: ['audit', 'security'],
      maxDurationSeconds: 3600,
      ticketRequired: true,
    })

    const one = await engine.decide(input({ context: { hasTicket: false } }))
    expect(one.determiningPolicies).toEqual(['loose', 'plain'])
    expect(one.obligations).toEqual({
      approvals: 1,
      ownerApproval: false,
      approverGroups: ['audit'],
      maxDurationSeconds: 8 * 3600,
      ticketRequired: false,
    })
  })

  it('gives no obligations for a permit without annotations', async () => {
    const engine = await engineOn(await bundleDir({ 'p.cedar': plain }))
    const d = await engine.decide(input({}))
    expect(d).toMatchObject({
      allowed: true,
      determiningPolicies: ['plain'],
      reasons: ['permitted by plain'],
    })
    expect(d.obligations).toEqual({
      approvals: 0,
      ownerApproval: false,
      approverGroups: [],
      maxDurationSeconds: null,
      ticketRequired: false,
    })
  })

  it('names the forbids that denied, or says that no permit applied', async () => {
    const forbid = `@id("no-bots")\n@description("bots may not")\nforbid (principal, ${REQUEST}, resource) when { principal.kind != "human" };\n@id("never")\nforbid (principal, ${REQUEST}, resource) when { principal.kind == "robot" || resource.risk == "low" };\n`
    const engine = await engineOn(await bundleDir({ 'p.cedar': strict + forbid }))
    const denied = await engine.decide(input({ principal: 'ci-bot', context: { hasTicket: true } }))
    expect(denied).toMatchObject({
      allowed: false,
      errored: false,
      determiningPolicies: ['never', 'no-bots'],
    })
    expect(denied.reasons).toEqual(['forbidden by never', 'forbidden by no-bots: bots may not'])
    expect(denied.obligations.approvals).toBe(0)

    const none = await engine.decide(input({ entitlement: 'high', context: { hasTicket: false } }))
    expect(none).toMatchObject({ allowed: false, errored: false, determiningPolicies: [] })
    expect(none.reasons).toEqual(['no permit policy applied'])
  })
})

describe('createCedarPolicyEngine: reload', () => {
  const denyAll = `@id("deny-all")\nforbid (principal, ${REQUEST}, resource);\n`

  it('swaps to a changed bundle and reports no change when nothing changed', async () => {
    const dir = await bundleDir({ 'a.cedar': permitAll })
    const engine = await engineOn(dir)
    const first = engine.policyHash()
    expect(await engine.reload()).toEqual({ policyHash: first, changed: false })

    await writeFiles(dir, { 'b.cedar': denyAll })
    const { policyHash, changed } = await engine.reload()
    expect(changed).toBe(true)
    expect(policyHash).not.toBe(first)
    expect(engine.policyHash()).toBe(policyHash)
    expect(engine.bundle().policyIds).toEqual(['allow-all', 'deny-all'])
    expect(await engine.decide(input({}))).toMatchObject({ allowed: false, policyHash })
  })

  it('keeps the old bundle in force when the new one is invalid', async () => {
    const dir = await bundleDir({ 'a.cedar': permitAll })
    const engine = await engineOn(dir)
    const before = engine.policyHash()
    await writeFiles(dir, {
      'b.cedar': `@id("typo")\nforbid (principal, ${REQUEST}, resource) when { principal.stauts == "x" };\n`,
    })
    const error: unknown = await engine.reload().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('policy.invalid')
    expect((error as AppError).message).toMatch(/b\.cedar:2:\d+: .*stauts/)
    expect(engine.policyHash()).toBe(before)
    expect(await engine.decide(input({}))).toMatchObject({ allowed: true, policyHash: before })

    await writeFiles(dir, { 'b.cedar': denyAll })
    expect((await engine.reload()).changed).toBe(true)
    expect((await engine.decide(input({}))).allowed).toBe(false)
  })

  it('never mixes bundles: every decision matches the hash it reports', async () => {
    const dir = await bundleDir({ 'a.cedar': permitAll })
    const engine = await engineOn(dir)
    const allowHash = engine.policyHash()
    await writeFiles(dir, { 'a.cedar': denyAll })
    const reloading = { settled: false }
    const reload = engine.reload().finally(() => {
      reloading.settled = true
    })
    // Decide on every turn of the event loop while the reload reads and installs the new bundle.
    const during = []
    while (!reloading.settled) {
      during.push(await engine.decide(input({})))
      await new Promise((resolve) => setImmediate(resolve))
    }
    const { policyHash: denyHash } = await reload
    const after = await engine.decide(input({}))
    for (const d of [...during, after]) {
      expect([allowHash, denyHash]).toContain(d.policyHash)
      expect(d.allowed).toBe(d.policyHash === allowHash)
      expect(d.errored).toBe(false)
    }
    expect(after.policyHash).toBe(denyHash)
  })

  it('serialises overlapping reloads: one swaps, the other finds nothing new', async () => {
    const dir = await bundleDir({ 'a.cedar': permitAll })
    const engine = await engineOn(dir)
    await writeFiles(dir, { 'b.cedar': denyAll })
    const [first, second] = await Promise.all([engine.reload(), engine.reload()])
    expect([first.changed, second.changed]).toEqual([true, false])
    expect(second.policyHash).toBe(first.policyHash)
  })

  it('keeps engines on different bundles apart', async () => {
    const allow = await engineOn(await bundleDir({ 'a.cedar': permitAll }))
    const deny = await engineOn(await bundleDir({ 'a.cedar': permitAll + denyAll }))
    expect((await allow.decide(input({}))).allowed).toBe(true)
    expect((await deny.decide(input({}))).allowed).toBe(false)
  })
})
