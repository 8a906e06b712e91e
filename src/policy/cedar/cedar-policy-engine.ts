import './v8-flags.js'
import { randomUUID } from 'node:crypto'
import type { AuthorizationAnswer } from '@cedar-policy/cedar-wasm/nodejs'
import { AppError } from '../../domain/errors.js'
import { combineObligations, NO_OBLIGATIONS } from '../../domain/obligations.js'
import type { Decision, DecisionInput, PolicyEngine } from '../policy-engine.js'
import { inProcessAuthorizer, type CedarAuthorizer } from './authorizer.js'
import { buildCedarRequest } from './entities.js'
import { loadPolicyBundle, staticPolicies, type PolicyBundle } from './policy-bundle.js'
import { threadAuthorizer, type ThreadAuthorizerOptions } from './thread-authorizer.js'

export interface CedarPolicyEngineOptions {
  /** Directory holding one `*.cedarschema` and the `*.cedar` files. */
  policyDir: string
  /**
   * Decide on a worker thread of the engine's own (thread-authorizer.ts), beside the event loop,
   * rather than on it. Off: every decision runs on the calling thread.
   */
  thread?: boolean | ThreadAuthorizerOptions
}

export interface CedarPolicyEngine extends PolicyEngine {
  /** The bundle in force: ids, annotations and obligations of every policy. */
  bundle(): PolicyBundle
}

/** A bundle together with the names under which Cedar holds its parsed form. */
interface Installed {
  bundle: PolicyBundle
  policySetId: string
  schemaName: string
}

/**
 * The Cedar adapter. The policy set and schema are parsed once per bundle version and held in
 * Cedar's cache under names unique to this engine and version; a decision sends only its request
 * and a handful of entities. Any Cedar error denies.
 *
 * @example
 * const engine = await createCedarPolicyEngine({ policyDir: config.policyDir })
 * const decision = await engine.decide(input)
 */
export async function createCedarPolicyEngine(
  options: CedarPolicyEngineOptions,
): Promise<CedarPolicyEngine> {
  const engineId = `hourglass-${randomUUID()}`
  const thread = options.thread ?? false
  const authorizer: CedarAuthorizer =
    thread === false ? inProcessAuthorizer() : threadAuthorizer(thread === true ? {} : thread)
  let version = 0
  let closed = false
  // A function, not the variable, so the check after an await is not narrowed away.
  const isClosed = (): boolean => closed
  let current: Installed
  try {
    current = await install(await loadPolicyBundle(options.policyDir))
  } catch (error) {
    await authorizer.close()
    throw error
  }
  // Reloads run one at a time, so two overlapping reloads cannot install out of order.
  let reloading: Promise<unknown> = Promise.resolve()

  async function install(bundle: PolicyBundle): Promise<Installed> {
    version += 1
    const next = {
      bundle,
      policySetId: `${engineId}/policies/${version}`,
      schemaName: `${engineId}/schema/${version}`,
    }
    const errors = await authorizer.install({
      policySetId: next.policySetId,
      schemaName: next.schemaName,
      staticPolicies: staticPolicies(bundle),
      schema: bundle.schema,
    })
    if (errors.length > 0) {
      authorizer.release(next)
      throw new AppError('policy.invalid', `Cedar could not load the bundle: ${errors.join('; ')}`)
    }
    return next
  }

  async function reload(): Promise<{ policyHash: string; changed: boolean }> {
    if (closed) throw new AppError('policy.invalid', 'The policy engine is closed')
    const bundle = await loadPolicyBundle(options.policyDir)
    if (isClosed()) {
      throw new AppError('policy.invalid', 'The policy engine was closed during reload')
    }
    if (bundle.hash === current.bundle.hash) return { policyHash: bundle.hash, changed: false }
    const previous = current
    // The new set is parsed before the swap, and the swap is one assignment, so a decision sees
    // either the whole old bundle or the whole new one; the old set is released after it, and
    // on a thread a decision sent before the release is answered before it (thread-authorizer.ts).
    const next = await install(bundle)
    if (isClosed()) {
      authorizer.release(next)
      throw new AppError('policy.invalid', 'The policy engine was closed during reload')
    }
    current = next
    authorizer.release(previous)
    return { policyHash: bundle.hash, changed: true }
  }

  return {
    decide(input: DecisionInput): Promise<Decision> {
      return closed ? Promise.resolve(closedDecision(current.bundle.hash)) : decide(authorizer, current, input)
    },
    policyHash: () => current.bundle.hash,
    bundle: () => current.bundle,
    reload(): Promise<{ policyHash: string; changed: boolean }> {
      const run = reloading.then(reload, reload)
      reloading = run.catch(() => undefined)
      return run
    },
    async close(): Promise<void> {
      if (closed) return
      closed = true
      authorizer.release(current)
      await authorizer.close()
    },
  } satisfies CedarPolicyEngine
}

async function decide(authorizer: CedarAuthorizer, installed: Installed, input: DecisionInput): Promise<Decision> {
  const { bundle } = installed
  let answer: AuthorizationAnswer
  try {
    const request = buildCedarRequest(input)
    answer = await authorizer.authorize({
      ...request,
      preparsedPolicySetId: installed.policySetId,
      preparsedSchemaName: installed.schemaName,
      validateRequest: true,
    })
  } catch (error) {
    return failed(bundle.hash, [], [`policy evaluation failed: ${messageOf(error)}`])
  }
  return interpret(bundle, answer)
}

function interpret(bundle: PolicyBundle, answer: AuthorizationAnswer): Decision {
  if (answer.type === 'failure') {
    return failed(
      bundle.hash,
      [],
      answer.errors.map((e) => `policy evaluation failed: ${e.message}`),
    )
  }
  const { decision, diagnostics } = answer.response
  const determining = [...diagnostics.reason].sort()
  // Cedar skips a policy that errors and decides with the rest; an allow reached that way could
  // rest on a forbid that never ran, so any error denies.
  if (diagnostics.errors.length > 0) {
    const reasons = diagnostics.errors.map(
      (e) => `policy "${e.policyId}" failed: ${e.error.message}`,
    )
    return failed(bundle.hash, decision === 'deny' ? determining : [], reasons)
  }
  if (decision === 'deny') {
    return {
      allowed: false,
      policyHash: bundle.hash,
      determiningPolicies: determining,
      obligations: NO_OBLIGATIONS,
      reasons:
        determining.length === 0
          ? ['no permit policy applied']
          : determining.map((id) => forbidReason(bundle, id)),
      errored: false,
    }
  }
  const permits = determining.map((id) => bundle.policies.get(id))
  if (determining.length === 0 || permits.some((p) => p?.effect !== 'permit')) {
    return failed(
      bundle.hash,
      [],
      [`Cedar allowed on unexpected policies: ${determining.join(', ')}`],
    )
  }
  return {
    allowed: true,
    policyHash: bundle.hash,
    determiningPolicies: determining,
    obligations: combineObligations(permits.map((p) => p?.obligations ?? NO_OBLIGATIONS)),
    reasons: [`permitted by ${determining.join(', ')}`],
    errored: false,
  }
}

function forbidReason(bundle: PolicyBundle, id: string): string {
  const description = bundle.policies.get(id)?.description
  return description ? `forbidden by ${id}: ${description}` : `forbidden by ${id}`
}

function failed(policyHash: string, determining: string[], reasons: string[]): Decision {
  return {
    allowed: false,
    policyHash,
    determiningPolicies: determining,
    obligations: NO_OBLIGATIONS,
    reasons,
    errored: true,
  }
}

function closedDecision(policyHash: string): Decision {
  return failed(policyHash, [], ['the policy engine is closed'])
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
