import { Secret } from '../config/secret.js';
import { AppError } from '../domain/errors.js';
import { casGrant } from './grant-transitions.js';
import { recordAudit, requireGrant, requireRequest } from './load.js';
/**
 * Hands the issued credential to its holder exactly once: the sealed copy is wiped in the same
 * transaction, so a second call (or a stolen session later) finds nothing.
 */
export async function retrieveCredential(deps, actor, grantId) {
    const grant = await requireGrant(deps.store, grantId);
    const request = await requireRequest(deps.store, grant.requestId);
    // The subject, or the requester who owns the NHI subject and hands the credential to it.
    if (actor.id !== grant.subjectId && actor.id !== request.requesterId) {
        throw new AppError('auth.forbidden', 'Only the holder of a grant can retrieve its credential');
    }
    return deps.store.transaction(async (tx) => {
        const current = await requireGrant(tx, grantId);
        if (current.state !== 'active') {
            throw new AppError('grant.not_active', `Grant is ${current.state}`);
        }
        if (current.credentialCiphertext === null) {
            throw new AppError('grant.credential_unavailable', 'The credential was already retrieved');
        }
        const sealed = current.credentialCiphertext;
        const next = await casGrant(tx, current, {
            credentialCiphertext: null,
            credentialRetrievedAt: deps.clock.now(),
        });
        if (!next)
            throw new AppError('grant.concurrent_update', 'The grant changed; try again');
        await recordAudit(tx, deps, {
            type: 'grant.credential_retrieved',
            actor: actor.id,
            requestId: grant.requestId,
            grantId,
            data: {},
        });
        const opened = JSON.parse(deps.sealer.open(sealed).reveal());
        return {
            grantId,
            credential: new Secret(opened.credential),
            instructions: opened.instructions,
            expiresAt: next.expiresAt,
        };
    });
}
