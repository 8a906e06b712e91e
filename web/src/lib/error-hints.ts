/**
 * What a person can do about an error code. The server's message says what happened; these say
 * what to try next. Codes without a hint still show the code and the message.
 */
const HINTS: Record<string, string> = {
  'auth.missing': 'Sign in with an API token.',
  'auth.invalid_token': 'The token is unknown, expired or revoked. Ask an admin for a new one.',
  'auth.forbidden':
    'Your identity is not allowed to do this. Admin-only pages need an admin token.',
  'grant.credential_unavailable':
    'A credential is shown only once: it was already retrieved, or the grant is not active. ' +
    'If you lost it, revoke this grant and request access again.',
  'grant.window_exceeds_policy': 'Ask for a shorter duration, at most the maximum shown.',
  'request.ticket_required': 'This entitlement needs a ticket reference (for example OPS-123).',
  'request.denied_by_policy': 'Policy refused this request; the reasons are listed below.',
  'request.not_pending': 'The request was already decided, cancelled or lapsed.',
  'review.self_review_forbidden': 'Separation of duties: nobody reviews their own request.',
  'review.subject_review_forbidden':
    'Separation of duties: the subject of a request cannot review it.',
  'review.owned_nhi_review_forbidden':
    'Separation of duties: you own the non-human identity this request is for.',
  'review.not_eligible': 'Only the reviewers named when the request was submitted may review it.',
  'review.digest_mismatch': 'The request changed since it was shown. Reload and review it again.',
  'review.duplicate': 'You already reviewed this request with a different verdict.',
  'client.oidc_state_mismatch':
    'This sign-in answer does not belong to a sign-in started in this tab, so it was refused. ' +
    'Start again with Sign in with SSO.',
  'client.oidc_failed': 'Single sign-on did not complete. Try again, or sign in with an API token.',
  'client.network': 'Check that the server is running and reachable, then try again.',
}

export function hintFor(code: string): string | null {
  return HINTS[code] ?? null
}
