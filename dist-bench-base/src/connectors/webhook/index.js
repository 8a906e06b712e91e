import { webhookConfigSchema, webhookParamsSchema, } from './config.js';
import { createWebhookConnector } from './webhook-connector.js';
export { webhookConfigSchema, webhookParamsSchema } from './config.js';
export { createWebhookConnector } from './webhook-connector.js';
/**
 * For systems Hourglass has no connector for: the operator's own endpoint provisions and
 * removes access, told what to do by signed deliveries. Revocation is immediate as far as the
 * endpoint's answer is truthful; a 2xx to `grant.revoke` is taken to mean access is gone.
 */
export const webhookConnector = {
    kind: 'webhook',
    version: '1.0.0',
    revocation: 'immediate',
    configSchema: webhookConfigSchema,
    paramsSchema: webhookParamsSchema,
    create: createWebhookConnector,
};
