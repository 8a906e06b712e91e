import { AppError } from '../domain/errors.js';
import { recordAudit, requireIdentity } from './load.js';
/** Creates an identity. An NHI needs an active human owner and a purpose from the start. */
export async function createIdentity(deps, actor, input, tx) {
    const now = deps.clock.now();
    const identity = {
        id: input.id,
        kind: input.kind,
        displayName: input.displayName,
        email: input.email ?? null,
        status: 'active',
        groups: [...new Set(input.groups)].sort(),
        ownerId: input.ownerId ?? null,
        purpose: input.purpose ?? null,
        oidcIssuer: input.oidcIssuer ?? null,
        oidcSubject: input.oidcSubject ?? null,
        createdAt: now,
        updatedAt: now,
        version: 1,
    };
    const run = async (repos) => {
        if (await repos.identities.get(identity.id)) {
            throw new AppError('identity.exists', `Identity ${identity.id} already exists`);
        }
        if (identity.kind === 'human') {
            if (identity.ownerId !== null) {
                throw new AppError('input.invalid', 'A person has no owner');
            }
        }
        else {
            if (identity.ownerId === null || !identity.purpose) {
                throw new AppError('identity.owner_required', 'A non-human identity needs an owner and a purpose');
            }
            const owner = await requireIdentity(repos, identity.ownerId);
            if (owner.kind !== 'human' || owner.status !== 'active') {
                throw new AppError('identity.owner_required', 'The owner must be an active person');
            }
        }
        await repos.identities.insert(identity);
        await recordAudit(repos, deps, {
            type: 'identity.created',
            actor,
            data: { identityId: identity.id, kind: identity.kind, groups: identity.groups, ownerId: identity.ownerId },
        });
        return identity;
    };
    return tx ? run(tx) : deps.store.transaction(run);
}
/** Creates an API token for an identity; only its hash is stored, the token is shown once. */
export async function createApiToken(deps, actor, input, make, tx) {
    const now = deps.clock.now();
    const { token, tokenHash } = make();
    const id = deps.ids.newId('tok');
    const expiresAt = input.expiresInSeconds === undefined ? null : new Date(now.getTime() + input.expiresInSeconds * 1000);
    const run = async (repos) => {
        await requireIdentity(repos, input.identityId);
        await repos.tokens.insert({
            id,
            identityId: input.identityId,
            name: input.name,
            tokenHash,
            createdAt: now,
            expiresAt,
            revokedAt: null,
        });
        await recordAudit(repos, deps, {
            type: 'token.created',
            actor,
            data: { tokenId: id, identityId: input.identityId, name: input.name, expiresAt },
        });
        return { id, token, identityId: input.identityId, expiresAt };
    };
    return tx ? run(tx) : deps.store.transaction(run);
}
