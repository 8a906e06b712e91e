/** Closed set of error categories; the HTTP layer maps each to one status. */
export const ERROR_CATEGORIES = [
    'invalid',
    'unauthenticated',
    'forbidden',
    'not_found',
    'conflict',
    'rate_limited',
    'unavailable',
    'internal',
];
/**
 * Every error code the product can return, with its category. docs/errors.md lists the same
 * codes; src/domain/errors.test.ts keeps the two in sync.
 */
export const ERROR_CODES = {
    'input.invalid': 'invalid',
    'input.too_large': 'invalid',
    'auth.missing': 'unauthenticated',
    'auth.invalid_token': 'unauthenticated',
    'auth.forbidden': 'forbidden',
    'identity.not_found': 'not_found',
    'identity.inactive': 'forbidden',
    'identity.exists': 'conflict',
    'identity.owner_required': 'invalid',
    'catalog.not_found': 'not_found',
    'catalog.invalid': 'invalid',
    'target.not_found': 'not_found',
    'request.not_found': 'not_found',
    'request.not_pending': 'conflict',
    'request.denied_by_policy': 'forbidden',
    'request.subject_not_allowed': 'forbidden',
    'request.ticket_required': 'invalid',
    'request.duration_invalid': 'invalid',
    'request.concurrent_update': 'conflict',
    'review.self_review_forbidden': 'forbidden',
    'review.subject_review_forbidden': 'forbidden',
    'review.owned_nhi_review_forbidden': 'forbidden',
    'review.reviewer_not_human': 'forbidden',
    'review.not_eligible': 'forbidden',
    'review.digest_mismatch': 'conflict',
    'review.duplicate': 'conflict',
    'grant.not_found': 'not_found',
    'grant.not_active': 'conflict',
    'grant.concurrent_update': 'conflict',
    'grant.credential_unavailable': 'conflict',
    'grant.window_exceeds_policy': 'invalid',
    'policy.invalid': 'invalid',
    'policy.evaluation_failed': 'unavailable',
    'connector.failed': 'unavailable',
    'connector.unknown_kind': 'invalid',
    'audit.write_failed': 'unavailable',
    'audit.chain_broken': 'conflict',
    'evidence.invalid': 'conflict',
    'evidence.not_checkpointed': 'unavailable',
    'token.not_found': 'not_found',
    'finding.not_found': 'not_found',
    'finding.not_open': 'conflict',
    'reconcile.unsupported': 'invalid',
    'config.invalid': 'invalid',
    'store.unavailable': 'unavailable',
    'route.not_found': 'not_found',
    'breakglass.incident_required': 'invalid',
    'breakglass.reason_required': 'invalid',
    'breakglass.rate_limited': 'rate_limited',
    'breakglass.review_overdue': 'forbidden',
    'breakglass.not_found': 'not_found',
    'breakglass.already_reviewed': 'conflict',
    'exception.not_found': 'not_found',
    'exception.self_approval_forbidden': 'forbidden',
    'exception.too_long': 'invalid',
    'exception.not_active': 'conflict',
    'extension.cap_exceeded': 'invalid',
    'extension.not_allowed': 'conflict',
    'request.cooldown': 'rate_limited',
    'identity.concurrent_update': 'conflict',
    'ticket.source_unknown': 'not_found',
    'ticket.signature_invalid': 'unauthenticated',
    'ticket.stale': 'unauthenticated',
    'ticket.replayed': 'conflict',
    'ticket.entitlement_required': 'invalid',
    'ticket.requester_unmapped': 'invalid',
    'exchange.untrusted_issuer': 'unauthenticated',
    'exchange.token_replayed': 'conflict',
    'exchange.unmapped': 'forbidden',
    'exchange.workload_ineligible': 'forbidden',
    'exchange.review_required': 'forbidden',
    'exchange.completion_invalid': 'unauthenticated',
    'scim.invalid_filter': 'invalid',
    'scim.invalid_patch': 'invalid',
    'scim.invalid_value': 'invalid',
    'scim.mutability': 'invalid',
    'scim.uniqueness': 'conflict',
    'scim.not_found': 'not_found',
    'scim.reserved_group': 'forbidden',
    'internal': 'internal',
};
export function categoryOf(code) {
    return ERROR_CODES[code];
}
export function isErrorCode(value) {
    return Object.hasOwn(ERROR_CODES, value);
}
/** The one error type. `message` is safe to show a user and never carries a secret. */
export class AppError extends Error {
    code;
    category;
    details;
    constructor(code, message, options = {}) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = 'AppError';
        this.code = code;
        this.category = categoryOf(code);
        this.details = options.details;
    }
}
export function isAppError(value) {
    return value instanceof AppError;
}
