import { defineRoute } from '../route.js';
import { idParam, introspectBody } from '../schemas.js';
export const jwtRoutes = [
    defineRoute({
        method: 'get',
        path: '/v1/targets/{id}/jwks.json',
        summary: "A jwt target's public signing keys (JWKS), for resource servers",
        tag: 'tokens',
        auth: 'none',
        handler: ({ deps, params }) => deps.jwt.jwks(idParam.parse(params.id)),
    }),
    defineRoute({
        method: 'get',
        path: '/v1/targets/{id}/ssh-ca.pub',
        summary: "An ssh target's user CA public key (a TrustedUserCAKeys line) for sshd",
        tag: 'tokens',
        auth: 'none',
        handler: async ({ deps, params }) => {
            const line = await deps.sshCaPublicKey(idParam.parse(params.id));
            return new Response(line + '\n', { headers: { 'content-type': 'text/plain; charset=utf-8' } });
        },
    }),
    defineRoute({
        method: 'post',
        path: '/v1/introspect',
        summary: 'RFC 7662 token introspection: active is false once the grant is revoked or expired',
        tag: 'tokens',
        auth: 'identity',
        body: introspectBody,
        form: true,
        handler: ({ deps, body }) => deps.jwt.introspect(body.token),
    }),
];
