import type { AppDeps, WorkSignals } from '../app/deps.js'
import { activateGrant } from '../app/activate-grant.js'
import { runDueWork } from '../app/reconcile-grants.js'
import { executeRevocations, MAX_REVOCATION_BATCH } from '../app/execute-revocations.js'
import { yieldToEventLoop } from '../app/event-loop.js'
import { releaseIssuanceClaims } from '../app/release-issuance-claims.js'
import type { InMemoryIssuanceHandoff } from './issuance-handoff.js'
import { MinHeap } from './min-heap.js'
import { NodeMembership } from './node-membership.js'
import { JobQueue, LATE_AFTER_MS, RevocationQueues } from './revocation-queues.js'

export interface LifecycleEngineOptions {
  /** Backstop: how often the database is swept for due work (missed timers, other nodes' grants). */
  sweepIntervalMs: number
  /** How far ahead expiries are loaded into the in-memory timer. */
  horizonMs: number
  /** Connector calls in flight at once. */
  concurrency: number
  /**
   * Revocation batches running at once (default 2): one can claim or commit while the other waits
   * on the database or its targets. On SQLite nothing waits, every phase is synchronous work, and
   * a second batch only adds its stretch to the same turn of the event loop.
   */
  revocationBatches?: number
  /**
   * Grants per revocation batch at most (default MAX_REVOCATION_BATCH). A grant that falls due
   * while a batch runs waits for it, so on SQLite, where a batch holds the event loop for its
   * whole length and costs the same per grant at 100 as at 500, a shorter batch is shorter lag.
   */
  revocationBatchSize?: number
  /** Runs after each sweep (e.g. audit checkpoints). */
  afterSweep?: () => Promise<void>
  /**
   * Grants claimed at submission, handed over in memory: open while the engine runs. On stop,
   * the claims whose issuance never started are released, so another node issues them at its
   * next sweep instead of after their leases run out.
   */
  handoff?: InMemoryIssuanceHandoff
  /**
   * False in the HTTP workers of `serve --workers N`: they issue the grants their own
   * submissions claimed (no claim transaction, no IPC on the hot path) but never sweep, keep no
   * expiry timers and run no afterSweep; the node's one sweeping engine runs in the primary,
   * since on SQLite two sweeping engines would only take turns at the one write lock.
   */
  sweeps?: boolean
}

/**
 * Fires revocations from an in-memory min-heap of due times with one timer, so lag is
 * milliseconds rather than a poll interval; the database stays the truth: the heap is refilled
 * from it on every sweep, and claims are compare-and-swap, so several processes never revoke
 * one grant twice and a crashed process's grants are picked up by the others. With several
 * nodes, each queues only its share of the expiries (`NodeMembership`): they no longer race for
 * every claim, and a dead node's share is taken over a few seconds after its last heartbeat.
 */
export class LifecycleEngine {
  readonly #deps: AppDeps
  readonly #o: LifecycleEngineOptions
  #heap = new MinHeap<string>()
  readonly #queued = new Set<string>()
  #jobs = new JobQueue()
  /**
   * Grants due for revocation, taken in batches (one claim and one commit for many): urgent ones
   * first, then expiries fired on time, then those loaded overdue (see RevocationQueues).
   * `#urgentIds` holds the urgent ones until their batch ends, so a sweep adds each once.
   */
  #revocations = new RevocationQueues()
  readonly #urgentIds = new Set<string>()
  #batchesRunning = 0
  #running = 0
  #drainPending = false
  #idle: Array<() => void> = []
  #timer: NodeJS.Timeout | null = null
  #timerAt = Infinity
  #sweeper: NodeJS.Timeout | null = null
  #sweeping: Promise<void> | null = null
  #stopped = true
  readonly #membership: NodeMembership
  /**
   * Grants this node activated itself: queued for their expiry whatever the share, since the
   * owner may not load them before its next sweep (a short grant could wait a sweep interval).
   */
  readonly #local = new Set<string>()
  /**
   * Every expiry of this node's share before this time is in the heap, as of the last fill that
   * read from the beginning (a full fill), or revoked, or known to the node that activated it.
   */
  #filledUntil = -Infinity
  /** When the last full fill ran (engine clock), and for which live nodes. */
  #lastFullFill = -Infinity
  #filledNodes = ''
  /** Set when something may have left a due grant out of the heap: the next fill reads it all. */
  #refillAll = true

  constructor(deps: AppDeps, options: LifecycleEngineOptions) {
    this.#deps = deps
    this.#o = options
    this.#membership = new NodeMembership(deps.store.lifecycleNodes, deps.clock, {
      workerId: deps.settings.workerId,
      leaseMs: deps.settings.leaseMs,
      // A beat that finds a node gone starts a sweep: its share is loaded without waiting for one.
      onNodeLost: () => {
        if (!this.#stopped) void this.sweep()
      },
    })
  }

  /** Signals for use cases: work committed in this process starts here without waiting for a sweep. */
  readonly signals: WorkSignals = {
    grantScheduled: (id) => {
      this.#enqueue(() => activateGrant(this.#deps, id))
    },
    grantActivated: (grant) => {
      if (this.#schedule(grant.id, grant.expiresAt.getTime())) this.#local.add(grant.id)
    },
    revocationRequested: (id) => {
      // Even when its expiry is already queued: an early revocation must not wait for it.
      this.#revokeFirst(id)
    },
    grantIrrevocable: () => undefined,
    grantRevoked: () => undefined,
    breakGlassUsed: () => undefined,
    breakGlassReviewOverdue: () => undefined,
  }

  /**
   * Whether revocations are queued or running here: bookkeeping that can wait (an audit
   * checkpoint's verification pass) waits while access is due to end.
   */
  revoking(): boolean {
    return this.#batchesRunning > 0 || this.#revocations.size > 0
  }

  /** Starts the engine; overdue grants (e.g. after downtime) are revoked by the first sweep. */
  async start(): Promise<void> {
    this.#stopped = false
    this.#o.handoff?.open()
    // An HTTP worker of `serve --workers N` is no node of its own: the primary's engine is.
    if (this.#o.sweeps === false) return
    await this.#membership.start((error) => {
      this.#deps.log.error({ err: error }, 'lifecycle heartbeat failed')
    })
    await this.sweep()
    this.#sweeper = setInterval(() => {
      void this.#sweep()
    }, this.#o.sweepIntervalMs)
    this.#sweeper.unref()
  }

  /**
   * Stops claiming work and waits only for the operations already in flight. Queued work is
   * dropped rather than drained: it is all still due in the database, where the next sweep of any
   * node (this one after a restart included) finds it.
   */
  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#sweeper) clearInterval(this.#sweeper)
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    this.#timerAt = Infinity
    this.#jobs = new JobQueue()
    this.#revocations = new RevocationQueues()
    this.#heap = new MinHeap<string>()
    this.#queued.clear()
    this.#urgentIds.clear()
    this.#local.clear()
    this.#filledUntil = -Infinity
    this.#refillAll = true
    await this.#sweeping
    if (this.#running > 0) await new Promise<void>((resolve) => this.#idle.push(resolve))
    // After the work in flight: the others take this node's share at their next sweep.
    await this.#membership.leave().catch((error: unknown) => {
      this.#deps.log.warn({ err: error }, 'could not leave the lifecycle nodes; the others wait a lease')
    })
    if (this.#o.handoff) await releaseIssuanceClaims(this.#deps, this.#o.handoff.close())
  }

  /**
   * One backstop pass, then reload upcoming expiries into the timer, all of them from the
   * database (the periodic sweeps mostly read only the expiries new to the horizon; see
   * #fillHeap). Never runs twice at once.
   */
  sweep(): Promise<void> {
    this.#refillAll = true
    return this.#sweep()
  }

  #sweep(): Promise<void> {
    this.#sweeping ??= this.#sweepOnce().finally(() => {
      this.#sweeping = null
    })
    return this.#sweeping
  }

  async #sweepOnce(): Promise<void> {
    const { deps } = { deps: this.#deps }
    try {
      await this.#queueResumable()
      // Issuance and lapsing in a small slice: with synchronous SQLite a pass is one microtask
      // chain, so a 200-grant pass stood the event loop still for seconds. Revocations are all
      // queued here already (overdue expiries by the heap fill, the rest just above).
      await runDueWork(deps, SWEEP_SLICE, { revocations: false })
      // Each sweep too, not only each beat: the split is never older than one sweep.
      await this.#membership.refresh()
      await this.#fillHeap()
      await this.#o.afterSweep?.()
    } catch (error) {
      deps.log.error({ err: error }, 'lifecycle sweep failed')
    }
  }

  /**
   * Lapsed claims (a dead node's), unclaimed early revocations and due retries go to the front,
   * even when this node has the same grants queued for their expiry: those wait behind the
   * backlog, and a dead node's claims have waited a whole lease already. Expired `active` grants
   * are not read here: the heap fill below loads every one of them, overdue included, so a sweep
   * during a mass expiry neither sorts nor re-reads the thousands already queued.
   */
  async #queueResumable(): Promise<void> {
    if (this.#stopped) return
    const due = await this.#deps.store.grants.listResumableRevocations(this.#deps.clock.now(), OVERDUE_BATCH)
    for (const g of due) this.#revokeFirst(g.id)
  }

  /**
   * Loads the expiries inside the horizon that are this node's share into the heap (overdue ones
   * too, which fire at once), a page at a time, yielding to the event loop between pages. The
   * database returns only this node's buckets (all of them when it is alone), soonest first, and
   * paging continues past the grants already queued, so a window larger than one page is still
   * covered whole.
   *
   * A full fill reads every expiry up to the horizon; in between, a periodic sweep reads only
   * those past the last fill's horizon. Re-reading the rest found nothing new in the common case
   * (a grant activated here, or by a `--workers` HTTP worker, or by another node, is queued by
   * whoever activated it), and in a revocation window of 100,000 grants it cost 150-190 ms of the
   * event loop per sweep, while a grant fell due every 0.1 ms. A full fill runs when the engine
   * starts, when `sweep()` is called, when the live nodes changed (a dead node's share), when a
   * batch failed or left grants it did not revoke (an extended grant, another node's), and at
   * least every FULL_FILL_EVERY_MS as a backstop for anything else.
   */
  async #fillHeap(): Promise<void> {
    const now = this.#deps.clock.now().getTime()
    const until = now + this.#o.horizonMs
    const nodes = this.#membership.share.nodes.join(' ')
    const full =
      this.#refillAll || nodes !== this.#filledNodes || now - this.#lastFullFill >= FULL_FILL_EVERY_MS
    if (full) this.#refillAll = false
    // (expires_at, id) > (t, '') is expires_at >= t: the expiries past the last fill's horizon.
    let after: { expiresAt: Date; id: string } | undefined = full
      ? undefined
      : { expiresAt: new Date(this.#filledUntil), id: '' }
    let complete = true
    try {
      for (let loaded = 0; !this.#stopped;) {
        if (loaded >= MAX_HEAP) {
          complete = false
          break
        }
        // The split as of this page: a beat between pages may have moved buckets.
        const share = this.#membership.share
        const page = await this.#deps.store.grants.listExpiringBefore(
          new Date(until),
          FILL_PAGE,
          after,
          share.alone ? undefined : share.buckets,
        )
        for (const g of page) this.#schedule(g.id, g.expiresAt.getTime())
        loaded += page.length
        const last = page.at(-1)
        if (page.length < FILL_PAGE || !last) break
        after = last
        await yieldToEventLoop()
      }
    } catch (error) {
      // The next sweep reads it all again.
      this.#refillAll = true
      throw error
    }
    if (this.#stopped) return
    if (!complete) {
      // A heap full of the soonest: whatever lies beyond is read again by the next sweep.
      this.#refillAll = true
      return
    }
    this.#filledUntil = Math.max(this.#filledUntil, until)
    if (full) {
      this.#lastFullFill = now
      this.#filledNodes = nodes
    }
  }

  /** Queues a grant for its expiry; false when it was queued already or is beyond the horizon. */
  #schedule(grantId: string, at: number): boolean {
    if (this.#stopped || this.#queued.has(grantId)) return false
    if (at > this.#deps.clock.now().getTime() + this.#o.horizonMs) return false
    this.#queued.add(grantId)
    this.#heap.push(at, grantId)
    if (at < this.#timerAt) this.#arm()
    return true
  }

  #arm(): void {
    if (this.#timer) clearTimeout(this.#timer)
    const next = this.#heap.peek()
    if (!next || this.#stopped) {
      this.#timer = null
      this.#timerAt = Infinity
      return
    }
    this.#timerAt = next.at
    // On the engine's clock, as due-ness is judged: a test's parked clock must not make it spin.
    const delay = Math.max(0, next.at - this.#deps.clock.now().getTime())
    this.#timer = setTimeout(
      () => {
        this.#fire()
      },
      Math.min(delay, 2 ** 31 - 1),
    )
    this.#timer.unref()
  }

  #fire(): void {
    this.#timer = null
    this.#timerAt = Infinity
    const now = this.#deps.clock.now().getTime()
    // The share as of now: a node that joined since the fill owns part of what is queued here.
    // Its grants leave `#queued`, so a sweep queues them again should that node die.
    const share = this.#membership.share
    let queued = false
    for (let top = this.#heap.peek(); top && top.at <= now; top = this.#heap.peek()) {
      this.#heap.pop()
      if (this.#stopped || !(share.owns(top.value) || this.#local.has(top.value))) {
        this.#queued.delete(top.value)
        continue
      }
      if (now - top.at >= LATE_AFTER_MS) this.#revocations.late.push(top.value)
      else this.#revocations.due.push(top.value)
      queued = true
    }
    // Once all are queued: a batch started at the first of them would hold that one alone, and
    // the next batch would take the others without regard for which were due now.
    if (queued) this.#drain()
    this.#arm()
  }

  #revokeFirst(grantId: string): void {
    if (this.#stopped || this.#urgentIds.has(grantId)) return
    this.#urgentIds.add(grantId)
    this.#revocations.urgent.push(grantId)
    this.#drain()
  }

  /**
   * Up to a batch of due grants (RevocationQueues.take), revoked together; they leave `#queued`
   * when it ends. A grant queued twice (urgent and for its expiry) is simply found done the
   * second time: the claim is compare-and-swap.
   */
  #nextRevocationBatch(): (() => Promise<unknown>) | undefined {
    if (this.#batchesRunning >= (this.#o.revocationBatches ?? REVOCATION_BATCHES_IN_FLIGHT)) return undefined
    const size = Math.min(this.#o.revocationBatchSize ?? MAX_REVOCATION_BATCH, MAX_REVOCATION_BATCH)
    const ids = this.#revocations.take(size)
    if (ids.length === 0) return undefined
    this.#batchesRunning++
    return async () => {
      try {
        const ended = await executeRevocations(this.#deps, ids)
        // A grant not revoked here (extended, another node's, revoked already) may be due later
        // than the heap thought: the next sweep reads every expiry again.
        if (ended.some((g) => g === null)) this.#refillAll = true
      } catch (error) {
        this.#refillAll = true
        throw error
      } finally {
        this.#batchesRunning--
        for (const id of ids) {
          this.#queued.delete(id)
          this.#urgentIds.delete(id)
          this.#local.delete(id)
        }
      }
    }
  }

  #enqueue(job: () => Promise<unknown>): void {
    // A stopped (or never started) engine leaves work to the database sweep of whoever runs one.
    if (this.#stopped) return
    this.#jobs.push(job)
    this.#drain()
  }

  #drain(): void {
    while (this.#running < this.#o.concurrency) {
      // Ending access goes first; batches take at most two slots, so issuance keeps the rest.
      const job = this.#nextRevocationBatch() ?? this.#jobs.shift()
      if (!job) break
      this.#running++
      job()
        .catch((error: unknown) => {
          this.#deps.log.error({ err: error }, 'lifecycle job failed')
        })
        .finally(() => {
          this.#running--
          if (this.#running === 0) for (const resolve of this.#idle.splice(0)) resolve()
          // On SQLite every await of a job resolves at once, so draining here directly would run
          // the whole backlog as one microtask chain: no timer, no HTTP request, not even
          // /readyz, would run until it ended. The next job waits for the event loop's turn.
          this.#drainSoon()
        })
    }
  }

  /**
   * At most one drain waits for the event loop. One per finished job multiplied: each of the
   * `concurrency` immediates refilled all the slots, so the next turn held `concurrency`² jobs,
   * the one after that its cube, and a revocation window ran as one check phase of many seconds.
   */
  #drainSoon(): void {
    if (this.#drainPending) return
    this.#drainPending = true
    setImmediate(() => {
      this.#drainPending = false
      this.#drain()
    })
  }
}

/** Due work done inside the sweep itself, and resumable revocations queued per sweep. */
const SWEEP_SLICE = 20
const OVERDUE_BATCH = 5_000

/** Expiries loaded per query, and at most in the heap per sweep (about 100 bytes each). */
const FILL_PAGE = 5_000
const MAX_HEAP = 500_000
/** The backstop: a fill that reads every expiry in the horizon, at least this often. */
const FULL_FILL_EVERY_MS = 30_000

/**
 * Revocation batches running at once: one can claim or commit while the other waits on its
 * targets; more would only queue on the database and lengthen each batch's lag.
 */
const REVOCATION_BATCHES_IN_FLIGHT = 2
