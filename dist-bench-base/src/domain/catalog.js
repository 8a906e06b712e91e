export const RISK_TIERS = ['low', 'medium', 'high', 'critical'];
export const CATALOG_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
