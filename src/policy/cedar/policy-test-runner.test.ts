import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../domain/errors.js'
import { NO_OBLIGATIONS } from '../../domain/obligations.js'
import { POLICY_ACTIONS, type Decision } from '../policy-engine.js'
import { createCedarPolicyEngine, type CedarPolicyEngine } from './cedar-policy-engine.js'
import { loadPolicyTestDir, parsePolicyTests, type PolicyTestCase } from './policy-test-cases.js'
import { formatPolicyTestResults, runPolicyTests } from './policy-test-runner.js'

const SHIPPED = fileURLToPath(new URL('../../../policies/', import.meta.url))
const TESTS = fileURLToPath(new URL('../../../policies/tests/', import.meta.url))

let engine: CedarPolicyEngine
let shippedCases: PolicyTestCase[]

beforeAll(async () => {
  engine = await createCedarPolicyEngine({ policyDir: SHIPPED })
  shippedCases = await loadPolicyTestDir(TESTS)
})
afterAll(async () => {
  await engine.close()
})

const doc = (cases: unknown[], identities: Record<string, unknown> = { alice: {} }): unknown => ({
  fixtures: { identities, entitlements: { low: { risk: 'low' }, high: { risk: 'high' } } },
  cases,
})
const lowForAlice = { name: 'low', principal: 'alice', action: 'request', entitlement: 'low' }

describe('shipped policy tests', () => {
  it('all pass against the shipped bundle', async () => {
    const results = await runPolicyTests(engine, shippedCases)
    const report = formatPolicyTestResults(results)
    expect(
      results.filter((r) => !r.passed),
      report,
    ).toEqual([])
    expect(results.length).toBeGreaterThanOrEqual(40)
  })

  it('make every shipped policy determine at least one case', async () => {
    const results = await runPolicyTests(engine, shippedCases)
    const exercised = new Set(results.flatMap((r) => r.decision.determiningPolicies))
    const missing = engine.bundle().policyIds.filter((id) => !exercised.has(id))
    expect(missing).toEqual([])
  })

  it('cover an allow and a deny for every action', () => {
    for (const action of POLICY_ACTIONS) {
      const outcomes = new Set(
        shippedCases.filter((c) => c.input.action === action).map((c) => c.expect.decision),
      )
      expect([...outcomes].sort(), action).toEqual(['allow', 'deny'])
    }
  })
})

describe('runPolicyTests', () => {
  it('reports each mismatch as expected-versus-got', async () => {
    const cases = parsePolicyTests(
      doc([
        {
          ...lowForAlice,
          expect: 'deny',
          obligations: { approvals: 2, maxDuration: 'PT8H', approverGroups: ['security'] },
          determiningPolicies: ['request-high'],
        },
      ]),
      'wrong.json',
    )
    const [result] = await runPolicyTests(engine, cases)
    expect(result?.passed).toBe(false)
    expect(result?.failures).toEqual([
      expect.stringMatching(/^decision: expected deny, got allow \(permitted by request-low\)$/),
      'determiningPolicies: expected ["request-high"], got ["request-low"]',
      'obligations.approvals: expected 2, got 0',
      'obligations.approverGroups: expected ["security"], got []',
    ])
    expect(formatPolicyTestResults([result!])).toMatch(
      /^FAIL wrong\.json: low\n {5}decision: .*\n0 passed, 1 failed, 1 total$/s,
    )
  })

  it('does not let an errored deny pass a deny case unless the case expects the error', async () => {
    const errored: Decision = {
      allowed: false,
      policyHash: 'h',
      determiningPolicies: [],
      obligations: NO_OBLIGATIONS,
      reasons: ['policy "p" failed: overflow'],
      errored: true,
    }
    const broken = { decide: () => Promise.resolve(errored) }
    const [plain, expected] = parsePolicyTests(
      doc([
        { ...lowForAlice, expect: 'deny' },
        { ...lowForAlice, expect: 'deny', errored: true },
      ]),
      'e.json',
    )
    const results = await runPolicyTests(broken, [plain!, expected!])
    expect(results.map((r) => r.passed)).toEqual([false, true])
    expect(results[0]?.failures).toEqual([
      'errored: expected false, got true (policy "p" failed: overflow)',
    ])
  })
})

describe('parsePolicyTests', () => {
  it('resolves fixtures and defaults into a complete decision input', () => {
    const [review] = parsePolicyTests(
      doc(
        [
          {
            name: 'r',
            principal: 'bob',
            action: 'review',
            entitlement: { id: 'inline', risk: 'medium', owners: ['bob'] },
            request: { requester: 'alice', ticketRef: 'CHG-1', durationSeconds: 600 },
            expect: 'allow',
          },
        ],
        { alice: {}, bob: { groups: ['eng'] } },
      ),
      'r.json',
    )
    expect(review?.input).toMatchObject({
      action: 'review',
      principal: { id: 'bob', kind: 'human', status: 'active', groups: ['eng'] },
      subject: { id: 'alice' },
      entitlement: { id: 'inline', riskTier: 'medium', owners: ['bob'] },
      request: {
        requesterId: 'alice',
        subjectId: 'alice',
        ticketRef: 'CHG-1',
        durationSeconds: 600,
      },
      context: { durationSeconds: 600, hasTicket: true },
    })
  })

  it.each([
    [
      'an unknown fixture',
      [{ ...lowForAlice, principal: 'zed', expect: 'allow' }],
      /case 1 "low": unknown identity fixture "zed"/,
    ],
    [
      'an unknown field',
      [{ ...lowForAlice, expect: 'allow', expected: 'deny' }],
      /Unrecognized key/,
    ],
    ['an unknown action', [{ ...lowForAlice, action: 'approve', expect: 'allow' }], /action/],
    [
      'a bad duration',
      [{ ...lowForAlice, expect: 'allow', obligations: { maxDuration: 'soon' } }],
      /Invalid duration/,
    ],
  ])('rejects %s, naming the file', (_label, cases, pattern) => {
    let error: unknown
    try {
      parsePolicyTests(doc(cases), 'bad.json')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).message).toMatch(/^bad\.json: /)
    expect((error as AppError).message).toMatch(pattern)
  })
})
