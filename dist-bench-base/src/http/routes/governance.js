import { z } from 'zod';
import { changeIdentityStatus } from '../../app/change-identity-status.js';
import { closeTicket } from '../../app/close-ticket.js';
import { extendGrant } from '../../app/extend-grant.js';
import { describeNhis, transferNhi } from '../../app/transfer-nhi.js';
import { INCIDENT_REF_PATTERN } from '../../domain/break-glass.js';
import { IDENTITY_STATUSES } from '../../domain/identity.js';
import { nhiView } from '../governance-views.js';
import { defineRoute } from '../route.js';
import { durationInput, freeText, idParam } from '../schemas.js';
import { grantView, identityView, requestView } from '../views.js';
const extendBody = z.object({ duration: durationInput, justification: freeText(10, 2000) }).strict();
const statusBody = z.object({ status: z.enum(IDENTITY_STATUSES) }).strict();
const transferBody = z.object({ newOwnerId: idParam }).strict();
const ticketRef = z.string().regex(INCIDENT_REF_PATTERN, 'must be a ticket key like OPS-123');
export const governanceRoutes = [
    defineRoute({
        method: 'post',
        path: '/v1/grants/{id}/extend',
        summary: 'Ask for more time: a new request linked to the grant, reviewed under the same rules',
        tag: 'grants',
        auth: 'identity',
        body: extendBody,
        status: 201,
        handler: async ({ deps, actor, params, body }) => {
            const result = await extendGrant(deps, actor, idParam.parse(params.id), {
                durationSeconds: body.duration,
                justification: body.justification,
            });
            return {
                request: requestView(result.request),
                grant: result.grant ? grantView(result.grant) : null,
            };
        },
    }),
    defineRoute({
        method: 'post',
        path: '/v1/tickets/{ref}/closed',
        summary: 'A ticket closed: revoke every grant whose request names it (admins; ticket webhooks)',
        tag: 'governance',
        auth: 'admin',
        handler: async ({ deps, actor, params }) => closeTicket(deps, ticketRef.parse(params.ref), `admin:${actor.id}`, actor.id),
    }),
    defineRoute({
        method: 'post',
        path: '/v1/identities/{id}/status',
        summary: 'Suspend, offboard or reactivate an identity; leaving active revokes its grants (admins)',
        tag: 'identities',
        auth: 'admin',
        body: statusBody,
        handler: async ({ deps, actor, params, body }) => {
            const result = await changeIdentityStatus(deps, actor.id, idParam.parse(params.id), body.status, 'admin');
            return {
                identity: identityView(result.identity),
                revoked: result.revoked,
                orphaned: result.orphaned,
            };
        },
    }),
    defineRoute({
        method: 'get',
        path: '/v1/nhis',
        summary: 'Non-human identities: owner, purpose, last grant, credential age (admins: all; others: owned)',
        tag: 'identities',
        auth: 'identity',
        handler: async ({ deps, actor }) => ({ items: (await describeNhis(deps, actor)).map(nhiView) }),
    }),
    defineRoute({
        method: 'post',
        path: '/v1/nhis/{id}/transfer',
        summary: 'Give a non-human identity a new owner, an active person (admins)',
        tag: 'identities',
        auth: 'admin',
        body: transferBody,
        handler: async ({ deps, actor, params, body }) => {
            const result = await transferNhi(deps, actor, idParam.parse(params.id), body.newOwnerId);
            return { identity: identityView(result.identity), revoked: result.revoked };
        },
    }),
];
