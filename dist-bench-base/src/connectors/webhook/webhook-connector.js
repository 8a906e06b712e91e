import { Secret } from '../../config/secret.js';
import { ConnectorError, } from '../connector.js';
import { webhookParamsSchema } from './config.js';
import { checkAborted, createDeliverer, scrub, secretFormsOf, } from './delivery.js';
import { describeIssues, inspectResponseSchema, intentHandleSchema, issueResponseSchema, listResponseSchema, storedHandleSchema, targetAccessSchema, } from './protocol.js';
/** "Already gone" (404, 410) completes a revoke or a removal. */
const GONE_IS_DONE = { accept: [200, 204, 404, 410], withBody: [] };
const ISSUE = { accept: [200, 201], withBody: [200, 201] };
const INSPECT = { accept: [200, 404, 410], withBody: [200] };
const LIST = { accept: [200], withBody: [200] };
/**
 * Issues and revokes by calling the operator's own provisioning endpoint with Standard Webhooks
 * signed deliveries (docs/connectors/webhook.md). The endpoint owns the target; this side keeps
 * nothing but what the host stores with the grant.
 */
export function createWebhookConnector(config, deps, transport = {}) {
    const deliver = createDeliverer(config, () => deps.now(), transport);
    const secretForms = secretFormsOf(config.secret.reveal());
    const envelope = () => ({
        id: deps.newId('msg'),
        timestamp: deps.now().toISOString(),
    });
    return {
        async issue(grant, { signal }) {
            checkAborted(signal);
            const params = parseParams(grant.params);
            if (grant.expiresAt.getTime() <= deps.now().getTime()) {
                throw rejected('the grant window has ended; nothing was sent to the endpoint');
            }
            const answer = await deliver({
                ...envelope(),
                type: 'grant.issue',
                grant: {
                    id: grant.grantId,
                    targetName: grant.targetName,
                    subjectId: grant.subjectId,
                    entitlementId: grant.entitlementId,
                    params,
                    startsAt: grant.startsAt.toISOString(),
                    expiresAt: grant.expiresAt.toISOString(),
                },
            }, ISSUE, signal);
            return issueResult(grant, answer.body, secretForms);
        },
        async revoke(handle, { signal }) {
            checkAborted(signal);
            const payload = parseHandle(handle);
            await deliver({ ...envelope(), type: 'grant.revoke', handle: payload }, GONE_IS_DONE, signal);
        },
        async inspect(handle, { signal }) {
            checkAborted(signal);
            const payload = parseHandle(handle);
            const answer = await deliver({ ...envelope(), type: 'grant.inspect', handle: payload }, INSPECT, signal);
            if (answer.status !== 200)
                return 'gone';
            const parsed = inspectResponseSchema.safeParse(answer.body);
            if (!parsed.success)
                throw malformed('grant.inspect', describeIssues(parsed.error));
            return parsed.data.live ? 'live' : 'gone';
        },
        async list(scope, { signal }) {
            checkAborted(signal);
            const answer = await deliver({ ...envelope(), type: 'access.list', scope: { params: scope.params } }, LIST, signal);
            const parsed = listResponseSchema.safeParse(answer.body);
            if (!parsed.success)
                throw malformed('access.list', describeIssues(parsed.error));
            const entries = parsed.data.entries.map((entry) => ({
                ...entry,
                privileges: [...new Set(entry.privileges)].sort(),
            }));
            if (new Set(entries.map((entry) => entry.key)).size !== entries.length) {
                throw malformed('access.list', 'two entries share a key');
            }
            return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        },
        async removeAccess(entry, { signal }) {
            checkAborted(signal);
            const parsed = targetAccessSchema.safeParse(entry);
            if (!parsed.success)
                throw rejected(`not a webhook access entry: ${describeIssues(parsed.error)}`);
            await deliver({ ...envelope(), type: 'access.remove', entry: parsed.data }, GONE_IS_DONE, signal);
        },
        close() {
            return Promise.resolve();
        },
    };
}
function issueResult(grant, body, secretForms) {
    const parsed = issueResponseSchema.safeParse(body);
    if (!parsed.success)
        throw malformed('grant.issue', describeIssues(parsed.error));
    const { handle, credential, instructions, expiresAt } = parsed.data;
    // The handle is stored in clear with the grant; a credential or our key in it would be too.
    const storedText = JSON.stringify(handle);
    if (credential !== undefined && storedText.includes(credential)) {
        throw malformed('grant.issue', 'the handle contains the credential');
    }
    if (scrub(storedText, secretForms) !== storedText) {
        throw malformed('grant.issue', 'the handle contains the webhook secret');
    }
    const end = Math.min(expiresAt === undefined ? Infinity : Date.parse(expiresAt), grant.expiresAt.getTime());
    const stored = {
        grantId: grant.grantId,
        targetName: grant.targetName,
        endpoint: handle,
    };
    return {
        handle: stored,
        // No credential: the endpoint attached access to an identity the subject already has.
        credential: new Secret(credential ?? ''),
        expiresAt: new Date(end),
        ...(instructions !== undefined && {
            instructions: scrub(credential === undefined
                ? instructions
                : instructions.split(credential).join('[credential]'), secretForms),
        }),
    };
}
function parseParams(raw) {
    const parsed = webhookParamsSchema.safeParse(raw);
    if (parsed.success)
        return parsed.data;
    throw rejected(`invalid webhook entitlement params: ${describeIssues(parsed.error)}`);
}
function parseHandle(handle) {
    const issued = storedHandleSchema.safeParse(handle);
    if (issued.success)
        return issued.data;
    const intent = intentHandleSchema.safeParse(handle);
    if (intent.success) {
        return { grantId: intent.data.grantId, targetName: intent.data.targetName, endpoint: null };
    }
    throw rejected('not a webhook connector handle');
}
function malformed(type, detail) {
    return rejected(`the endpoint's answer to ${type} is malformed: ${detail}`);
}
function rejected(message) {
    return new ConnectorError('rejected', message, { retryable: false });
}
