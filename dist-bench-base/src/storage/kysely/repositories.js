import { auditRepository } from './audit-repository.js';
import { breakGlassReviewRepository } from './break-glass-review-repository.js';
import { exceptionRepository } from './exception-repository.js';
import { catalogRepository } from './catalog-repository.js';
import { connectorStateRepository } from './connector-state-repository.js';
import { findingRepository } from './finding-repository.js';
import { grantRepository } from './grant-repository.js';
import { identityRepository } from './identity-repository.js';
import { requestRepository } from './request-repository.js';
import { reviewRepository } from './review-repository.js';
import { withStoreErrors } from './store-errors.js';
import { tokenRepository } from './token-repository.js';
import { nonceRepository } from './nonce-repository.js';
import { provisioningRepository } from './provisioning-repository.js';
import { workloadExchangeRepository } from './workload-exchange-repository.js';
import { outboxRepository } from './outbox-repository.js';
import { reportRepository } from './report-repository.js';
import { siemCursorRepository } from './siem-cursor-repository.js';
import { lifecycleNodeRepository } from './lifecycle-node-repository.js';
const FACTORIES = {
    identities: identityRepository,
    catalog: catalogRepository,
    requests: requestRepository,
    reviews: reviewRepository,
    grants: grantRepository,
    tokens: tokenRepository,
    audit: auditRepository,
    connectorState: connectorStateRepository,
    findings: findingRepository,
    breakGlassReviews: breakGlassReviewRepository,
    exceptions: exceptionRepository,
    provisioning: provisioningRepository,
    nonces: nonceRepository,
    workloadExchanges: workloadExchangeRepository,
    outbox: outboxRepository,
    reports: reportRepository,
    siemCursors: siemCursorRepository,
    lifecycleNodes: lifecycleNodeRepository,
};
const SCOPE = Symbol('scope');
const BUILT = Symbol('built');
/** One getter per repository, shared by every scope's object: built on first use, then kept. */
const LAZY = Object.create(Object.prototype, Object.fromEntries(Object.keys(FACTORIES).map((name) => [
    name,
    {
        enumerable: true,
        get() {
            return (this[BUILT][name] ??= withStoreErrors(FACTORIES[name](this[SCOPE])));
        },
    },
])));
/**
 * Every repository bound to one scope, each reporting failures as the product's errors. Each is
 * built on first use: a transaction touches three or four of the eighteen, and building and
 * wrapping all of them for each of a request's transactions showed in its profile.
 */
export function repositoriesFor(scope) {
    const bound = Object.create(LAZY);
    bound[SCOPE] = scope;
    bound[BUILT] = {};
    return bound;
}
