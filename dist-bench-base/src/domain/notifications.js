import { dataText, detailLines, entitlementOf, linksOf, oneLine, slackEscape, webhookBody, who, } from './notification-text.js';
export { oneLine, slackEscape } from './notification-text.js';
/**
 * Which audit events notify whom. Keyed by string and read at runtime, so event types added to
 * the audit union later (by other features) can be mapped here without a compile-order tie.
 */
export const NOTIFICATION_RULES = {
    'request.submitted': {
        audiences: ['reviewers'],
        // Auto-approved requests need nobody; break-glass has its own alert.
        applies: (e, c) => c.request?.state === 'pending' && e.data.breakGlass !== true,
        title: (_e, c) => `Review needed: ${who(c, c.request?.requesterId)} requests ${entitlementOf(c)}`,
    },
    'request.approved': {
        audiences: ['requester'],
        title: (_e, c) => `Approved: your request for ${entitlementOf(c)}`,
    },
    'request.denied': {
        audiences: ['requester'],
        title: (_e, c) => `Denied: your request for ${entitlementOf(c)}`,
    },
    'request.denied_by_policy': {
        audiences: ['requester'],
        title: (_e, c) => `Denied by policy: your request for ${entitlementOf(c)}`,
    },
    'request.lapsed': {
        audiences: ['requester'],
        title: (_e, c) => `Lapsed: nobody reviewed your request for ${entitlementOf(c)} in time`,
    },
    'grant.activated': {
        audiences: ['subject'],
        title: (_e, c) => `Access active: ${entitlementOf(c)}`,
    },
    'grant.revoked': {
        audiences: ['subject'],
        title: (_e, c) => `Access ended: ${entitlementOf(c)}`,
    },
    'breakglass.used': {
        audiences: ['owners', 'security'],
        title: (e, c) => `Break-glass used: ${who(c, e.actor)} took ${entitlementOf(c)}`,
    },
    'grant.irrevocable': {
        audiences: ['admins'],
        oncePerGrant: true,
        title: (_e, c) => `Action needed: access to ${entitlementOf(c)} could not be revoked`,
    },
    'breakglass.review_overdue': {
        audiences: ['admins'],
        title: (e, c) => `Overdue: post-use review of break-glass by ${who(c, dataText(e.data.userId))}`,
    },
};
/** The audiences whose identities the caller must load for this event (empty: nothing to do). */
export function audiencesFor(type, routing) {
    return routing.email ? (NOTIFICATION_RULES[type]?.audiences ?? []) : [];
}
/** Whether an event can produce any message, before anything is loaded for it. */
export function isNotifiable(type, routing) {
    return (audiencesFor(type, routing).length > 0 ||
        [...routing.webhooks, ...routing.slack].some((r) => subscribes(r, type)));
}
/**
 * Decides who gets what for one audit event: an email to each active person of the rule's
 * audiences who has an address, and one message to each subscribed webhook and Slack endpoint.
 * Bodies carry ids, names and links, never a credential or secret.
 */
export function notificationsFor(event, c) {
    const rule = NOTIFICATION_RULES[event.type];
    const applies = rule !== undefined && (rule.applies?.(event, c) ?? true);
    const title = oneLine(rule ? rule.title(event, c) : `${event.type}: ${entitlementOf(c)}`, 200);
    const lines = detailLines(event, c);
    const links = linksOf(event, c.routing.publicUrl);
    const key = (channel, recipient) => `${rule?.oncePerGrant === true && event.grantId ? `${event.type}:${event.grantId}` : event.id}|${channel}|${recipient}`;
    const drafts = [];
    const add = (channel, recipient, payload) => {
        drafts.push({
            kind: event.type,
            channel,
            recipient,
            payload,
            dedupeKey: key(channel, recipient),
        });
    };
    if (applies && c.routing.email) {
        const body = [...lines, '', ...Object.values(links)].join('\n');
        for (const person of recipientsOf(rule.audiences, event, c)) {
            if (person.email === null)
                continue;
            add('email', person.email, {
                to: person.email,
                identityId: person.id,
                subject: title,
                text: body,
            });
        }
    }
    const wanted = (r) => subscribes(r, event.type) && (r.events !== null || applies);
    for (const route of c.routing.webhooks.filter(wanted)) {
        add('webhook', route.id, webhookBody(event, c, title, links));
    }
    for (const route of c.routing.slack.filter(wanted)) {
        const link = links.grant ?? links.request;
        const parts = [`*${slackEscape(title)}*`, ...lines.map(slackEscape)];
        if (link !== undefined)
            parts.push(`<${link}|Open in Hourglass>`);
        add('slack', route.id, { text: parts.join('\n') });
    }
    return drafts;
}
function subscribes(route, type) {
    return route.events === null
        ? NOTIFICATION_RULES[type] !== undefined
        : route.events.includes(type);
}
/** Active people of the audiences, once each; an NHI subject is represented by its human owner. */
function recipientsOf(audiences, event, c) {
    const ids = [];
    for (const audience of audiences) {
        switch (audience) {
            case 'reviewers':
                ids.push(...(c.request?.eligibleReviewers ?? []));
                break;
            case 'requester':
                if (c.request)
                    ids.push(c.request.requesterId);
                break;
            case 'subject': {
                const subject = c.people.get(c.grant?.subjectId ?? c.request?.subjectId ?? '');
                const owner = subject?.kind !== 'human' ? subject?.ownerId : null;
                if (subject)
                    ids.push(owner ?? subject.id);
                break;
            }
            case 'owners':
                ids.push(...c.owners);
                break;
            case 'security':
                ids.push(...c.security.map((p) => p.id));
                break;
            case 'admins':
                ids.push(...c.admins.map((p) => p.id));
                break;
        }
    }
    const known = new Map([...c.security, ...c.admins].map((p) => [p.id, p]));
    const seen = new Set();
    const people = [];
    for (const id of ids) {
        const person = c.people.get(id) ?? known.get(id);
        if (!person || person.status !== 'active' || seen.has(id))
            continue;
        // Break-glass alerts go to the others: the user knows what they did.
        if (event.type === 'breakglass.used' && id === event.actor)
            continue;
        seen.add(id);
        people.push(person);
    }
    return people;
}
