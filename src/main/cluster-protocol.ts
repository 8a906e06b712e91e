import type { Registry } from 'prom-client'
import type { AuditCheckpoint } from '../domain/audit-event.js'

/** One process's metrics, as `registry.getMetricsAsJSON()` gives them (what the primary aggregates). */
export type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>

/**
 * Messages between the primary of `serve --workers N` and its HTTP workers, over the cluster's
 * IPC channel. `hg` tags them apart from node:cluster's own messages.
 */
export type WorkerMessage =
  /** A worker issued a grant: the primary's engine times its expiry. */
  | { hg: 'activated'; grantId: string; expiresAt: number }
  /** Someone asked a worker to revoke a grant early: the primary's engine revokes it. */
  | { hg: 'revoke'; grantId: string }
  /** A worker's policy bundle changed (POST /v1/policy/reload): the rest of the node reloads. */
  | { hg: 'policy-changed' }
  /** A worker took a scrape of /metrics: it wants the whole node's exposition. */
  | { hg: 'scrape'; id: number }
  /** An evidence bundle in a worker needs the chain head signed now: the primary signs checkpoints. */
  | { hg: 'checkpoint'; id: number }
  /** A worker's answer to `collect`. */
  | { hg: 'collected'; id: number; json: MetricsJson }

export type PrimaryMessage =
  | { hg: 'policy-reload' }
  | { hg: 'collect'; id: number }
  | { hg: 'scraped'; id: number; contentType: string; body: string }
  | { hg: 'scrape-failed'; id: number; message: string }
  /** The checkpoint signed for `checkpoint` (its `at` as epoch ms), or null when nothing was new. */
  | { hg: 'checkpointed'; id: number; checkpoint: (Omit<AuditCheckpoint, 'at'> & { at: number }) | null }
  | { hg: 'checkpoint-failed'; id: number; message: string }

/** Ours, not node:cluster's; the sender is our own process, so the tag is all that is checked. */
export function isTagged(message: unknown): message is { hg: string } {
  return typeof message === 'object' && message !== null && typeof (message as { hg?: unknown }).hg === 'string'
}
