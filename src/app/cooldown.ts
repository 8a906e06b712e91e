import { formatDuration } from '../domain/duration.js'
import { AppError } from '../domain/errors.js'
import type { Repositories } from '../storage/store.js'
import type { AppDeps } from './deps.js'

/**
 * After a reviewer denies a request, the same requester may not ask for the same entitlement
 * again (as a new request or as an extension) until the cool-down has passed: re-asking at once
 * is how a denial is dodged by finding a friendlier reviewer (T05). Policy denials are not
 * cooled down — asking again changes nothing unless the policy does.
 */
export async function assertCooledDown(
  deps: Pick<AppDeps, 'clock' | 'settings'>,
  repos: Pick<Repositories, 'requests' | 'reviews'>,
  requesterId: string,
  entitlementId: string,
): Promise<void> {
  const seconds = deps.settings.governance.cooldownAfterDenialSeconds
  if (seconds <= 0) return
  const now = deps.clock.now().getTime()
  const recent = await repos.requests.list({
    requesterId,
    entitlementId,
    states: ['denied'],
    limit: 20,
  })
  for (const r of recent) {
    if (r.decidedAt === null || now - r.decidedAt.getTime() >= seconds * 1000) continue
    const reviews = await repos.reviews.listForRequest(r.id)
    if (!reviews.some((v) => v.verdict === 'deny')) continue
    const until = new Date(r.decidedAt.getTime() + seconds * 1000)
    throw new AppError(
      'request.cooldown',
      `Request ${r.id} for ${entitlementId} was denied; ask again after ${until.toISOString()} (cool-down ${formatDuration(seconds)})`,
      { details: { deniedRequestId: r.id, retryAfter: until } },
    )
  }
}
