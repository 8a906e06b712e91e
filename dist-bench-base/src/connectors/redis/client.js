import { Redis } from 'ioredis';
/**
 * The server answered with an error reply; `code` is its first word (`NOPERM`, `ERR`, …). A syntax
 * error echoes the rule it choked on, which may be a password digest: digests are masked.
 */
export class RedisReplyError extends Error {
    code;
    constructor(message) {
        super(maskDigests(message));
        this.name = 'RedisReplyError';
        this.code = /^[A-Z]+/.exec(message)?.[0] ?? 'ERR';
    }
}
/** The server could not be reached, or stopped answering; nothing about the command is known. */
export class RedisTransportError extends Error {
    constructor(message) {
        super(maskDigests(message));
        this.name = 'RedisTransportError';
    }
}
/**
 * One connection, opened on first use and again after it drops, never queued or retried behind
 * the caller's back: a down server must fail the operation fast so the host's backoff takes over.
 *
 * Errors are rebuilt from the driver's message alone: ioredis attaches the command and its
 * arguments to its errors, and AUTH's arguments hold the password.
 */
export function ioredisAclClient(options) {
    let current;
    let opening;
    let closed = false;
    const open = async () => {
        const redis = new Redis({
            host: options.host,
            port: options.port,
            username: options.username,
            password: options.password.reveal(),
            lazyConnect: true,
            enableOfflineQueue: false,
            maxRetriesPerRequest: 0,
            retryStrategy: () => null,
            connectTimeout: options.timeoutMs,
            commandTimeout: options.timeoutMs,
            // RESP2 needs only AUTH, which every user may send; HELLO, INFO (the ready check) and
            // CLIENT SETINFO would each need a grant the admin user should not have to hold.
            protocol: 2,
            enableReadyCheck: false,
            disableClientInfo: true,
        });
        // ioredis reports why a connection failed only through this event; connect() just says closed.
        let failure;
        redis.on('error', (error) => {
            failure = error instanceof Error ? error : new Error(String(error));
        });
        try {
            // A stopped server still accepts TCP, and AUTH then waits on its own timer: bound the whole.
            await withTimeout(redis.connect(), options.timeoutMs, 'connecting to Redis timed out');
            return redis;
        }
        catch (error) {
            redis.disconnect();
            throw rebuild(failure ?? error);
        }
    };
    const connection = () => {
        if (closed)
            return Promise.reject(new RedisTransportError('the client is closed'));
        if (current?.status === 'ready')
            return Promise.resolve(current);
        opening ??= open().then((redis) => {
            opening = undefined;
            // quit() ran while this connection was opening: it must not outlive the client.
            if (closed) {
                redis.disconnect();
                throw new RedisTransportError('the client is closed');
            }
            current = redis;
            return redis;
        }, (error) => {
            opening = undefined;
            throw error;
        });
        return opening;
    };
    return {
        async call(command, ...args) {
            const redis = await connection();
            try {
                return await redis.call(command, args);
            }
            catch (error) {
                throw rebuild(error);
            }
        },
        async quit() {
            closed = true;
            const redis = current;
            current = undefined;
            if (redis === undefined)
                return;
            await withTimeout(redis.quit(), options.timeoutMs, 'quit timed out').catch(() => {
                redis.disconnect();
            });
        },
    };
}
/** ioredis names every server error reply `ReplyError`; anything else is the transport's doing. */
function rebuild(error) {
    const message = error instanceof Error ? error.message : String(error);
    const isReply = error instanceof Error && error.name === 'ReplyError';
    return isReply ? new RedisReplyError(message) : new RedisTransportError(message);
}
function maskDigests(message) {
    return message.replace(/[0-9a-f]{64}/gi, '[digest]');
}
function withTimeout(promise, ms, message) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => {
            reject(new Error(message));
        }, ms);
    });
    return Promise.race([promise, timeout]).finally(() => {
        clearTimeout(timer);
    });
}
