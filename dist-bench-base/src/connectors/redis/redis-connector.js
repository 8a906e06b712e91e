import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { Secret } from '../../config/secret.js';
import { ConnectorError, } from '../connector.js';
import { userNameFor, grantIdFromUserName } from './acl-names.js';
import { aclRules, forbiddenProbes, passwordDigest, readbackMismatches, requestedAcl, } from './acl-rules.js';
import { keyGlobsOf, parseAclUser, privilegesOf } from './acl-user.js';
import { ioredisAclClient, RedisReplyError } from './client.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, redisParamsSchema, } from './config.js';
import { instructionsFor, redisUri } from './credential.js';
import { abortable, checkAborted, isNoSuchUser, toConnectorError } from './failures.js';
import { globsOverlap } from './glob-overlap.js';
/** Any ACL user name Redis accepts: we pass names as single arguments, so only spaces matter. */
const aclUserName = z.string().regex(/^[^\s\0]{1,512}$/);
/** Revoke needs only the user; the rest of the handle is for people reading the grant. */
const issuedHandle = z.object({ user: aclUserName });
const intentHandle = z.object({ grantId: z.string().min(1) });
/** 256 bits; base64url never needs quoting in a URI or a shell. */
const PASSWORD_BYTES = 32;
export function createRedisConnector(config, deps, connect = ioredisAclClient) {
    const timeoutMs = config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const client = connect({
        host: config.host,
        port: config.port,
        username: config.username,
        password: config.password,
        timeoutMs,
    });
    const exec = async (signal, ...argv) => {
        const [command, ...args] = argv;
        try {
            return await abortable(signal, () => client.call(command, ...args));
        }
        catch (error) {
            throw toConnectorError(error, describeCommand(argv));
        }
    };
    const getUser = async (signal, name) => parseAclUser(await exec(signal, 'ACL', 'GETUSER', name));
    const save = async (signal) => {
        if (config.persistAcl)
            await exec(signal, 'ACL', 'SAVE');
    };
    const isProtected = (name) => name === config.username || name === 'default';
    /**
     * Best effort, then report: the user is deleted (Redis 7 closes its connections), connections
     * are killed again in case the server kept any, the file is saved so a restart cannot bring the
     * user back, and the user's absence is checked (T34).
     */
    const deleteUser = async (signal, name) => {
        if (isProtected(name)) {
            throw new ConnectorError('rejected', `refusing to delete the protected ACL user ${name}`, {
                retryable: false,
            });
        }
        await exec(signal, 'ACL', 'DELUSER', name);
        let failure;
        try {
            await abortable(signal, () => client.call('CLIENT', 'KILL', 'USER', name));
        }
        catch (error) {
            if (!isNoSuchUser(error))
                failure = toConnectorError(error, 'CLIENT KILL');
        }
        await save(signal);
        if (failure !== undefined)
            throw failure;
        if ((await getUser(signal, name)) !== null) {
            throw new ConnectorError('conflict', `ACL user ${name} is still present after ACL DELUSER`, {
                retryable: true,
            });
        }
    };
    /** Reads the user back and probes it: what Redis holds must be what we asked for (T15). */
    const verifyIssued = async (signal, name, acl, digest) => {
        const user = await getUser(signal, name);
        const problems = user === null ? ['the user vanished after SETUSER'] : readbackMismatches(user, acl, digest);
        for (const probe of forbiddenProbes(name)) {
            if ((await dryRun(signal, name, probe)) === 'OK')
                problems.push(`${probe[0]} is allowed`);
        }
        if (problems.length > 0) {
            throw new ConnectorError('conflict', `ACL user ${name} does not hold exactly the requested rules: ${problems.join('; ')}`, { retryable: false });
        }
    };
    /** `OK` when allowed, Redis's explanation when not; an unknown command is not allowed either. */
    const dryRun = async (signal, user, argv) => {
        try {
            return String(await abortable(signal, () => client.call('ACL', 'DRYRUN', user, ...argv)));
        }
        catch (error) {
            if (error instanceof RedisReplyError && error.code === 'ERR')
                return error.message;
            throw toConnectorError(error, 'ACL DRYRUN');
        }
    };
    const userOfHandle = (handle) => {
        const issued = issuedHandle.safeParse(handle);
        if (issued.success)
            return issued.data.user;
        const intent = intentHandle.safeParse(handle);
        if (intent.success)
            return nameFor(config.userPrefix, intent.data.grantId);
        throw new ConnectorError('rejected', 'not a redis connector handle', { retryable: false });
    };
    return {
        async issue(grant, { signal }) {
            checkAborted(signal);
            const acl = requestedAcl(parseParams(grant.params));
            if (grant.expiresAt.getTime() <= deps.now().getTime()) {
                throw new ConnectorError('rejected', 'the grant window has ended; no user was created', {
                    retryable: false,
                });
            }
            const name = nameFor(config.userPrefix, grant.grantId);
            const password = randomBytes(PASSWORD_BYTES).toString('base64url');
            const digest = passwordDigest(password);
            await exec(signal, 'ACL', 'SETUSER', name, ...aclRules(acl, digest));
            try {
                await verifyIssued(signal, name, acl, digest);
                await save(signal);
            }
            catch (error) {
                // Leave no working user behind, even when the caller has given up; should this fail
                // too, a revoke by intent handle finishes the job.
                await deleteUser(AbortSignal.timeout(timeoutMs), name).catch(() => undefined);
                throw error;
            }
            const handle = {
                user: name,
                keyPatterns: acl.keyPatterns,
                categories: acl.categories,
            };
            return {
                handle: { ...handle },
                credential: new Secret(redisUri(config, name, password)),
                expiresAt: grant.expiresAt,
                instructions: instructionsFor(config, name, acl, grant.expiresAt),
            };
        },
        async revoke(handle, { signal }) {
            checkAborted(signal);
            await deleteUser(signal, userOfHandle(handle));
        },
        async inspect(handle, { signal }) {
            checkAborted(signal);
            return (await getUser(signal, userOfHandle(handle))) === null ? 'gone' : 'live';
        },
        async list(scope, { signal }) {
            checkAborted(signal);
            const granted = scope.params.flatMap((p) => parseParams(p).keyPatterns);
            const reaches = (glob) => granted.some((g) => globsOverlap(glob, g));
            const names = await exec(signal, 'ACL', 'USERS');
            const found = [];
            for (const name of Array.isArray(names) ? names.map(String) : []) {
                if (isProtected(name))
                    continue;
                const user = await getUser(signal, name);
                if (user === null)
                    continue;
                const grantId = grantIdFromUserName(config.userPrefix, name);
                if (grantId === null && !keyGlobsOf(user).some(reaches))
                    continue;
                found.push({
                    key: `user:${name}`,
                    principal: name,
                    grantId,
                    privileges: privilegesOf(user),
                });
            }
            return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        },
        async removeAccess(entry, { signal }) {
            checkAborted(signal);
            const name = aclUserName.safeParse(entry.principal);
            if (!name.success || entry.key !== `user:${name.data}`) {
                throw new ConnectorError('rejected', 'not a redis access entry', { retryable: false });
            }
            await deleteUser(signal, name.data);
        },
        async verifyConfig({ signal }) {
            checkAborted(signal);
            const whoami = await exec(signal, 'ACL', 'WHOAMI');
            if (whoami !== config.username) {
                const message = `logged in as ${String(whoami)}, not ${config.username}`;
                throw new ConnectorError('rejected', message, { retryable: false });
            }
            const probe = nameFor(config.userPrefix, 'verify-config');
            const needed = [
                ['acl', 'setuser', probe, 'on'],
                ['acl', 'deluser', probe],
                ['acl', 'getuser', probe],
                ['acl', 'users'],
                ['acl', 'dryrun', probe, 'ping'],
                ['client', 'kill', 'user', probe],
                ...(config.persistAcl ? [['acl', 'save']] : []),
            ];
            const missing = [];
            for (const argv of needed) {
                const verdict = await dryRun(signal, config.username, argv);
                if (verdict !== 'OK')
                    missing.push(`${argv[0] ?? ''} ${argv[1] ?? ''}`);
            }
            if (missing.length > 0) {
                throw new ConnectorError('rejected', `ACL user ${config.username} may not run: ${missing.join(', ')}`, { retryable: false });
            }
            // Proves an aclfile is configured and writable, which DRYRUN cannot tell.
            await save(signal);
        },
        close() {
            return client.quit();
        },
    };
}
function parseParams(raw) {
    const parsed = redisParamsSchema.safeParse(raw);
    if (parsed.success)
        return parsed.data;
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConnectorError('rejected', `invalid redis entitlement params: ${issues.join('; ')}`, {
        retryable: false,
    });
}
function nameFor(prefix, grantId) {
    const name = userNameFor(prefix, grantId);
    if (name !== null)
        return name;
    throw new ConnectorError('rejected', 'the grant id is too long for an ACL user name', {
        retryable: false,
    });
}
/** Names the command, never its arguments: those include password digests. */
function describeCommand(argv) {
    const [command = '', sub = ''] = argv;
    return command === 'ACL' || command === 'CLIENT' ? `${command} ${sub}` : command;
}
