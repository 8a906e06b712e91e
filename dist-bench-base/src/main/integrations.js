import { createWorkloadTokenVerifier } from '../http/auth/workload-token-verifier.js';
/** SCIM, ticket webhook and workload exchange settings, from the one configuration object. */
export function integrationSettings(config, clock) {
    const sources = {};
    const { generic, servicenow, jira, github } = config.tickets;
    if (generic)
        sources.generic = { secret: generic.secret };
    if (servicenow)
        sources.servicenow = { secret: servicenow.secret };
    if (jira) {
        sources.jira = { secret: jira.secret, entitlementField: jira.entitlementField, durationField: jira.durationField };
    }
    if (github)
        sources.github = { secret: github.secret, users: github.users };
    const { oidcSubjectFrom } = config.scim;
    const workload = config.workloadIdentity;
    return {
        scim: {
            provisionerGroup: config.scim.provisionerGroup,
            oidc: oidcSubjectFrom === undefined || config.oidc === undefined
                ? undefined
                : { issuer: config.oidc.issuer, subjectFrom: oidcSubjectFrom },
        },
        tickets: { toleranceSeconds: config.tickets.toleranceSeconds, sources },
        workloads: workload.issuers.length === 0
            ? undefined
            : createWorkloadTokenVerifier({
                issuers: workload.issuers.map((i) => ({
                    issuer: i.issuer,
                    audience: i.audience,
                    jwksUri: i.jwksUri,
                    requiredClaims: i.requiredClaims,
                    claimMapping: i.claimMapping,
                })),
                maxTokenLifetimeSeconds: workload.maxTokenLifetimeSeconds,
                clock,
            }),
    };
}
