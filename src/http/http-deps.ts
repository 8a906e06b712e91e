import type { AppDeps } from '../app/deps.js'
import type { EvidenceSigner } from '../app/evidence-bundle.js'
import type { Secret } from '../config/secret.js'
import type { Identity } from '../domain/identity.js'
import type { IntegrationSettings } from './integrations.js'
import type { HttpRequestObserver } from './http-metrics.js'
import type { SiemSinkStatus } from '../siem/siem-streamer.js'

/** What the HTTP layer needs beyond the use cases' dependencies. main/ wires it. */
export interface HttpDeps extends AppDeps {
  /** Resolves an Authorization header to an active identity or throws an auth AppError. */
  authenticate(authorization: string | undefined): Promise<Identity>
  /** Public key (SPKI PEM) that verifies audit checkpoints, for offline verification. */
  auditPublicKeyPem: string
  /** The jwt connector's public endpoints, per target. */
  jwt: {
    jwks(targetId: string): Promise<{ keys: object[] }>
    introspect(token: string): Promise<Record<string, unknown>>
  }
  /** An ssh target's CA public key, for sshd's TrustedUserCAKeys. */
  sshCaPublicKey(targetId: string): Promise<string>
  /** Extra readiness checks beyond the database (e.g. policy bundle loaded). */
  ready(): Promise<void>
  version: string
  /** Built web UI to serve at `/` (web/dist); absent in API-only setups and most tests. */
  webUiDir?: string | undefined
  /** The web UI's OIDC sign-in (a public client at the issuer); absent when not configured. */
  webSignIn?: WebSignIn | undefined
  /** Prometheus exposition of the current metrics. */
  metricsText(): Promise<{ contentType: string; body: string }>
  /** When set, `/metrics` asks for `Authorization: Bearer <token>` (config `metrics.token`). */
  metricsToken?: Secret | undefined
  /** Told of every answered HTTP request (method, route template, status, duration). */
  observeRequest?: HttpRequestObserver | undefined
  /** Makes a fresh API token and its hash (the token is shown once, only the hash is kept). */
  newApiToken(): { token: Secret; tokenHash: string }
  /** SCIM, inbound ticket webhooks and workload token exchange; defaults apply when absent. */
  integrations?: IntegrationSettings | undefined
  /** Where each configured SIEM sink stands (docs/siem.md); none when absent. */
  siemSinks?: (() => Promise<SiemSinkStatus[]>) | undefined
  /** Signs evidence bundles' inclusion statements and forces a checkpoint (docs/evidence.md). */
  evidence?: EvidenceSigner | undefined
}

export interface WebSignIn {
  issuer: string
  clientId: string
  scopes: string
  /** The resource (audience) the access token must be for, so the API's verifier accepts it. */
  audience: string
}
