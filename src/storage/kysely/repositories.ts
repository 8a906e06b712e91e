import type { Repositories } from '../store.js'
import { auditRepository } from './audit-repository.js'
import { breakGlassReviewRepository } from './break-glass-review-repository.js'
import { exceptionRepository } from './exception-repository.js'
import { catalogRepository } from './catalog-repository.js'
import type { Scope } from './scope.js'
import { connectorStateRepository } from './connector-state-repository.js'
import { findingRepository } from './finding-repository.js'
import { grantRepository } from './grant-repository.js'
import { identityRepository } from './identity-repository.js'
import { requestRepository } from './request-repository.js'
import { reviewRepository } from './review-repository.js'
import { withStoreErrors } from './store-errors.js'
import { tokenRepository } from './token-repository.js'
import { nonceRepository } from './nonce-repository.js'
import { provisioningRepository } from './provisioning-repository.js'
import { workloadExchangeRepository } from './workload-exchange-repository.js'
import { outboxRepository } from './outbox-repository.js'
import { reportRepository } from './report-repository.js'
import { siemCursorRepository } from './siem-cursor-repository.js'
import { lifecycleNodeRepository } from './lifecycle-node-repository.js'

/** Every repository bound to one scope, each reporting failures as the product's errors. */
export function repositoriesFor(scope: Scope): Repositories {
  return {
    identities: withStoreErrors(identityRepository(scope)),
    catalog: withStoreErrors(catalogRepository(scope)),
    requests: withStoreErrors(requestRepository(scope)),
    reviews: withStoreErrors(reviewRepository(scope)),
    grants: withStoreErrors(grantRepository(scope)),
    tokens: withStoreErrors(tokenRepository(scope)),
    audit: withStoreErrors(auditRepository(scope)),
    connectorState: withStoreErrors(connectorStateRepository(scope)),
    findings: withStoreErrors(findingRepository(scope)),
    breakGlassReviews: withStoreErrors(breakGlassReviewRepository(scope)),
    exceptions: withStoreErrors(exceptionRepository(scope)),
    provisioning: withStoreErrors(provisioningRepository(scope)),
    nonces: withStoreErrors(nonceRepository(scope)),
    workloadExchanges: withStoreErrors(workloadExchangeRepository(scope)),
    outbox: withStoreErrors(outboxRepository(scope)),
    reports: withStoreErrors(reportRepository(scope)),
    siemCursors: withStoreErrors(siemCursorRepository(scope)),
    lifecycleNodes: withStoreErrors(lifecycleNodeRepository(scope)),
  }
}
