import type { Obligations } from '../../domain/obligations.js'
import type { Decision, PolicyEngine } from '../policy-engine.js'
import type { PolicyTestCase, PolicyTestExpectation } from './policy-test-cases.js'

export interface PolicyTestResult {
  name: string
  source: string
  passed: boolean
  decision: Decision
  /** One line per mismatch, `field: expected X, got Y`; empty when the case passed. */
  failures: string[]
}

/**
 * Runs cases against any PolicyEngine, like `opa test`: each case is decided and compared with
 * its expectation. Cases run one after another so a report reads in file order.
 */
export async function runPolicyTests(
  engine: Pick<PolicyEngine, 'decide'>,
  cases: readonly PolicyTestCase[],
): Promise<PolicyTestResult[]> {
  const results: PolicyTestResult[] = []
  for (const testCase of cases) {
    const decision = await engine.decide(testCase.input)
    const failures = compare(testCase.expect, decision)
    results.push({
      name: testCase.name,
      source: testCase.source,
      passed: failures.length === 0,
      decision,
      failures,
    })
  }
  return results
}

export function compare(expect: PolicyTestExpectation, decision: Decision): string[] {
  const failures: string[] = []
  const got = decision.allowed ? 'allow' : 'deny'
  if (got !== expect.decision) {
    failures.push(
      `decision: expected ${expect.decision}, got ${got} (${decision.reasons.join('; ')})`,
    )
  }
  if (decision.errored !== expect.errored) {
    const detail = decision.errored ? ` (${decision.reasons.join('; ')})` : ''
    failures.push(`errored: expected ${expect.errored}, got ${decision.errored}${detail}`)
  }
  if (expect.determiningPolicies !== undefined) {
    const want = [...expect.determiningPolicies].sort()
    const have = [...decision.determiningPolicies].sort()
    if (!sameList(want, have)) {
      failures.push(`determiningPolicies: expected ${show(want)}, got ${show(have)}`)
    }
  }
  if (expect.obligations !== undefined) {
    for (const key of Object.keys(expect.obligations) as (keyof Obligations)[]) {
      const want = expect.obligations[key]
      const have = decision.obligations[key]
      if (!sameValue(want, have)) {
        failures.push(`obligations.${key}: expected ${show(want)}, got ${show(have)}`)
      }
    }
  }
  return failures
}

/** A plain-text report: one line per case, the mismatches under each failure, and a summary. */
export function formatPolicyTestResults(results: readonly PolicyTestResult[]): string {
  const lines: string[] = []
  for (const r of results) {
    lines.push(`${r.passed ? 'PASS' : 'FAIL'} ${r.source}: ${r.name}`)
    for (const f of r.failures) lines.push(`     ${f}`)
  }
  const failed = results.filter((r) => !r.passed).length
  lines.push(`${results.length - failed} passed, ${failed} failed, ${results.length} total`)
  return lines.join('\n')
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    const sorted = (list: unknown[]): string[] => list.map(String).sort()
    return sameList(sorted(a), sorted(b))
  }
  return a === b
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

function show(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value)
}
