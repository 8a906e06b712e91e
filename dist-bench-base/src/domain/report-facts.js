export const DECISION_KINDS = ['approved', 'policy', 'reviewer', 'expired', 'cancelled'];
