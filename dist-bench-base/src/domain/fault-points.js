/**
 * Named steps of issuance and revocation where crash tests kill the process (issue 7). The
 * production wiring never reaches them: `main/fault-injection.ts` arms one only when the
 * test-only environment variable names it.
 */
export const FAULT_POINTS = [
    'issue.before_target',
    'issue.after_target',
    'issue.before_commit',
    'issue.after_commit',
    'revoke.before_target',
    'revoke.after_target',
    'revoke.before_commit',
    'revoke.after_commit',
];
export const NO_FAULTS = { reach: () => undefined };
