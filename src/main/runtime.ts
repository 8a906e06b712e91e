import { hostname } from 'node:os'
import path from 'node:path'
import { readFileSync } from 'node:fs'
import type { Hono } from 'hono'
import type { Logger, WorkSignals } from '../app/deps.js'
import { loadAuditSigningKey } from '../audit/audit-keys.js'
import { AuditCheckpointer } from '../audit/checkpointer.js'
import { evidenceSigner } from '../audit/evidence-signer.js'
import type { Config } from '../config/schema.js'
import type { JwtConnectorInstance } from '../connectors/jwt/jwt-connector.js'
import { isSshConnectorInstance } from '../connectors/ssh/index.js'
import { AppError } from '../domain/errors.js'
import type { AuditCheckpoint } from '../domain/audit-event.js'
import { systemClock, type Clock, type IdSource } from '../domain/ports.js'
import { LifecycleEngine } from '../engine/lifecycle-engine.js'
import { MAX_REVOCATION_BATCH, SQLITE_REVOCATION_BATCH } from '../app/execute-revocations.js'
import { InMemoryIssuanceHandoff } from '../engine/issuance-handoff.js'
import { buildApp } from '../http/app.js'
import { generateApiToken } from '../http/auth/api-token.js'
import { authenticateBearer } from '../http/auth/authenticate.js'
import { createOidcVerifier } from '../http/auth/oidc-verifier.js'
import type { HttpDeps } from '../http/http-deps.js'
import { createCedarPolicyEngine } from '../policy/cedar/index.js'
import { AesSealer } from '../security/aes-sealer.js'
import { timeOrderedIdSource } from '../security/time-ordered-id-source.js'
import { openStore } from '../storage/kysely/open-store.js'
import type { Store } from '../storage/store.js'
import { syncCatalog } from '../app/sync-catalog.js'
import { reconcileAll } from '../app/reconcile-all.js'
import { runGovernanceSweep } from '../app/governance-sweep.js'
import { CachingConnectorHost } from './connector-host.js'
import { databaseOptionsOf } from './database-options.js'
import { connectorStatePruning } from './connector-state-pruning.js'
import { integrationSettings } from './integrations.js'
import { PACKAGE_VERSION } from './version.js'
import { PACKAGE_ROOT } from '../config/load.js'
import { createMetrics, type Metrics } from '../observability/metrics.js'
import { announcePolicyReload } from './announce-policy-reload.js'
import { withOutboxSignal } from '../app/notify.js'
import type { NotificationDispatcher } from '../notifications/notification-dispatcher.js'
import { createNotifications } from './notifications.js'
import { faultPointsFromEnv } from './fault-injection.js'
import { countAuditAppendFailures } from './count-audit-append-failures.js'
import { countPolicyErrors } from './count-policy-errors.js'
import { scrapeMetrics } from './scrape-metrics.js'
import { createSiemStreamer } from './siem.js'
import type { SiemStreamer } from '../siem/siem-streamer.js'
import { withCommitSignal } from '../siem/commit-signal.js'

export interface Runtime {
  config: Config
  deps: HttpDeps
  app: Hono
  engine: LifecycleEngine
  checkpointer: AuditCheckpointer
  connectors: CachingConnectorHost
  /** Sends the outbox; nudged after each commit that queued messages and by every sweep. */
  notifications: NotificationDispatcher
  /** Streams the audit log to SIEM sinks; nudged after each commit and by every sweep. */
  siem: SiemStreamer
  /** This process's metrics; `serve --workers N` aggregates every process's into one scrape. */
  metrics: Metrics
  close(): Promise<void>
}

export interface RuntimeOverrides {
  clock?: Clock
  ids?: IdSource
  random?: () => number
  store?: Store
  log?: Logger
  /** Set in the HTTP workers of `serve --workers N` (src/main/cluster-worker.ts). */
  clusterWorker?: ClusterWorkerHooks
  /** Told when this process's policy bundle changed, so the node's other processes reload too. */
  onPolicyReloaded?: () => void
}

/**
 * What an HTTP worker of a multi-process node does differently: its engine only issues (the
 * primary sweeps and revokes), expiries and early revocations go to the primary's engine, and a
 * scrape reports the whole node.
 */
export interface ClusterWorkerHooks {
  relay: Pick<WorkSignals, 'grantActivated' | 'revocationRequested'>
  metricsText(): Promise<{ contentType: string; body: string }>
  /** Signs the chain head in the primary, the one process that signs checkpoints (its cache of the last one stays true). */
  checkpointNow(): Promise<AuditCheckpoint | null>
}

export function publicUrlOf(config: Config): string {
  return config.publicUrl ?? `http://${config.listen.host}:${config.listen.port}`
}

/**
 * The composition root: the only place that creates adapters and wires them into the use
 * cases, HTTP app and lifecycle engine. Tests build the same runtime with a fake clock.
 */
export async function createRuntime(config: Config, log: Logger, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const clock = overrides.clock ?? systemClock
  const ids = overrides.ids ?? timeOrderedIdSource(clock)
  const store =
    overrides.store ??
    (await openStore(databaseOptionsOf(config)))
  const metrics = createMetrics()
  const policy = await createCedarPolicyEngine({
    policyDir: config.policyDir,
    thread: config.policyThread && {
      onStopped: (reason) => {
        log.warn({ reason }, 'the policy decision thread stopped; its pending decisions denied, a new one starts')
      },
    },
  })
  const sealer = new AesSealer(config.dataKey)
  const connectors = new CachingConnectorHost({
    state: store.connectorState,
    sealer,
    clock,
    ids,
    log,
    observe: ({ kind, op, outcome, seconds }) => {
      metrics.connectorOperations.inc({ kind, op, outcome })
      metrics.connectorOperationSeconds.observe({ kind, op }, seconds)
    },
  })
  const auditKey = loadAuditSigningKey(config.auditSigningKeyFile)
  const oidc = config.oidc
    ? createOidcVerifier({ issuer: config.oidc.issuer, audience: config.oidc.audience, jwksUri: config.oidc.jwksUri, clock })
    : undefined

  const lifecycle = config.lifecycle
  const random = overrides.random ?? Math.random
  const notifications = createNotifications(config, {
    outbox: store.outbox,
    clock,
    random,
    log,
    metrics,
    publicUrl: publicUrlOf(config),
  })
  const siem = createSiemStreamer(config, {
    store,
    clock,
    random,
    log,
    metrics,
    owner: `${hostname()}:${process.pid}:${ids.newId('w').slice(-6)}`,
  })
  const outboxSignalled = withOutboxSignal(
    countAuditAppendFailures(store, () => {
      metrics.auditAppendFailures.inc()
    }),
    () => {
      notifications.dispatcher.nudge()
    },
  )
  // Signals are forwarded to the engine once it exists (it needs the deps it signals into).
  let engine: LifecycleEngine | null = null
  const issuanceHandoff = new InMemoryIssuanceHandoff()
  const clusterWorker = overrides.clusterWorker
  const relay = clusterWorker?.relay
  const deps: HttpDeps = {
    // Commits that queued notifications nudge the dispatcher, so they go out at once.
    store:
      config.siem.sinks.length > 0
        ? withCommitSignal(outboxSignalled, () => {
            siem.nudge()
          })
        : outboxSignalled,
    notifications: notifications.routing,
    faults: faultPointsFromEnv(),
    handoff: issuanceHandoff,
    policy: announcePolicyReload(
      countPolicyErrors(policy, () => {
        metrics.policyEvaluationErrors.inc()
      }),
      overrides.onPolicyReloaded,
    ),
    clock,
    ids,
    random: overrides.random ?? Math.random,
    connectors,
    sealer,
    log,
    signals: {
      grantScheduled: (id) => engine?.signals.grantScheduled(id),
      grantActivated: (g) => {
        if (relay) relay.grantActivated(g)
        else engine?.signals.grantActivated(g)
      },
      revocationRequested: (id) => {
        if (relay) relay.revocationRequested(id)
        else engine?.signals.revocationRequested(id)
      },
      grantIrrevocable: (g) => engine?.signals.grantIrrevocable(g),
      grantRevoked: (g) => {
        if (g.revocationLagMs !== null) metrics.revocationLag.observe(g.revocationLagMs / 1000)
      },
      breakGlassUsed: (r) => engine?.signals.breakGlassUsed(r),
      breakGlassReviewOverdue: (r) => engine?.signals.breakGlassReviewOverdue(r),
    },
    settings: {
      reviewTtlSeconds: lifecycle.reviewTtlSeconds,
      issue: lifecycle.issue,
      revoke: lifecycle.revoke,
      leaseMs: lifecycle.leaseMs,
      irrevocableRetryMs: lifecycle.irrevocableRetryMs,
      connectorTimeoutMs: lifecycle.connectorTimeoutMs,
      adminGroup: config.adminGroup,
      workerId: `${hostname()}:${process.pid}:${ids.newId('w').slice(-6)}`,
      governance: config.governance,
    },
    authenticate: async (header) =>
      (await authenticateBearer(header, { tokens: store.tokens, identities: store.identities, oidc, now: () => clock.now() })).identity,
    auditPublicKeyPem: auditKey.publicKeyPem,
    jwt: jwtEndpoints(store, connectors),
    sshCaPublicKey: async (targetId) => {
      const target = await store.catalog.getTarget(targetId)
      const instance = target?.kind === 'ssh' ? await connectors.instanceFor(target) : null
      if (!instance || !isSshConnectorInstance(instance)) throw new AppError('target.not_found', `No ssh target ${targetId}`)
      return instance.caPublicKey()
    },
    ready: () => Promise.resolve(),
    version: PACKAGE_VERSION,
    webUiDir: path.join(PACKAGE_ROOT, 'web', 'dist'),
    webSignIn: config.oidc?.webClientId
      ? { issuer: config.oidc.issuer, clientId: config.oidc.webClientId, scopes: config.oidc.webScopes, audience: config.oidc.audience }
      : undefined,
    metricsText: clusterWorker
      ? () => clusterWorker.metricsText()
      : async () => {
        await siem.status()
        return scrapeMetrics(metrics, { store, checkpointer, clock })
      },
    metricsToken: config.metrics.token,
    observeRequest: ({ method, route, status, seconds }) => {
      metrics.httpRequests.inc({ method, route, status: String(status) })
      metrics.httpRequestSeconds.observe({ method, route }, seconds)
    },
    newApiToken: () => generateApiToken((n) => ids.randomBytes(n)),
    integrations: integrationSettings(config, clock),
    siemSinks: () => siem.status(),
  }
  const checkpointer = new AuditCheckpointer({
    store,
    key: auditKey,
    clock,
    file: config.checkpoint.file,
    everyEvents: config.checkpoint.everyEvents,
    everySeconds: config.checkpoint.everySeconds,
    // Assigned below; the engine is built after the checkpointer its sweeps call.
    deferWhile: () => engine?.revoking() === true,
    onFailure: (reason) => {
      metrics.auditCheckpointFailures.inc()
      log.error({ reason }, 'audit checkpoint withheld: the chain since the last checkpoint does not verify')
    },
  })
  deps.evidence = clusterWorker
    ? { ...evidenceSigner(auditKey, checkpointer), checkpointNow: () => clusterWorker.checkpointNow() }
    : evidenceSigner(auditKey, checkpointer)
  // The first sweep after start reconciles too: drift that happened while we were down shows at once.
  let lastReconcile = 0
  // The node's sweeping process prunes, not its HTTP workers (their engines never sweep anyway).
  const pruneIfDue = overrides.clusterWorker
    ? null
    : connectorStatePruning(deps, metrics, lifecycle.revocationRecordRetentionSeconds)
  engine = new LifecycleEngine(deps, {
    sweepIntervalMs: lifecycle.sweepIntervalMs,
    horizonMs: lifecycle.timerHorizonMs,
    concurrency: 8,
    // SQLite: one batch at a time, so a turn of the event loop holds one batch's stretch, not two.
    revocationBatches: config.databaseUrl ? 2 : 1,
    // SQLite: a batch holds the event loop for its length and costs the same per grant at 100 as at 500.
    revocationBatchSize: config.databaseUrl ? MAX_REVOCATION_BATCH : SQLITE_REVOCATION_BATCH,
    afterSweep: async () => {
      notifications.dispatcher.nudge()
      siem.nudge()
      await runGovernanceSweep(deps)
      await pruneIfDue?.()
      await checkpointer.maybeCheckpoint()
      const now = clock.now().getTime()
      if (lifecycle.reconcileIntervalMs > 0 && now - lastReconcile >= lifecycle.reconcileIntervalMs) {
        lastReconcile = now
        await reconcileAll(deps, 'system:reconciler')
      }
    },
    handoff: issuanceHandoff,
    sweeps: overrides.clusterWorker === undefined,
  })
  await syncCatalog(deps, JSON.parse(readFileSync(config.catalogFile, 'utf8')), { PUBLIC_URL: publicUrlOf(config), DATA_DIR: config.dataDir })
  const app = buildApp(deps) as unknown as Hono
  const running = engine
  // Whatever was appended while no process streamed (downtime, a new sink) goes out now.
  siem.nudge()
  return {
    config,
    deps,
    app,
    engine: running,
    checkpointer,
    connectors,
    notifications: notifications.dispatcher,
    siem,
    metrics,
    async close() {
      await running.stop()
      await siem.stop()
      await notifications.dispatcher.stop()
      // A node's final checkpoint is its primary's (the process whose engine signs them).
      if (!overrides.clusterWorker) await checkpointer.maybeCheckpoint(true).catch(() => undefined)
      await connectors.close()
      await policy.close()
      if (!overrides.store) await store.close()
    },
  }
}

function jwtEndpoints(store: Store, connectors: CachingConnectorHost): HttpDeps['jwt'] {
  const jwtInstance = async (targetId: string): Promise<JwtConnectorInstance> => {
    const target = await store.catalog.getTarget(targetId)
    if (!target || target.kind !== 'jwt') throw new AppError('target.not_found', `No jwt target ${targetId}`)
    return (await connectors.instanceFor(target)) as JwtConnectorInstance
  }
  return {
    jwks: async (targetId) => (await jwtInstance(targetId)).jwks(),
    async introspect(token) {
      // Each jwt target checks its own signature and issuer; the first that trusts the token answers.
      for (const target of await store.catalog.listTargets()) {
        if (target.kind !== 'jwt') continue
        const answer = await (await jwtInstance(target.id)).introspect(token)
        if (answer.active) return answer as unknown as Record<string, unknown>
      }
      return { active: false }
    },
  }
}
