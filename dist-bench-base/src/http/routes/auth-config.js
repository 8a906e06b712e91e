import { defineRoute } from '../route.js';
/**
 * What the web UI needs before anyone is signed in: whether SSO is offered and how to reach the
 * issuer as a public client. Nothing here is secret: a public client has no secret, and the
 * issuer publishes the rest in its discovery document.
 */
export const authConfigRoutes = [
    defineRoute({
        method: 'get',
        path: '/v1/auth/config',
        summary: 'Sign-in options for the web UI: API token, and OIDC (issuer, public client, scopes)',
        tag: 'auth',
        auth: 'none',
        handler: ({ deps }) => Promise.resolve({
            apiToken: true,
            oidc: deps.webSignIn
                ? {
                    issuer: deps.webSignIn.issuer,
                    clientId: deps.webSignIn.clientId,
                    scopes: deps.webSignIn.scopes,
                    resource: deps.webSignIn.audience,
                }
                : null,
        }),
    }),
];
