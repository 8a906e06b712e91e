export const POLICY_ACTIONS = ['request', 'review', 'activate', 'breakglass'];
