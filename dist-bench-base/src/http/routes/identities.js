import { createApiToken, createIdentity } from '../../app/manage-identities.js';
import { requireIdentity } from '../../app/load.js';
import { defineRoute } from '../route.js';
import { createIdentityBody, createTokenBody, idParam } from '../schemas.js';
import { identityView } from '../views.js';
export const identityRoutes = [
    defineRoute({
        method: 'get',
        path: '/v1/me',
        summary: 'The authenticated identity, and the NHIs it owns',
        tag: 'identities',
        auth: 'identity',
        handler: async ({ deps, actor }) => {
            const owned = await deps.store.identities.list({ ownerId: actor.id });
            return { ...identityView(actor), owns: owned.map(identityView) };
        },
    }),
    defineRoute({
        method: 'get',
        path: '/v1/identities',
        summary: 'List identities (admins)',
        tag: 'identities',
        auth: 'admin',
        handler: async ({ deps }) => ({
            items: (await deps.store.identities.list()).map(identityView),
        }),
    }),
    defineRoute({
        method: 'get',
        path: '/v1/identities/{id}',
        summary: 'One identity (admins)',
        tag: 'identities',
        auth: 'admin',
        handler: async ({ deps, params }) => identityView(await requireIdentity(deps.store, idParam.parse(params.id))),
    }),
    defineRoute({
        method: 'post',
        path: '/v1/identities',
        summary: 'Create a person or a non-human identity (admins)',
        tag: 'identities',
        auth: 'admin',
        body: createIdentityBody,
        status: 201,
        handler: async ({ deps, actor, body }) => identityView(await createIdentity(deps, actor.id, body)),
    }),
    defineRoute({
        method: 'post',
        path: '/v1/tokens',
        summary: 'Create an API token for an identity (admins); the token is shown only in this answer',
        tag: 'identities',
        auth: 'admin',
        body: createTokenBody,
        status: 201,
        handler: async ({ deps, actor, body, c }) => {
            const issued = await createApiToken(deps, actor.id, { identityId: body.identityId, name: body.name, expiresInSeconds: body.expiresIn }, () => deps.newApiToken());
            c.header('Cache-Control', 'no-store');
            return {
                id: issued.id,
                identityId: issued.identityId,
                expiresAt: issued.expiresAt,
                token: issued.token.reveal(),
            };
        },
    }),
];
