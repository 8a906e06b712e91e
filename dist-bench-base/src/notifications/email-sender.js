import { DeliveryError } from './sender.js';
import { isMailbox, sendMail } from './smtp-client.js';
/** Email over SMTP; the outbox payload holds `{ to, subject, text }`. */
export function createEmailSender(settings, clock) {
    const domain = settings.from.slice(settings.from.lastIndexOf('@') + 1);
    return {
        async send(message, signal) {
            const { to, subject, text } = message.payload;
            if (typeof to !== 'string' || typeof subject !== 'string' || typeof text !== 'string') {
                throw new DeliveryError('email message is malformed', { permanent: true });
            }
            if (!isMailbox(to))
                throw new DeliveryError('email recipient is not a valid address', { permanent: true });
            const data = composeEmail({
                from: settings.from,
                to,
                subject,
                text,
                messageId: `<${message.id}@${domain}>`,
                date: clock.now(),
            });
            await sendMail(settings, { from: settings.from, to: [to], data }, signal);
        },
    };
}
/**
 * A plain-text RFC 5322 message. The subject is RFC 2047-encoded when it is not ASCII; the body
 * is sent as is when it is short-lined ASCII, else base64, so no 8BITMIME is needed.
 */
export function composeEmail(m) {
    const text = m.text.replace(/\r\n|\r/g, '\n');
    const plain = /^[\x20-\x7e\n\t]*$/.test(text) && text.split('\n').every((line) => line.length <= 998);
    const headers = [
        `From: Hourglass <${m.from}>`,
        `To: <${m.to}>`,
        `Subject: ${encodeHeader(m.subject)}`,
        `Date: ${m.date.toUTCString().replace('GMT', '+0000')}`,
        `Message-ID: ${m.messageId}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        `Content-Transfer-Encoding: ${plain ? '7bit' : 'base64'}`,
        // RFC 3834: out-of-office responders must not answer.
        'Auto-Submitted: auto-generated',
    ];
    const body = plain
        ? text
        : (Buffer.from(text, 'utf8')
            .toString('base64')
            .match(/.{1,76}/g) ?? []).join('\n');
    return `${headers.join('\n')}\n\n${body}\n`;
}
/** Header text on one line; RFC 2047 encoded-words (≤ 75 characters each, folded) when not ASCII. */
export function encodeHeader(value) {
    // eslint-disable-next-line no-control-regex
    const line = value.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 300);
    if (/^[\x20-\x7e]*$/.test(line))
        return line;
    const words = [];
    let chunk = '';
    for (const char of line) {
        // 45 bytes of UTF-8 make 60 characters of base64: with `=?UTF-8?B?` and `?=`, 72.
        if (Buffer.byteLength(chunk + char, 'utf8') > 45) {
            words.push(chunk);
            chunk = '';
        }
        chunk += char;
    }
    if (chunk !== '')
        words.push(chunk);
    return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\n ');
}
