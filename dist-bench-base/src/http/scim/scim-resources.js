import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
import { cleanText } from '../../domain/safe-text.js';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const USER_PATCH_SCHEMAS = {
    core: USER_SCHEMA,
    extensions: [ENTERPRISE_USER_SCHEMA],
    readOnly: ['id', 'meta', 'groups', 'schemas'],
};
export const GROUP_PATCH_SCHEMAS = {
    core: GROUP_SCHEMA,
    extensions: [],
    readOnly: ['id', 'meta', 'schemas'],
};
function invalidValue(message) {
    return new AppError('scim.invalid_value', message, { details: { scimType: 'invalidValue' } });
}
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}$/;
/** SCIM booleans, and the `"True"`/`"False"` strings some providers send. */
const flag = z.union([
    z.boolean(),
    z
        .string()
        .transform((s) => s.toLowerCase())
        .pipe(z.enum(['true', 'false']))
        .transform((s) => s === 'true'),
]);
const optionalText = (max) => z.string().max(max).nullable().optional();
const userSchema = z.object({
    userName: z
        .string()
        .trim()
        .min(1)
        .max(256)
        .refine((s) => !UNSAFE.test(s), 'must not contain control characters'),
    externalId: optionalText(256),
    displayName: optionalText(400),
    name: z
        .object({
        formatted: optionalText(400),
        familyName: optionalText(200),
        givenName: optionalText(200),
        middleName: optionalText(200),
        honorificPrefix: optionalText(50),
        honorificSuffix: optionalText(50),
    })
        .nullable()
        .optional(),
    emails: z
        .array(z.object({
        value: z.string().trim().max(254),
        type: optionalText(64),
        primary: flag.optional(),
        display: optionalText(254),
    }))
        .max(20)
        .nullable()
        .optional(),
    active: flag.optional(),
    title: optionalText(200),
    userType: optionalText(100),
    preferredLanguage: optionalText(50),
    locale: optionalText(50),
    timezone: optionalText(64),
    [ENTERPRISE_USER_SCHEMA]: z.record(z.string(), z.unknown()).nullable().optional(),
});
const KEPT_ATTRIBUTES = ['name', 'emails', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone', ENTERPRISE_USER_SCHEMA];
const USER_KEYS = ['userName', 'externalId', 'displayName', 'active', ...KEPT_ATTRIBUTES];
/** Attribute names are case-insensitive (RFC 7643 §2.1): map them onto the canonical spelling. */
function canonical(doc, names) {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
        throw invalidValue('The body must be a JSON object');
    }
    const out = {};
    for (const [key, value] of Object.entries(doc)) {
        const name = names.find((n) => n.toLowerCase() === key.toLowerCase());
        if (name !== undefined)
            out[name] = value;
    }
    return out;
}
function parseWith(schema, doc) {
    const result = schema.safeParse(doc);
    if (result.success)
        return result.data;
    const issues = result.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    throw invalidValue(`Invalid resource: ${issues.join('; ')}`);
}
/** A User resource (POST, PUT, or the result of a PATCH) as the provisioning use case takes it. */
export function userProvisioningOf(body, activeDefault) {
    const user = parseWith(userSchema, canonical(body, USER_KEYS));
    const emails = user.emails ?? [];
    for (const e of emails)
        if (!EMAIL.test(e.value))
            throw invalidValue('An email is not an address');
    const primary = emails.find((e) => e.primary === true) ?? emails[0];
    const given = [user.name?.givenName, user.name?.familyName].filter((s) => s).join(' ');
    const displayName = cleanText(user.displayName || user.name?.formatted || given || user.userName, 200);
    const attributes = {};
    for (const key of KEPT_ATTRIBUTES) {
        const value = user[key];
        if (value !== undefined && value !== null)
            attributes[key] = value;
    }
    const active = user.active ?? activeDefault;
    return {
        userName: user.userName,
        externalId: user.externalId ?? null,
        displayName: displayName === '' ? user.userName : displayName.normalize('NFKC'),
        email: primary?.value ?? null,
        ...(active === undefined ? {} : { active }),
        attributes,
    };
}
const groupSchema = z.object({
    displayName: z
        .string()
        .trim()
        .min(1)
        .max(256)
        .refine((s) => !UNSAFE.test(s), 'must not contain control characters'),
    externalId: optionalText(256),
    members: z
        .array(z.object({ value: z.string().min(1).max(128) }).loose())
        .max(10_000)
        .nullable()
        .optional(),
});
export function groupProvisioningOf(body) {
    const doc = canonical(body, ['displayName', 'externalId', 'members']);
    if (Array.isArray(doc.members)) {
        doc.members = doc.members.map((m) => canonical(m, ['value', 'display', 'type', '$ref']));
    }
    const group = parseWith(groupSchema, doc);
    return {
        displayName: cleanText(group.displayName, 256).normalize('NFKC'),
        externalId: group.externalId ?? null,
        memberIds: [...new Set((group.members ?? []).map((m) => m.value))],
    };
}
function meta(resourceType, location, created, lastModified, version) {
    return {
        resourceType,
        created: created.toISOString(),
        lastModified: lastModified.toISOString(),
        location,
        version: `W/"${version}"`,
    };
}
/** A User as SCIM shows it. `base` is the service's `/scim/v2` URL. */
export function userResource(person, groups, base) {
    const { user, identity } = person;
    const attributes = user.attributes;
    const emails = attributes.emails ?? (identity.email === null ? undefined : [{ value: identity.email, primary: true }]);
    const modified = Math.max(identity.updatedAt.getTime(), user.updatedAt.getTime());
    return {
        schemas: attributes[ENTERPRISE_USER_SCHEMA] === undefined ? [USER_SCHEMA] : [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
        id: identity.id,
        ...(user.externalId === null ? {} : { externalId: user.externalId }),
        userName: user.userName,
        displayName: identity.displayName,
        ...attributes,
        ...(emails === undefined ? {} : { emails }),
        active: identity.status === 'active',
        groups: groups
            .filter((g) => identity.groups.includes(g.groupName))
            .map((g) => ({ value: g.id, display: g.displayName, $ref: `${base}/Groups/${g.id}` })),
        meta: meta('User', `${base}/Users/${identity.id}`, identity.createdAt, new Date(modified), identity.version),
    };
}
export function groupResource(group, memberIds, base) {
    return {
        schemas: [GROUP_SCHEMA],
        id: group.id,
        ...(group.externalId === null ? {} : { externalId: group.externalId }),
        displayName: group.displayName,
        ...(memberIds === null
            ? {}
            : { members: memberIds.map((id) => ({ value: id, $ref: `${base}/Users/${id}`, type: 'User' })) }),
        meta: meta('Group', `${base}/Groups/${group.id}`, group.createdAt, group.updatedAt, group.version),
    };
}
export function listResponse(resources, total, startIndex) {
    return {
        schemas: [LIST_RESPONSE_SCHEMA],
        totalResults: total,
        startIndex,
        itemsPerPage: resources.length,
        Resources: resources,
    };
}
