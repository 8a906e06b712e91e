import { hostname } from 'node:os';
import { createEmailSender } from '../notifications/email-sender.js';
import { endpointId } from '../notifications/endpoint-id.js';
import { NotificationDispatcher } from '../notifications/notification-dispatcher.js';
import { createSlackSender } from '../notifications/slack-sender.js';
import { createWebhookSender } from '../notifications/webhook-sender.js';
/** Wires the outbox routing and the dispatcher with one sender per configured channel. */
export function createNotifications(config, deps) {
    const n = config.notifications;
    const webhooks = n.webhooks.map((w) => ({
        id: endpointId('webhook', w.url),
        url: w.url,
        secret: w.secret,
        events: w.events ?? null,
    }));
    const slack = n.slack.map((s) => ({
        id: endpointId('slack', s.url.reveal()),
        url: s.url,
        events: s.events ?? null,
    }));
    const routing = {
        email: n.smtp !== undefined,
        webhooks: webhooks.map(({ id, events }) => ({ id, events })),
        slack: slack.map(({ id, events }) => ({ id, events })),
        adminGroup: config.adminGroup,
        securityGroup: config.governance.breakGlass.securityGroup,
        publicUrl: deps.publicUrl,
    };
    const senders = {
        webhook: createWebhookSender(webhooks, deps.clock),
        slack: createSlackSender(slack),
    };
    if (n.smtp) {
        senders.email = createEmailSender({
            host: n.smtp.host,
            port: n.smtp.port,
            from: n.smtp.from,
            clientName: n.smtp.clientName ?? (hostname().replace(/[^A-Za-z0-9.-]/g, '-') || 'hourglass'),
            username: n.smtp.username,
            password: n.smtp.password,
        }, deps.clock);
    }
    const dispatcher = new NotificationDispatcher({
        outbox: deps.outbox,
        senders,
        clock: deps.clock,
        random: () => deps.random(),
        log: deps.log,
        retry: { maxAttempts: n.maxAttempts, baseMs: n.baseMs, capMs: n.capMs },
        timeoutMs: n.timeoutMs,
        onDelivered: (m) => {
            deps.metrics.notificationsDelivered.inc({ channel: m.channel });
        },
        onDeadLettered: (m) => {
            deps.metrics.notificationsDeadLettered.inc({ channel: m.channel });
        },
    });
    return { routing, dispatcher };
}
