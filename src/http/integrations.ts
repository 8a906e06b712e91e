import type { OidcLink } from '../app/provision-user.js'
import type { Secret } from '../config/secret.js'
import type { TicketSource } from '../domain/ticket.js'
import type { WorkloadTokenVerifier } from './auth/workload-token-verifier.js'

/** One ticket system's delivery settings (see docs/integrations.md for each signature scheme). */
export interface TicketSourceSettings {
  /** HMAC key shared with the ticket system. */
  secret: Secret
  /** Jira: the issue field naming the catalog entitlement (e.g. `customfield_10100`). */
  entitlementField?: string | undefined
  /** Jira: the issue field holding the requested duration. */
  durationField?: string | undefined
  /** GitHub: login → identity id; GitHub logins are mapped explicitly, never by name. */
  users?: Readonly<Record<string, string>> | undefined
}

/** What the SCIM, ticket and workload exchange endpoints need; main/ builds it from config. */
export interface IntegrationSettings {
  scim: {
    /** Only API tokens of members of this group may provision. */
    provisionerGroup: string
    /** Links provisioned people to their OIDC accounts, when set. */
    oidc?: OidcLink | undefined
  }
  tickets: {
    /** How far a delivery's timestamp may be from now, either way (≤ 300). */
    toleranceSeconds: number
    sources: Partial<Record<TicketSource, TicketSourceSettings>>
  }
  /** Absent when no workload issuer is trusted: every exchange is then refused. */
  workloads?: WorkloadTokenVerifier | undefined
}

export const DEFAULT_INTEGRATIONS: IntegrationSettings = {
  scim: { provisionerGroup: 'scim-provisioners' },
  tickets: { toleranceSeconds: 300, sources: {} },
}
