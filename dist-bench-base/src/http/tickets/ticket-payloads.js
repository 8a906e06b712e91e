import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
const text = (max) => z.string().max(max);
const CLOSED_STATUSES = new Set(['resolved', 'closed', 'done', 'cancelled', 'canceled']);
/** Reads a source's payload (already authenticated) into what Hourglass acts on. */
export function parseTicketPayload(source, settings, headers, raw) {
    let json;
    try {
        json = JSON.parse(Buffer.from(raw).toString('utf8'));
    }
    catch {
        throw new AppError('input.invalid', 'The delivery body is not valid JSON');
    }
    switch (source) {
        case 'generic':
            return { event: genericEvent(json) };
        case 'servicenow':
            return { event: serviceNowEvent(json) };
        case 'jira':
            return jiraEvent(json, settings);
        case 'github':
            return githubEvent(json, settings, headers.get('x-github-event'));
    }
}
function parse(schema, json, source) {
    const result = schema.safeParse(json);
    if (result.success)
        return result.data;
    const issues = result.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    throw new AppError('input.invalid', `Not a ${source} ticket delivery: ${issues.join('; ')}`);
}
const nonEmpty = (value) => value === undefined || value === null || value.trim() === '' ? null : value.trim();
function requesterOf(email, userName) {
    if (email === null && userName === null)
        return null;
    return { ...(email === null ? {} : { email }), ...(userName === null ? {} : { userName }) };
}
const genericSchema = z.object({
    event: z.enum(['opened', 'updated', 'resolved', 'closed']),
    ticket: z.object({
        ref: text(128),
        title: text(4000).optional(),
        status: text(64).optional(),
        requester: z.object({ email: text(254).optional(), userName: text(256).optional() }).optional(),
        entitlementId: text(200).nullable().optional(),
        duration: z.union([text(32), z.number()]).nullable().optional(),
    }),
});
function genericEvent(json) {
    const { event, ticket } = parse(genericSchema, json, 'generic');
    const status = ticket.status?.toLowerCase() ?? '';
    const action = event === 'opened'
        ? 'open'
        : event === 'resolved' || event === 'closed' || CLOSED_STATUSES.has(status)
            ? 'close'
            : 'ignore';
    return {
        source: 'generic',
        ref: ticket.ref,
        action,
        requester: requesterOf(nonEmpty(ticket.requester?.email), nonEmpty(ticket.requester?.userName)),
        entitlement: ticket.entitlementId ?? null,
        duration: ticket.duration === undefined || ticket.duration === null ? null : String(ticket.duration),
        title: ticket.title ?? null,
    };
}
const stringFlag = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');
const serviceNowSchema = z.object({
    number: text(128),
    operation: z.enum(['insert', 'update', 'delete']),
    active: stringFlag,
    short_description: text(4000).optional(),
    requested_for: z.object({ email: text(254).optional(), user_name: text(256).optional() }).optional(),
    variables: z
        .object({
        hourglass_entitlement: text(200).nullable().optional(),
        hourglass_duration: text(32).nullable().optional(),
    })
        .optional(),
});
/** The payload of the business rule in docs/integrations.md: a requested item or any task. */
function serviceNowEvent(json) {
    const item = parse(serviceNowSchema, json, 'ServiceNow');
    const entitlement = nonEmpty(item.variables?.hourglass_entitlement);
    const action = item.operation === 'delete' || !item.active
        ? 'close'
        : item.operation === 'insert' && entitlement !== null
            ? 'open'
            : 'ignore';
    return {
        source: 'servicenow',
        ref: item.number,
        action,
        requester: requesterOf(nonEmpty(item.requested_for?.email), nonEmpty(item.requested_for?.user_name)),
        entitlement,
        duration: nonEmpty(item.variables?.hourglass_duration),
        title: item.short_description ?? null,
    };
}
const jiraSchema = z.object({
    webhookEvent: text(100),
    /** Milliseconds since the epoch, set by Jira when it sends. */
    timestamp: z.number().int().positive(),
    issue: z.object({
        key: text(128),
        fields: z.record(z.string(), z.unknown()).default({}),
    }),
});
const jiraFields = z.object({
    summary: text(4000).nullable().optional(),
    status: z
        .object({ name: text(200).optional(), statusCategory: z.object({ key: text(64) }).optional() })
        .nullable()
        .optional(),
    reporter: z.object({ emailAddress: text(254).nullable().optional() }).nullable().optional(),
});
/** A text field or a select list (`{ "value": "orders-read" }`). */
function fieldText(value) {
    if (typeof value === 'string')
        return nonEmpty(value);
    if (typeof value === 'number')
        return String(value);
    if (value !== null && typeof value === 'object' && 'value' in value && typeof value.value === 'string') {
        return nonEmpty(value.value);
    }
    return null;
}
function jiraEvent(json, settings) {
    const payload = parse(jiraSchema, json, 'Jira');
    const raw = payload.issue.fields;
    const fields = parse(jiraFields, raw, 'Jira');
    const entitlement = settings.entitlementField === undefined ? null : fieldText(raw[settings.entitlementField]);
    const done = fields.status?.statusCategory?.key === 'done';
    const action = payload.webhookEvent === 'jira:issue_deleted' || (payload.webhookEvent === 'jira:issue_updated' && done)
        ? 'close'
        : payload.webhookEvent === 'jira:issue_created' && entitlement !== null
            ? 'open'
            : 'ignore';
    return {
        timestamp: Math.floor(payload.timestamp / 1000),
        event: {
            source: 'jira',
            ref: payload.issue.key,
            action,
            requester: requesterOf(nonEmpty(fields.reporter?.emailAddress), null),
            entitlement,
            duration: settings.durationField === undefined ? null : fieldText(raw[settings.durationField]),
            title: fields.summary ?? null,
        },
    };
}
const githubSchema = z.object({
    action: text(64),
    issue: z.object({
        number: z.number().int().positive(),
        title: text(4000),
        body: text(65_536).nullable().optional(),
        updated_at: z.iso.datetime(),
        user: z.object({ login: text(100) }),
    }),
    repository: z.object({ full_name: text(200) }),
});
function githubEvent(json, settings, eventName) {
    // Pings and every other event are about no ticket: authenticated, then ignored.
    if (eventName !== 'issues')
        return { event: null };
    const payload = parse(githubSchema, json, 'GitHub');
    const { issue } = payload;
    const entitlement = issueFormField(issue.body ?? '', 'Entitlement');
    const action = payload.action === 'closed' || payload.action === 'deleted'
        ? 'close'
        : payload.action === 'opened' && entitlement !== null
            ? 'open'
            : 'ignore';
    const users = settings.users ?? {};
    const identityId = Object.hasOwn(users, issue.user.login) ? users[issue.user.login] : undefined;
    return {
        timestamp: Math.floor(Date.parse(issue.updated_at) / 1000),
        event: {
            source: 'github',
            ref: `${payload.repository.full_name}#${issue.number}`,
            action,
            requester: identityId === undefined ? null : { identityId },
            entitlement,
            duration: issueFormField(issue.body ?? '', 'Duration'),
            title: issue.title,
        },
    };
}
/**
 * A field of a GitHub issue form as rendered into the issue body (`### Entitlement` followed by
 * the answer). `_No response_` is GitHub's rendering of an empty answer.
 */
export function issueFormField(body, heading) {
    const lines = body.split(/\r?\n/);
    const start = lines.findIndex((l) => l.trim().toLowerCase() === `### ${heading.toLowerCase()}`);
    if (start === -1)
        return null;
    for (const line of lines.slice(start + 1)) {
        if (line.trim().startsWith('###'))
            return null;
        const value = line.trim();
        if (value !== '')
            return value === '_No response_' ? null : value;
    }
    return null;
}
