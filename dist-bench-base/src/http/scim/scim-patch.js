import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
import { parseEqualityFilter } from './scim-filter.js';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const MAX_OPERATIONS = 1000;
function invalid(scimType, message) {
    return new AppError(scimType === 'mutability' ? 'scim.mutability' : 'scim.invalid_patch', message, {
        details: { scimType },
    });
}
const operationSchema = z.object({
    // Azure AD sends `Replace`, `Add`, `Remove`.
    op: z.string().transform((s) => s.toLowerCase()).pipe(z.enum(['add', 'replace', 'remove'])),
    path: z.string().min(1).max(512).optional(),
    value: z.unknown().optional(),
});
/** Reads a PatchOp message (RFC 7644 §3.5.2). */
export function parsePatchRequest(body) {
    const doc = (body ?? {});
    const schemas = doc.schemas;
    if (!Array.isArray(schemas) || !schemas.includes(PATCH_OP_SCHEMA)) {
        throw invalid('invalidSyntax', `A PATCH body must name the schema ${PATCH_OP_SCHEMA}`);
    }
    const raw = doc[keyOf(doc, 'Operations')];
    if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_OPERATIONS) {
        throw invalid('invalidSyntax', `A PATCH body needs 1 to ${MAX_OPERATIONS} Operations`);
    }
    return raw.map((op) => {
        const parsed = operationSchema.safeParse(op);
        if (!parsed.success)
            throw invalid('invalidSyntax', 'Each operation needs op add, replace or remove');
        return parsed.data;
    });
}
const ATTR_PATH = /^([A-Za-z][\w$-]*)(?:\[(.+)\])?(?:\.([A-Za-z][\w$-]*))?$/s;
function parsePath(path, schemas) {
    let rest = path.trim();
    const container = [];
    if (rest.toLowerCase().startsWith('urn:')) {
        const urn = [schemas.core, ...schemas.extensions]
            .sort((a, b) => b.length - a.length)
            .find((u) => rest.toLowerCase().startsWith(`${u.toLowerCase()}:`));
        if (urn === undefined)
            throw invalid('invalidPath', `Unknown schema in path ${JSON.stringify(path)}`);
        if (urn !== schemas.core)
            container.push(urn);
        rest = rest.slice(urn.length + 1);
    }
    const match = ATTR_PATH.exec(rest);
    if (match?.[1] === undefined)
        throw invalid('invalidPath', `Unsupported path ${JSON.stringify(path)}`);
    let filter = null;
    if (match[2] !== undefined) {
        try {
            filter = parseEqualityFilter(match[2]);
        }
        catch {
            throw invalid('invalidPath', `Unsupported filter in path ${JSON.stringify(path)}`);
        }
    }
    return { container, attribute: match[1], filter, subAttribute: match[3] ?? null };
}
/** Attribute names are case-insensitive: an existing key wins over the spelling in the request. */
function keyOf(doc, name) {
    const lower = name.toLowerCase();
    return Object.keys(doc).find((k) => k.toLowerCase() === lower) ?? name;
}
function isObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
}
function matches(element, filter) {
    if (!isObject(element))
        return false;
    const actual = element[keyOf(element, filter.attribute)];
    if (typeof actual === 'string' && typeof filter.value === 'string') {
        return actual.toLowerCase() === filter.value.toLowerCase();
    }
    return actual === filter.value;
}
/** Multi-valued elements are the same when their `value` is (members, emails), else when equal. */
function sameElement(a, b) {
    if (isObject(a) && isObject(b)) {
        const va = a[keyOf(a, 'value')];
        const vb = b[keyOf(b, 'value')];
        if (va !== undefined || vb !== undefined)
            return va === vb;
    }
    return JSON.stringify(a) === JSON.stringify(b);
}
function containerOf(doc, path, create) {
    let node = doc;
    for (const name of path) {
        const key = keyOf(node, name);
        const next = node[key];
        if (isObject(next)) {
            node = next;
            continue;
        }
        if (!create)
            return null;
        const made = {};
        node[key] = made;
        node = made;
    }
    return node;
}
/**
 * Applies the operations, in order, to a copy of the resource as SCIM shows it. The result is
 * then validated as a full replacement, so a patch can express nothing a PUT could not.
 */
export function applyPatch(resource, operations, schemas) {
    const doc = structuredClone(resource);
    for (const operation of operations) {
        if (operation.path === undefined) {
            if (operation.op === 'remove')
                throw invalid('noTarget', 'A remove operation needs a path');
            if (!isObject(operation.value))
                throw invalid('invalidValue', 'Without a path, the value must be an object');
            for (const [name, value] of Object.entries(operation.value)) {
                // Azure AD puts extension paths in the keys: `{"urn:…:enterprise:2.0:User:department": "x"}`.
                if (name.toLowerCase().startsWith('urn:') && !schemas.extensions.some((u) => u.toLowerCase() === name.toLowerCase())) {
                    applyOne(doc, { op: operation.op, path: name, value }, schemas);
                }
                else if (isObject(value) && schemas.extensions.some((u) => u.toLowerCase() === name.toLowerCase())) {
                    for (const [inner, innerValue] of Object.entries(value)) {
                        applyOne(doc, { op: operation.op, path: `${name}:${inner}`, value: innerValue }, schemas);
                    }
                }
                else {
                    applyOne(doc, { op: operation.op, path: name, value }, schemas);
                }
            }
            continue;
        }
        applyOne(doc, { ...operation, path: operation.path }, schemas);
    }
    return doc;
}
function applyOne(doc, operation, schemas) {
    const path = parsePath(operation.path, schemas);
    if (path.container.length === 0 && schemas.readOnly.some((a) => a.toLowerCase() === path.attribute.toLowerCase())) {
        throw invalid('mutability', `${path.attribute} cannot be changed`);
    }
    const container = containerOf(doc, path.container, operation.op !== 'remove');
    if (container === null)
        return;
    const key = keyOf(container, path.attribute);
    if (path.filter !== null) {
        filtered(container, key, path.filter, path.subAttribute, operation);
        return;
    }
    if (path.subAttribute !== null) {
        const parent = containerOf(container, [key], operation.op !== 'remove');
        if (parent === null)
            return;
        const sub = keyOf(parent, path.subAttribute);
        if (operation.op === 'remove')
            Reflect.deleteProperty(parent, sub);
        else
            parent[sub] = operation.value;
        return;
    }
    const current = container[key];
    switch (operation.op) {
        case 'add': {
            if (Array.isArray(current) || Array.isArray(operation.value)) {
                const items = Array.isArray(operation.value) ? operation.value : [operation.value];
                const merged = Array.isArray(current) ? [...current] : [];
                for (const item of items)
                    if (!merged.some((m) => sameElement(m, item)))
                        merged.push(item);
                container[key] = merged;
            }
            else if (isObject(current) && isObject(operation.value)) {
                container[key] = { ...current, ...operation.value };
            }
            else {
                container[key] = operation.value;
            }
            return;
        }
        case 'replace':
            container[key] = operation.value;
            return;
        case 'remove':
            if (Array.isArray(current) && operation.value !== undefined) {
                // Azure AD removes members with `{"op":"Remove","path":"members","value":[{"value":"id"}]}`.
                const gone = Array.isArray(operation.value) ? operation.value : [operation.value];
                container[key] = current.filter((m) => !gone.some((g) => sameElement(m, g)));
            }
            else {
                Reflect.deleteProperty(container, key);
            }
            return;
    }
}
function filtered(container, key, filter, subAttribute, operation) {
    const current = container[key];
    const list = Array.isArray(current) ? current : [];
    const hits = list.filter((e) => matches(e, filter));
    if (hits.length === 0) {
        // RFC 7644 §3.5.2.3: a replace that selects nothing is an error; a remove of nothing is done.
        if (operation.op === 'remove')
            return;
        throw invalid('noTarget', `No value of ${key} matches the filter`);
    }
    if (operation.op === 'remove') {
        if (subAttribute === null) {
            container[key] = list.filter((e) => !hits.includes(e));
        }
        else {
            for (const hit of hits)
                Reflect.deleteProperty(hit, keyOf(hit, subAttribute));
        }
        return;
    }
    if (subAttribute !== null) {
        for (const hit of hits)
            hit[keyOf(hit, subAttribute)] = operation.value;
        return;
    }
    if (!isObject(operation.value))
        throw invalid('invalidValue', `A value for ${key} must be an object`);
    const value = operation.value;
    container[key] = list.map((e) => (hits.includes(e) ? { ...e, ...value } : e));
}
