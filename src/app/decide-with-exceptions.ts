import {
  applicableExceptions,
  exceptionContext,
  type AccessException,
} from '../domain/access-exception.js'
import { canonicalJson } from '../domain/canonical-json.js'
import type { Decision, DecisionInput } from '../policy/policy-engine.js'
import type { Repositories } from '../storage/store.js'
import type { AppDeps } from './deps.js'
import { recordAudit } from './load.js'

export interface ExceptionDecision {
  decision: Decision
  /** The exceptions that changed this decision (empty when none applied or none mattered). */
  used: AccessException[]
  /** What policy said without them, when they changed it. */
  without: Decision | null
}

/**
 * Decides with the active exceptions that apply (checked at this instant, so an expired one stops
 * applying at once). When some apply, the decision is also taken without them: an exception is
 * *used* only when it changed the outcome or the obligations, and only then is the use counted.
 */
export async function decideWithExceptions(
  deps: Pick<AppDeps, 'store' | 'policy' | 'clock'>,
  input: DecisionInput,
  // A transaction's repositories, when the decision must see what that transaction sees.
  repos: Pick<Repositories, 'exceptions'> = deps.store,
): Promise<ExceptionDecision & { candidates: AccessException[] }> {
  const now = deps.clock.now()
  const candidates = await repos.exceptions.listApplicable(
    now,
    input.subject.id,
    input.entitlement.id,
  )
  // What was read comes back too, so a second decision on the same reads need not read again.
  return { ...(await decideWithCandidates(deps, input, candidates, now)), candidates }
}

/**
 * `decideWithExceptions` on exceptions already read: `candidates` as
 * `exceptions.listApplicable(now, subject, entitlement)` returned them.
 */
export async function decideWithCandidates(
  deps: Pick<AppDeps, 'policy'>,
  input: DecisionInput,
  candidates: readonly AccessException[],
  now: Date,
): Promise<ExceptionDecision> {
  const applicable = applicableExceptions(
    candidates,
    {
      principalId: input.principal.id,
      subject: input.subject,
      entitlementId: input.entitlement.id,
    },
    now,
  )
  if (applicable.length === 0)
    return { decision: await deps.policy.decide(input), used: [], without: null }
  const decision = await deps.policy.decide({
    ...input,
    context: { ...input.context, exceptions: exceptionContext(applicable) },
  })
  const without = await deps.policy.decide(input)
  const changed =
    decision.allowed !== without.allowed ||
    canonicalJson(decision.obligations) !== canonicalJson(without.obligations)
  return changed ? { decision, used: applicable, without } : { decision, used: [], without: null }
}

/** Counts each use and links it to the request (and grant, when there is one yet), with audit. */
export async function recordExceptionUses(
  tx: Repositories,
  deps: Pick<AppDeps, 'clock' | 'ids'>,
  outcome: ExceptionDecision,
  link: { requestId: string; grantId: string | null; action: string; actor: string },
): Promise<void> {
  for (const e of outcome.used) {
    const use = {
      id: deps.ids.newId('exu'),
      exceptionId: e.id,
      requestId: link.requestId,
      grantId: link.grantId,
      action: link.action,
      at: deps.clock.now(),
    }
    await tx.exceptions.insertUse(use)
    await tx.exceptions.incrementUses(e.id)
    await recordAudit(tx, deps, {
      type: 'exception.used',
      actor: link.actor,
      requestId: link.requestId,
      grantId: link.grantId,
      data: {
        exceptionId: e.id,
        useId: use.id,
        action: link.action,
        scope: e.scope,
        approverId: e.approverId,
        withoutException: outcome.without
          ? {
              allowed: outcome.without.allowed,
              determiningPolicies: outcome.without.determiningPolicies,
              obligations: outcome.without.obligations,
            }
          : null,
      },
    })
  }
}
