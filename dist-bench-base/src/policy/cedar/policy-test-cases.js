import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { RISK_TIERS } from '../../domain/catalog.js';
import { parseDuration } from '../../domain/duration.js';
import { AppError } from '../../domain/errors.js';
import { IDENTITY_KINDS, IDENTITY_STATUSES } from '../../domain/identity.js';
import { POLICY_ACTIONS } from '../policy-engine.js';
/** 2026-01-01T00:00:00Z: tests must not depend on the day they run. */
export const DEFAULT_TEST_NOW = 1_767_225_600;
const identityFields = {
    kind: z.enum(IDENTITY_KINDS).default('human'),
    status: z.enum(IDENTITY_STATUSES).default('active'),
    groups: z.array(z.string().min(1)).default([]),
    owner: z.string().min(1).nullable().default(null),
};
const entitlementFields = {
    risk: z.enum(RISK_TIERS),
    owners: z.array(z.string().min(1)).default([]),
    targetKind: z.string().min(1).default('manual'),
};
const identityRef = z.union([
    z.string().min(1),
    z.strictObject({ id: z.string().min(1), ...identityFields }),
]);
const entitlementRef = z.union([
    z.string().min(1),
    z.strictObject({ id: z.string().min(1), ...entitlementFields }),
]);
const seconds = z.int().positive();
const caseSchema = z.strictObject({
    name: z.string().min(1),
    principal: identityRef,
    action: z.enum(POLICY_ACTIONS),
    entitlement: entitlementRef,
    /** Defaults to the request's requester, else the principal. */
    subject: identityRef.optional(),
    request: z
        .strictObject({
        id: z.string().min(1).default('req_test'),
        /** Defaults to the principal. */
        requester: identityRef.optional(),
        durationSeconds: seconds.optional(),
        ticketRef: z.string().min(1).nullable().default(null),
    })
        .optional(),
    context: z
        .strictObject({
        durationSeconds: seconds.optional(),
        hasTicket: z.boolean().optional(),
        now: z.int().optional(),
        /** Active exception ids and scope tokens, e.g. ["identity+entitlement"]. */
        exceptions: z.array(z.string().min(1)).optional(),
    })
        .default({}),
    expect: z.enum(['allow', 'deny']),
    errored: z.boolean().default(false),
    obligations: z
        .strictObject({
        approvals: z.int().nonnegative().optional(),
        ownerApproval: z.boolean().optional(),
        approverGroups: z.array(z.string()).optional(),
        /** Seconds, null for "no cap", or a duration such as "PT1H". */
        maxDuration: z.union([z.null(), seconds, z.string()]).optional(),
        ticketRequired: z.boolean().optional(),
    })
        .optional(),
    determiningPolicies: z.array(z.string()).optional(),
});
const fileSchema = z.strictObject({
    description: z.string().optional(),
    fixtures: z
        .strictObject({
        identities: z.record(z.string(), z.strictObject(identityFields)).default({}),
        entitlements: z.record(z.string(), z.strictObject(entitlementFields)).default({}),
    })
        .default({ identities: {}, entitlements: {} }),
    cases: z.array(caseSchema).min(1),
});
/** Reads one JSON file of cases; `source` in each case is the file's base name. */
export async function loadPolicyTestFile(path, source = baseName(path)) {
    let json;
    try {
        json = JSON.parse(await readFile(path, 'utf8'));
    }
    catch (error) {
        throw new AppError('input.invalid', `${source}: not a readable JSON file`, { cause: error });
    }
    return parsePolicyTests(json, source);
}
/** Reads every `*.json` file in a directory, in name order. */
export async function loadPolicyTestDir(dir) {
    const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
    const all = await Promise.all(names.map((n) => loadPolicyTestFile(join(dir, n), n)));
    return all.flat();
}
/** Validates a cases document and resolves every fixture reference into a DecisionInput. */
export function parsePolicyTests(json, source) {
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) {
        throw new AppError('input.invalid', `${source}: invalid policy test file:\n${z.prettifyError(parsed.error)}`);
    }
    const { fixtures, cases } = parsed.data;
    return cases.map((spec, index) => {
        try {
            return resolveCase(spec, fixtures, source);
        }
        catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            throw new AppError('input.invalid', `${source}: case ${index + 1} "${spec.name}": ${message}`);
        }
    });
}
function resolveCase(spec, fixtures, source) {
    const principal = identity(spec.principal, fixtures);
    const requester = spec.request?.requester === undefined ? principal : identity(spec.request.requester, fixtures);
    const subject = spec.subject === undefined ? requester : identity(spec.subject, fixtures);
    const { entitlement, targetKind } = entitlementOf(spec.entitlement, fixtures);
    const durationSeconds = spec.context.durationSeconds ?? spec.request?.durationSeconds ?? 3600;
    const input = {
        action: spec.action,
        principal,
        entitlement,
        target: { id: entitlement.targetId, kind: targetKind },
        subject,
        context: {
            durationSeconds,
            hasTicket: spec.context.hasTicket ?? (spec.request?.ticketRef ?? null) !== null,
            now: spec.context.now ?? DEFAULT_TEST_NOW,
            ...(spec.context.exceptions !== undefined ? { exceptions: spec.context.exceptions } : {}),
        },
    };
    if (spec.request !== undefined) {
        input.request = {
            id: spec.request.id,
            requesterId: requester.id,
            subjectId: subject.id,
            durationSeconds: spec.request.durationSeconds ?? durationSeconds,
            ticketRef: spec.request.ticketRef,
            revocationCondition: 'expiry',
        };
    }
    const expect = { decision: spec.expect, errored: spec.errored };
    if (spec.obligations !== undefined)
        expect.obligations = obligationsOf(spec.obligations);
    if (spec.determiningPolicies !== undefined)
        expect.determiningPolicies = spec.determiningPolicies;
    return { name: spec.name, source, input, expect };
}
const EPOCH = new Date(DEFAULT_TEST_NOW * 1000);
function identity(ref, fixtures) {
    const spec = typeof ref === 'string' ? lookup(fixtures.identities, ref, 'identity') : ref;
    const id = typeof ref === 'string' ? ref : ref.id;
    return {
        id,
        kind: spec.kind,
        displayName: id,
        email: null,
        status: spec.status,
        groups: spec.groups,
        ownerId: spec.owner,
        purpose: spec.kind === 'human' ? null : 'policy test',
        oidcIssuer: null,
        oidcSubject: null,
        createdAt: EPOCH,
        updatedAt: EPOCH,
        version: 1,
    };
}
function entitlementOf(ref, fixtures) {
    const spec = typeof ref === 'string' ? lookup(fixtures.entitlements, ref, 'entitlement') : ref;
    const id = typeof ref === 'string' ? ref : ref.id;
    const entitlement = {
        id,
        name: id,
        description: '',
        targetId: `target-${id}`,
        riskTier: spec.risk,
        owners: spec.owners,
        defaultDurationSeconds: 3600,
        maxDurationSeconds: 86400,
        params: {},
        subjectKinds: [...IDENTITY_KINDS],
        createdAt: EPOCH,
        updatedAt: EPOCH,
    };
    return { entitlement, targetKind: spec.targetKind };
}
function lookup(table, id, what) {
    if (!Object.hasOwn(table, id))
        throw new Error(`unknown ${what} fixture "${id}"`);
    return table[id];
}
function obligationsOf(spec) {
    const out = {};
    if (spec.approvals !== undefined)
        out.approvals = spec.approvals;
    if (spec.ownerApproval !== undefined)
        out.ownerApproval = spec.ownerApproval;
    if (spec.approverGroups !== undefined)
        out.approverGroups = [...spec.approverGroups].sort();
    if (spec.ticketRequired !== undefined)
        out.ticketRequired = spec.ticketRequired;
    if (spec.maxDuration !== undefined) {
        out.maxDurationSeconds = spec.maxDuration === null ? null : parseDuration(spec.maxDuration);
    }
    return out;
}
function baseName(path) {
    return path.split(/[\\/]/).at(-1) ?? path;
}
