import { createHash } from 'node:crypto';
/**
 * The id an outbox row names a configured endpoint by: stable across restarts and reordering of
 * the configuration, and free of the URL itself (a Slack URL is a credential).
 */
export function endpointId(kind, url) {
    return `${kind}:${createHash('sha256').update(url).digest('hex').slice(0, 16)}`;
}
