import { deleteProvisionedGroup, provisionGroup, requireGroup, updateProvisionedGroup, } from '../../app/provision-group.js';
import { deprovisionUser, provisionUser, requireProvisioned, updateProvisionedUser, } from '../../app/provision-user.js';
import { AppError } from '../../domain/errors.js';
import { authenticateBearer } from '../auth/authenticate.js';
import { DEFAULT_INTEGRATIONS } from '../integrations.js';
import { defineRoute } from '../route.js';
import { idParam } from '../schemas.js';
import { parseEqualityFilter, stringFilterOn } from '../scim/scim-filter.js';
import { applyPatch, parsePatchRequest } from '../scim/scim-patch.js';
import { GROUP_PATCH_SCHEMAS, groupProvisioningOf, groupResource, listResponse, USER_PATCH_SCHEMAS, userProvisioningOf, userResource, GROUP_SCHEMA, USER_SCHEMA, ENTERPRISE_USER_SCHEMA, } from '../scim/scim-resources.js';
import { scimError, scimJson } from '../scim/scim-response.js';
const BASE = '/scim/v2';
const MAX_PAGE = 200;
const settingsOf = (deps) => (deps.integrations ?? DEFAULT_INTEGRATIONS).scim;
/**
 * Only API tokens are accepted (never a person's OIDC token), and only of members of the
 * provisioner group: the directory's connector acts with its own, revocable credential.
 */
async function authenticateProvisioner(deps, header) {
    const { identity } = await authenticateBearer(header, {
        tokens: deps.store.tokens,
        identities: deps.store.identities,
        now: () => deps.clock.now(),
    });
    const group = settingsOf(deps).provisionerGroup;
    if (!identity.groups.includes(group)) {
        throw new AppError('auth.forbidden', `SCIM provisioning needs an API token of a member of ${group}`);
    }
    return identity;
}
async function readJson(c) {
    const text = await c.req.text();
    try {
        return JSON.parse(text);
    }
    catch {
        throw new AppError('input.invalid', 'The request body is not valid JSON', {
            details: { scimType: 'invalidSyntax' },
        });
    }
}
/** A SCIM endpoint: its own authentication, content type and error format, every failure included. */
function scimRoute(method, path, summary, handle) {
    return defineRoute({
        method,
        path: `${BASE}${path}`,
        summary: `SCIM 2.0: ${summary} (bearer: an API token of a provisioner)`,
        tag: 'scim',
        auth: 'none',
        handler: async ({ deps, params, c }) => {
            try {
                const actor = await authenticateProvisioner(deps, c.req.header('authorization'));
                const body = method === 'get' || method === 'delete' ? undefined : await readJson(c);
                const base = `${new URL(c.req.url).origin}${BASE}`;
                return await handle({ deps, actor, params, query: c.req.query(), body, base, c });
            }
            catch (error) {
                const { status, body } = scimError(error);
                if (status >= 500)
                    deps.log.error({ err: error, path: c.req.path }, 'SCIM request failed');
                return scimJson(status, body);
            }
        },
    });
}
function page(query) {
    const start = Number.parseInt(query.startIndex ?? '1', 10);
    const count = Number.parseInt(query.count ?? String(MAX_PAGE), 10);
    return {
        // RFC 7644 §3.4.2.4: values below 1 mean 1; a negative count means 0.
        startIndex: Number.isFinite(start) && start >= 1 ? start : 1,
        count: Number.isFinite(count) ? Math.min(Math.max(count, 0), MAX_PAGE) : MAX_PAGE,
    };
}
function idOf(params) {
    const parsed = idParam.safeParse(params.id);
    if (!parsed.success)
        throw new AppError('scim.not_found', 'No such resource');
    return parsed.data;
}
async function allGroups(deps) {
    return (await deps.store.provisioning.listGroups({ offset: 0, limit: 100_000 })).items;
}
async function userReply(deps, person, base, status = 200) {
    const resource = userResource(person, await allGroups(deps), base);
    return scimJson(status, resource, status === 201 ? { location: `${base}/Users/${person.identity.id}` } : {});
}
async function groupReply(deps, group, base, options = {}) {
    const members = options.excludeMembers
        ? null
        : (options.members ?? (await deps.store.provisioning.listMemberIds(group.groupName)));
    const status = options.status ?? 200;
    return scimJson(status, groupResource(group, members, base), status === 201 ? { location: `${base}/Groups/${group.id}` } : {});
}
const excludesMembers = (query) => (query.excludedAttributes ?? '').toLowerCase().split(',').map((s) => s.trim()).includes('members');
const userRoutes = [
    scimRoute('get', '/Users', 'list users (filter userName eq / externalId eq, startIndex, count)', async ({ deps, query, base }) => {
        const filter = query.filter === undefined ? null : stringFilterOn(parseEqualityFilter(query.filter), ['userName', 'externalId']);
        const { startIndex, count } = page(query);
        const { total, items } = await deps.store.provisioning.listUsers({
            ...(filter?.attribute === 'userName' ? { userName: filter.value } : {}),
            ...(filter?.attribute === 'externalId' ? { externalId: filter.value } : {}),
            offset: startIndex - 1,
            limit: count,
        });
        const groups = await allGroups(deps);
        const resources = [];
        for (const user of items) {
            const identity = await deps.store.identities.get(user.identityId);
            if (identity)
                resources.push(userResource({ user, identity }, groups, base));
        }
        return scimJson(200, listResponse(resources, total, startIndex));
    }),
    scimRoute('post', '/Users', 'provision a person', async ({ deps, actor, body, base }) => {
        const person = await provisionUser(deps, actor.id, userProvisioningOf(body, true), settingsOf(deps).oidc);
        return userReply(deps, person, base, 201);
    }),
    scimRoute('get', '/Users/{id}', 'one user', async ({ deps, params, base }) => userReply(deps, await requireProvisioned(deps.store, idOf(params)), base)),
    scimRoute('put', '/Users/{id}', 'replace a user (active=false suspends and revokes)', async ({ deps, actor, params, body, base }) => {
        const id = idOf(params);
        const person = await updateProvisionedUser(deps, actor.id, id, userProvisioningOf(body, undefined), settingsOf(deps).oidc);
        return userReply(deps, person, base);
    }),
    scimRoute('patch', '/Users/{id}', 'patch a user (active, displayName, emails…)', async ({ deps, actor, params, body, base }) => {
        const id = idOf(params);
        const operations = parsePatchRequest(body);
        const current = userResource(await requireProvisioned(deps.store, id), [], base);
        const patched = applyPatch(current, operations, USER_PATCH_SCHEMAS);
        const person = await updateProvisionedUser(deps, actor.id, id, userProvisioningOf(patched, undefined), settingsOf(deps).oidc);
        return userReply(deps, person, base);
    }),
    scimRoute('delete', '/Users/{id}', 'deprovision: the person is offboarded (never deleted) and their grants revoked', async ({ deps, actor, params }) => {
        await deprovisionUser(deps, actor.id, idOf(params));
        return new Response(null, { status: 204 });
    }),
];
const groupRoutes = [
    scimRoute('get', '/Groups', 'list groups (filter displayName eq / externalId eq)', async ({ deps, query, base }) => {
        const filter = query.filter === undefined ? null : stringFilterOn(parseEqualityFilter(query.filter), ['displayName', 'externalId']);
        const { startIndex, count } = page(query);
        const { total, items } = await deps.store.provisioning.listGroups({
            ...(filter?.attribute === 'displayName' ? { displayName: filter.value } : {}),
            ...(filter?.attribute === 'externalId' ? { externalId: filter.value } : {}),
            offset: startIndex - 1,
            limit: count,
        });
        const resources = [];
        for (const group of items) {
            const members = excludesMembers(query) ? null : await deps.store.provisioning.listMemberIds(group.groupName);
            resources.push(groupResource(group, members, base));
        }
        return scimJson(200, listResponse(resources, total, startIndex));
    }),
    scimRoute('post', '/Groups', 'provision a group and its members', async ({ deps, actor, body, base }) => {
        const reserved = [deps.settings.adminGroup, settingsOf(deps).provisionerGroup];
        const { group, memberIds } = await provisionGroup(deps, actor.id, groupProvisioningOf(body), { reserved });
        return groupReply(deps, group, base, { status: 201, members: memberIds });
    }),
    scimRoute('get', '/Groups/{id}', 'one group', async ({ deps, params, query, base }) => groupReply(deps, await requireGroup(deps.store, idOf(params)), base, { excludeMembers: excludesMembers(query) })),
    scimRoute('put', '/Groups/{id}', 'replace a group and its members', async ({ deps, actor, params, body, base }) => {
        const { group, memberIds } = await updateProvisionedGroup(deps, actor.id, idOf(params), groupProvisioningOf(body));
        return groupReply(deps, group, base, { members: memberIds });
    }),
    scimRoute('patch', '/Groups/{id}', 'patch a group (displayName, members add/remove)', async ({ deps, actor, params, body, base }) => {
        const id = idOf(params);
        const operations = parsePatchRequest(body);
        const group = await requireGroup(deps.store, id);
        const current = groupResource(group, await deps.store.provisioning.listMemberIds(group.groupName), base);
        const patched = applyPatch(current, operations, GROUP_PATCH_SCHEMAS);
        const updated = await updateProvisionedGroup(deps, actor.id, id, groupProvisioningOf(patched));
        return groupReply(deps, updated.group, base, { members: updated.memberIds });
    }),
    scimRoute('delete', '/Groups/{id}', 'delete a group: its members leave it', async ({ deps, actor, params }) => {
        await deleteProvisionedGroup(deps, actor.id, idOf(params));
        return new Response(null, { status: 204 });
    }),
];
const discoveryRoutes = [
    scimRoute('get', '/ServiceProviderConfig', 'what this service supports', () => Promise.resolve(scimJson(200, {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
        documentationUri: 'https://github.com/hourglass/hourglass/blob/main/docs/integrations.md',
        patch: { supported: true },
        bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
        filter: { supported: true, maxResults: MAX_PAGE },
        changePassword: { supported: false },
        sort: { supported: false },
        etag: { supported: false },
        authenticationSchemes: [
            { type: 'oauthbearertoken', name: 'Bearer token', description: 'An Hourglass API token of a member of the provisioner group', primary: true },
        ],
    }))),
    scimRoute('get', '/ResourceTypes', 'the resource types served', ({ base }) => Promise.resolve(scimJson(200, listResponse([
        { schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'], id: 'User', name: 'User', endpoint: '/Users', schema: USER_SCHEMA, schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }], meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` } },
        { schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'], id: 'Group', name: 'Group', endpoint: '/Groups', schema: GROUP_SCHEMA, meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/Group` } },
    ], 2, 1)))),
];
export const scimRoutes = [...discoveryRoutes, ...userRoutes, ...groupRoutes];
