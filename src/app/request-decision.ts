import type { AccessException } from '../domain/access-exception.js'
import type { RevocationCondition } from '../domain/access-request.js'
import type { Entitlement, Target } from '../domain/catalog.js'
import { AppError } from '../domain/errors.js'
import type { Identity } from '../domain/identity.js'
import { combineObligations, effectiveApprovals, type Obligations } from '../domain/obligations.js'
import type { Decision } from '../policy/policy-engine.js'
import type { Repositories } from '../storage/store.js'
import { assertCooledDown } from './cooldown.js'
import { decideWithExceptions, type ExceptionDecision } from './decide-with-exceptions.js'
import type { AppDeps } from './deps.js'
import { decisionContext, requireEntitlementAndTarget, requireIdentity } from './load.js'

export interface RequestDecisionInput {
  entitlementId: string
  subjectId?: string | undefined
  ticketRef?: string | null | undefined
  durationSeconds?: number | undefined
  revocationCondition?: RevocationCondition | undefined
  obligationFloor?: Obligations | undefined
}

/** Everything submit decides before it writes; preview returns it and writes nothing. */
export interface RequestDecision {
  entitlement: Entitlement
  target: Target
  subject: Identity
  durationSeconds: number
  ticketRef: string | null
  revocationCondition: RevocationCondition
  now: Date
  outcome: ExceptionDecision
  /** The exceptions read for the decision (`exceptions.listApplicable(now, subject, entitlement)`). */
  candidates: AccessException[]
  decision: Decision
  autoApproved: boolean
  eligibleReviewers: string[]
}

/**
 * The one decision behind both submit and preview, so that what a requester is shown before
 * submitting cannot drift from what submitting does. Reads only, from `repos` (the committed
 * state, or a transaction's); refused input throws.
 */
export async function decideRequest(
  deps: AppDeps,
  requester: Identity,
  input: RequestDecisionInput,
  repos: Repositories = deps.store,
): Promise<RequestDecision> {
  const { clock } = deps
  const { entitlement, target } = await requireEntitlementAndTarget(repos, input.entitlementId)
  const subject = await resolveSubject(repos, requester, input.subjectId)
  assertSubjectAllowed(entitlement, subject)
  const durationSeconds = input.durationSeconds ?? entitlement.defaultDurationSeconds
  if (durationSeconds > entitlement.maxDurationSeconds) {
    throw windowError(durationSeconds, entitlement.maxDurationSeconds, 'catalog')
  }
  const ticketRef = input.ticketRef ?? null
  const revocationCondition = input.revocationCondition ?? 'expiry'
  if (revocationCondition === 'ticket_closed' && ticketRef === null) {
    throw new AppError(
      'request.ticket_required',
      'A grant that ends when its ticket closes needs a ticket reference',
    )
  }
  await assertCooledDown(deps, repos, requester.id, entitlement.id)
  const now = clock.now()
  const { candidates, ...outcome } = await decideWithExceptions(
    deps,
    {
      action: 'request',
      principal: requester,
      entitlement,
      target,
      subject,
      context: decisionContext({ durationSeconds, ticketRef }, now),
    },
    repos,
  )
  // An extension is reviewed under the rules of what it extends: never fewer approvals (T05).
  const floor = input.obligationFloor
  const decision: Decision = floor
    ? {
        ...outcome.decision,
        obligations: combineObligations([outcome.decision.obligations, floor]),
      }
    : outcome.decision
  if (decision.allowed) assertObligationsMet(decision.obligations, durationSeconds, ticketRef)
  const autoApproved = decision.allowed && effectiveApprovals(decision.obligations) === 0
  const eligibleReviewers = decision.allowed
    ? await nameReviewers(repos, entitlement, decision.obligations, requester, subject)
    : []
  return {
    entitlement,
    target,
    subject,
    durationSeconds,
    ticketRef,
    revocationCondition,
    now,
    outcome,
    candidates,
    decision,
    autoApproved,
    eligibleReviewers,
  }
}

async function resolveSubject(
  repos: Repositories,
  requester: Identity,
  subjectId: string | undefined,
): Promise<Identity> {
  if (subjectId === undefined || subjectId === requester.id) return requester
  const subject = await requireIdentity(repos, subjectId)
  if (subject.kind === 'human' || subject.ownerId !== requester.id) {
    throw new AppError(
      'request.subject_not_allowed',
      'The subject must be yourself or a non-human identity you own',
    )
  }
  return subject
}

function assertSubjectAllowed(entitlement: Entitlement, subject: Identity): void {
  if (subject.kind !== 'human' && (subject.ownerId === null || !subject.purpose)) {
    throw new AppError(
      'identity.owner_required',
      'A non-human identity needs a human owner and a purpose before it can hold access',
    )
  }
  if (!entitlement.subjectKinds.includes(subject.kind)) {
    throw new AppError(
      'request.subject_not_allowed',
      `Entitlement ${entitlement.id} cannot be granted to a ${subject.kind}`,
    )
  }
}

function assertObligationsMet(o: Obligations, durationSeconds: number, ticket: string | null): void {
  if (o.maxDurationSeconds !== null && durationSeconds > o.maxDurationSeconds) {
    throw windowError(durationSeconds, o.maxDurationSeconds, 'policy')
  }
  if (o.ticketRequired && ticket === null) {
    throw new AppError('request.ticket_required', 'Policy requires a ticket reference for this entitlement')
  }
}

function windowError(asked: number, max: number, source: 'catalog' | 'policy'): AppError {
  return new AppError(
    'grant.window_exceeds_policy',
    `Requested duration ${asked}s exceeds the ${source} maximum of ${max}s`,
    { details: { requestedSeconds: asked, maxSeconds: max, source } },
  )
}

/**
 * Reviewers named in advance: the owners and the members of groups the obligations name,
 * snapshotted now so a later catalog or group edit cannot add a friendly approver (T04).
 */
async function nameReviewers(
  repos: Repositories,
  entitlement: Entitlement,
  obligations: Obligations,
  requester: Identity,
  subject: Identity,
): Promise<string[]> {
  const members = await repos.identities.listActiveHumansInGroups(obligations.approverGroups)
  const excluded = new Set([requester.id, subject.id, subject.ownerId])
  const named = new Set<string>()
  for (const id of [...entitlement.owners, ...members.map((m) => m.id)]) {
    if (!excluded.has(id)) named.add(id)
  }
  return [...named].sort()
}
