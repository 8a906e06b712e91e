import { connect } from 'node:net';
import { DeliveryError, networkReason } from './sender.js';
/** A server that sends more than this without a line break is not speaking SMTP. */
const MAX_LINE = 8192;
/** Addresses go into SMTP commands: no spaces, brackets or line breaks, ASCII only. */
const MAILBOX = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
export function isMailbox(address) {
    return MAILBOX.test(address);
}
/**
 * Sends one message over SMTP (RFC 5321): EHLO (HELO if refused), AUTH PLAIN when a username is
 * set, MAIL FROM, RCPT TO, DATA with dot-stuffing, QUIT. STARTTLS is not supported yet: send
 * through a relay on the same host or a trusted network. Network failures and 4xx replies are
 * retryable; a 5xx for a recipient or for the message itself is permanent.
 *
 * @example
 * await sendMail({ host: '127.0.0.1', port: 25, clientName: 'hourglass' },
 *   { from: 'hourglass@example.com', to: ['alice@example.com'], data }, AbortSignal.timeout(10_000))
 */
export async function sendMail(settings, envelope, signal) {
    for (const address of [envelope.from, ...envelope.to]) {
        if (!isMailbox(address)) {
            throw new DeliveryError('email address is not valid for SMTP', { permanent: true });
        }
    }
    const conn = await SmtpConnection.open(settings.host, settings.port, signal);
    try {
        await conn.expect('greeting', [220]);
        const extensions = await hello(conn, settings.clientName);
        if (settings.username !== undefined) {
            await authPlain(conn, extensions, settings.username, settings.password?.reveal() ?? '');
        }
        await conn.command(`MAIL FROM:<${envelope.from}>`, 'MAIL FROM', [250]);
        for (const to of envelope.to)
            await conn.command(`RCPT TO:<${to}>`, 'RCPT TO', [250, 251]);
        await conn.command('DATA', 'DATA', [354]);
        await conn.command(`${dotStuff(envelope.data)}.`, 'message', [250]);
        // The message is accepted; a server that hangs up instead of saying goodbye changes nothing.
        await conn.command('QUIT', 'QUIT', [221]).catch(() => undefined);
    }
    finally {
        conn.close();
    }
}
/**
 * CRLF line breaks, a leading `.` doubled on every line (RFC 5321 §4.5.2, so a line holding a
 * single dot cannot end the message early), and a final CRLF.
 */
export function dotStuff(data) {
    const stuffed = data.replace(/\r\n|\r|\n/g, '\r\n').replace(/(^|\r\n)\./g, '$1..');
    return stuffed.endsWith('\r\n') ? stuffed : `${stuffed}\r\n`;
}
async function hello(conn, clientName) {
    const ehlo = await conn.send(`EHLO ${clientName}`);
    if (ehlo.code === 250) {
        const extensions = new Map();
        for (const line of ehlo.lines.slice(1)) {
            const [keyword = '', ...params] = line
                .trim()
                .toUpperCase()
                .split(/[\s=]+/);
            extensions.set(keyword, params);
        }
        return extensions;
    }
    await conn.command(`HELO ${clientName}`, 'HELO', [250]);
    return new Map();
}
async function authPlain(conn, extensions, username, password) {
    if (!extensions.get('AUTH')?.includes('PLAIN')) {
        throw new DeliveryError('SMTP server does not offer AUTH PLAIN (STARTTLS is not supported)');
    }
    const token = Buffer.from(`\0${username}\0${password}`, 'utf8').toString('base64');
    // Named 'AUTH' in errors: the command line itself carries the password.
    await conn.command(`AUTH PLAIN ${token}`, 'AUTH', [235]);
}
/** One SMTP connection: writes commands, reads (multi-line) replies. */
class SmtpConnection {
    #socket;
    #where;
    #signal;
    #buffer = '';
    #lines = [];
    #wake = null;
    #failure = null;
    constructor(socket, where, signal) {
        this.#socket = socket;
        this.#where = where;
        this.#signal = signal;
        socket.setEncoding('utf8');
        socket.on('data', (chunk) => {
            this.#onData(chunk);
        });
        socket.on('error', (error) => {
            this.#fail(new DeliveryError(`SMTP ${where} ${networkReason(error, signal)}`, { cause: error }));
        });
        socket.on('close', () => {
            this.#fail(new DeliveryError(`SMTP ${where} closed the connection`));
        });
    }
    static async open(host, port, signal) {
        const where = `${host}:${port}`;
        if (signal.aborted)
            throw new DeliveryError(`SMTP ${where} timed out`);
        const socket = connect({ host, port });
        const conn = new SmtpConnection(socket, where, signal);
        const abort = () => {
            conn.#fail(new DeliveryError(`SMTP ${where} timed out`));
        };
        signal.addEventListener('abort', abort, { once: true });
        socket.once('close', () => {
            signal.removeEventListener('abort', abort);
        });
        await new Promise((resolve, reject) => {
            socket.once('connect', resolve);
            socket.once('close', () => {
                reject(conn.#failure ?? new DeliveryError(`SMTP ${where} unreachable`));
            });
        });
        return conn;
    }
    /** Writes a command and returns the reply, whatever its code. */
    async send(line) {
        if (this.#failure)
            throw this.#failure;
        this.#socket.write(`${line}\r\n`);
        return this.#reply();
    }
    /** Writes a command and requires one of the `expected` codes. `what` names it in errors. */
    async command(line, what, expected) {
        return this.#check(await this.send(line), what, expected);
    }
    async expect(what, expected) {
        return this.#check(await this.#reply(), what, expected);
    }
    close() {
        this.#socket.destroy();
    }
    #check(reply, what, expected) {
        if (expected.includes(reply.code))
            return reply;
        const text = (reply.lines[0] ?? '').replace(/[^\x20-\x7e]+/g, ' ').slice(0, 200);
        const permanent = reply.code >= 500 && (what === 'RCPT TO' || what === 'message');
        throw new DeliveryError(`SMTP ${what} refused by ${this.#where}: ${reply.code} ${text}`.trim(), {
            permanent,
        });
    }
    async #reply() {
        const lines = [];
        for (;;) {
            const line = await this.#line();
            const match = /^(\d{3})([ -]?)(.*)$/.exec(line);
            if (!match)
                throw new DeliveryError(`SMTP ${this.#where} sent a malformed reply`);
            lines.push(match[3] ?? '');
            if (match[2] !== '-')
                return { code: Number(match[1]), lines };
        }
    }
    async #line() {
        for (;;) {
            const line = this.#lines.shift();
            if (line !== undefined)
                return line;
            if (this.#failure)
                throw this.#failure;
            await new Promise((resolve) => {
                this.#wake = resolve;
            });
        }
    }
    #onData(chunk) {
        this.#buffer += chunk;
        const parts = this.#buffer.split('\r\n');
        this.#buffer = parts.pop() ?? '';
        this.#lines.push(...parts);
        if (this.#buffer.length > MAX_LINE) {
            this.#fail(new DeliveryError(`SMTP ${this.#where} sent an overlong line`));
            return;
        }
        this.#notify();
    }
    #fail(error) {
        if (this.#failure)
            return;
        this.#failure = this.#signal.aborted
            ? new DeliveryError(`SMTP ${this.#where} timed out`)
            : error;
        this.#socket.destroy();
        this.#notify();
    }
    #notify() {
        const wake = this.#wake;
        this.#wake = null;
        wake?.();
    }
}
