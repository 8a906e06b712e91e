import { AppError } from '../domain/errors.js';
import { identityIdFromUserName } from '../domain/provisioning.js';
import { changeIdentityStatus } from './change-identity-status.js';
import { recordAudit } from './load.js';
function oidcSubject(input, link) {
    if (link === undefined)
        return null;
    return link.subjectFrom === 'externalId' ? input.externalId : input.userName;
}
/** Creates a person from the identity provider: a human identity plus its SCIM record. */
export async function provisionUser(deps, actor, input, link) {
    const id = identityIdFromUserName(input.userName);
    if (id === null) {
        throw new AppError('scim.invalid_value', 'userName leaves no usable identity id', {
            details: { scimType: 'invalidValue' },
        });
    }
    const now = deps.clock.now();
    const subject = oidcSubject(input, link);
    const identity = {
        id,
        kind: 'human',
        displayName: input.displayName,
        email: input.email,
        // Created inactive when the provider says so: never active for even a moment.
        status: input.active === false ? 'suspended' : 'active',
        groups: [],
        ownerId: null,
        purpose: null,
        oidcIssuer: subject === null || link === undefined ? null : link.issuer,
        oidcSubject: subject,
        createdAt: now,
        updatedAt: now,
        version: 1,
    };
    const user = {
        identityId: id,
        userName: input.userName,
        externalId: input.externalId,
        attributes: input.attributes,
        createdAt: now,
        updatedAt: now,
    };
    await deps.store.transaction(async (tx) => {
        // An id once used stays used: an offboarded person's evidence must never be inherited.
        if (await tx.identities.get(id)) {
            throw new AppError('scim.uniqueness', `An identity ${JSON.stringify(id)} already exists`, {
                details: { scimType: 'uniqueness' },
            });
        }
        await tx.identities.insert(identity);
        await tx.provisioning.insertUser(user);
        await recordAudit(tx, deps, {
            type: 'identity.created',
            actor,
            data: {
                identityId: id,
                kind: 'human',
                status: identity.status,
                groups: [],
                ownerId: null,
                source: 'scim',
                userName: input.userName,
                externalId: input.externalId,
            },
        });
    });
    deps.log.info({ identityId: id }, 'person provisioned');
    return { user, identity };
}
/** The provisioned, not offboarded person, or scim.not_found (others are invisible to SCIM). */
export async function requireProvisioned(repos, identityId) {
    const [user, identity] = await Promise.all([
        repos.provisioning.getUser(identityId),
        repos.identities.get(identityId),
    ]);
    if (!user || !identity || identity.status === 'offboarded') {
        throw new AppError('scim.not_found', `No provisioned user ${JSON.stringify(identityId)}`);
    }
    return { user, identity };
}
/**
 * Applies the provider's full description of a person (a SCIM replace, or a patch already
 * applied to the current description). Deactivation runs first, so a failing attribute update
 * never leaves someone active who should not be.
 */
export async function updateProvisionedUser(deps, actor, identityId, input, link) {
    const before = await requireProvisioned(deps.store, identityId);
    const wasActive = before.identity.status === 'active';
    if (input.active === false && wasActive) {
        await changeIdentityStatus(deps, actor, identityId, 'suspended', 'scim');
    }
    await deps.store.transaction(async (tx) => {
        const { identity, user } = await requireProvisioned(tx, identityId);
        const now = deps.clock.now();
        const subject = oidcSubject(input, link);
        const next = {
            ...identity,
            displayName: input.displayName,
            email: input.email,
            ...(link === undefined ? {} : { oidcIssuer: subject === null ? null : link.issuer, oidcSubject: subject }),
        };
        const changes = diff(identity, next, ['displayName', 'email', 'oidcSubject']);
        const userChanged = user.userName !== input.userName ||
            user.externalId !== input.externalId ||
            JSON.stringify(user.attributes) !== JSON.stringify(input.attributes);
        if (Object.keys(changes).length > 0) {
            const stored = { ...next, updatedAt: now, version: identity.version + 1 };
            if (!(await tx.identities.update(stored, identity.version))) {
                throw new AppError('identity.concurrent_update', 'The identity changed; try again');
            }
        }
        if (userChanged) {
            await tx.provisioning.updateUser({
                ...user,
                userName: input.userName,
                externalId: input.externalId,
                attributes: input.attributes,
                updatedAt: now,
            });
        }
        if (Object.keys(changes).length > 0 || userChanged) {
            await recordAudit(tx, deps, {
                type: 'identity.updated',
                actor,
                data: {
                    identityId,
                    source: 'scim',
                    changes,
                    ...(user.userName !== input.userName ? { userName: { from: user.userName, to: input.userName } } : {}),
                    ...(user.externalId !== input.externalId ? { externalId: { from: user.externalId, to: input.externalId } } : {}),
                },
            });
        }
    });
    if (input.active === true && !wasActive) {
        await changeIdentityStatus(deps, actor, identityId, 'active', 'scim');
    }
    return requireProvisioned(deps.store, identityId);
}
/** SCIM DELETE: the person is offboarded, never deleted, so the evidence about them survives. */
export async function deprovisionUser(deps, actor, identityId) {
    await requireProvisioned(deps.store, identityId);
    await changeIdentityStatus(deps, actor, identityId, 'offboarded', 'scim');
}
function diff(before, after, keys) {
    const out = {};
    for (const key of keys) {
        if (before[key] !== after[key])
            out[String(key)] = { from: before[key], to: after[key] };
    }
    return out;
}
