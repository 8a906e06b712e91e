import { formatDuration } from './duration.js';
/* The words of notifications: one-line, control-character-free text built from ids and names. */
export function detailLines(event, c) {
    const r = c.request;
    const g = c.grant;
    const lines = [];
    if (r)
        lines.push(`Request: ${r.id} (${r.state})`);
    if (g)
        lines.push(`Grant: ${g.id} (${g.state})`);
    if (r) {
        if (r.subjectId !== r.requesterId)
            lines.push(`For: ${who(c, r.subjectId)}`);
        lines.push(`Duration: ${formatDuration(r.durationSeconds)}`);
        if (r.ticketRef !== null)
            lines.push(`Ticket: ${oneLine(r.ticketRef, 200)}`);
    }
    if (event.type === 'request.submitted' || event.type === 'breakglass.used') {
        if (r)
            lines.push(`Justification: ${oneLine(r.justification, 500)}`);
    }
    if (event.type.startsWith('request.') && r?.decisionReason) {
        lines.push(`Reason: ${oneLine(r.decisionReason, 500)}`);
    }
    if (event.type === 'grant.activated' && g) {
        lines.push(`Until: ${g.expiresAt.toISOString()}`);
        lines.push('Retrieve the credential in Hourglass; it is shown once and never sent by message.');
    }
    if (event.type === 'grant.revoked' && g?.revokeReason)
        lines.push(`Why: ${g.revokeReason}`);
    const incident = dataText(event.data.incidentRef);
    if (incident !== undefined)
        lines.push(`Incident: ${oneLine(incident, 200)}`);
    return lines;
}
export function webhookBody(event, c, summary, links) {
    return {
        type: event.type,
        timestamp: event.at.toISOString(),
        data: {
            eventId: event.id,
            actor: event.actor,
            requestId: event.requestId,
            grantId: event.grantId,
            entitlementId: c.request?.entitlementId ?? c.grant?.entitlementId ?? null,
            requesterId: c.request?.requesterId ?? null,
            subjectId: c.grant?.subjectId ?? c.request?.subjectId ?? null,
            requestState: c.request?.state ?? null,
            grantState: c.grant?.state ?? null,
            summary,
            links,
        },
    };
}
export function linksOf(event, publicUrl) {
    const base = publicUrl.replace(/\/+$/, '');
    const links = {};
    if (event.requestId)
        links.request = `${base}/v1/requests/${encodeURIComponent(event.requestId)}`;
    if (event.grantId)
        links.grant = `${base}/v1/grants/${encodeURIComponent(event.grantId)}`;
    return links;
}
export function entitlementOf(c) {
    return oneLine(c.request?.entitlementId ?? c.grant?.entitlementId ?? 'an entitlement', 100);
}
export function who(c, id) {
    if (id === undefined)
        return 'someone';
    const person = c.people.get(id);
    return oneLine(person ? `${person.displayName} (${id})` : id, 200);
}
export function dataText(value) {
    return typeof value === 'string' && value !== '' ? value : undefined;
}
// C0 and C1 controls and the Unicode line separators: none may reach a header or a log line.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
/** One line of display text: no control characters (no header or log injection), capped. */
export function oneLine(value, max) {
    return value.replace(CONTROL, ' ').trim().slice(0, max);
}
/** Slack's mrkdwn escapes: without them `<!channel>` or a crafted link in a justification would render. */
export function slackEscape(value) {
    return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
