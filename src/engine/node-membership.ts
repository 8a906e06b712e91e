import type { Clock } from '../domain/ports.js'
import { RevocationShare } from '../domain/revocation-share.js'
import type { LifecycleNodeRepository } from '../storage/store.js'

export interface NodeMembershipOptions {
  workerId: string
  /** The claim timeout: a node silent for longer is dead, as its claims are lapsed. */
  leaseMs: number
}

/**
 * This node's heartbeat in `lifecycle_nodes`, and the live set it reads back: the nodes whose
 * heartbeat is younger than the lease. Revocations are split between them by `RevocationShare`;
 * a node that stops beating drops out of everyone's view one lease after its last beat, when its
 * claims have lapsed too, so its share and its claims are taken over together.
 *
 * Views may disagree for a moment (a node just started or just died): then two nodes queue the
 * same grant, and the claim's compare-and-swap lets one of them revoke it. No view ever leaves a
 * grant to nobody for longer than a lease, because every node counts itself live.
 */
export class NodeMembership {
  readonly #nodes: LifecycleNodeRepository
  readonly #clock: Clock
  readonly #o: NodeMembershipOptions
  #share: RevocationShare
  #timer: NodeJS.Timeout | null = null
  #beating: Promise<void> | null = null

  constructor(nodes: LifecycleNodeRepository, clock: Clock, options: NodeMembershipOptions) {
    this.#nodes = nodes
    this.#clock = clock
    this.#o = options
    this.#share = new RevocationShare(options.workerId, [])
  }

  /** The split as of the last heartbeat or refresh (this node alone before the first). */
  get share(): RevocationShare {
    return this.#share
  }

  /** Four beats per lease: a node missing one or two (a long GC, a slow pool) is still live. */
  get beatIntervalMs(): number {
    return Math.max(25, Math.floor(this.#o.leaseMs / 4))
  }

  /** Forgets long-dead nodes, beats now and then every `beatIntervalMs`; `onError` hears of a failed beat. */
  async start(onError: (error: unknown) => void): Promise<void> {
    const now = this.#clock.now().getTime()
    await this.#nodes.forgetSilentSince(new Date(now - FORGET_AFTER_LEASES * this.#o.leaseMs))
    await this.beat()
    this.#timer = setInterval(() => {
      this.beat().catch(onError)
    }, this.beatIntervalMs)
    this.#timer.unref()
  }

  /** Stops beating and removes this node's row, so the others take its share at their next refresh. */
  async leave(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
    await this.#beating?.catch(() => undefined)
    await this.#nodes.leave(this.#o.workerId)
    this.#share = new RevocationShare(this.#o.workerId, [])
  }

  /** Records this node as alive and reads the live set. One at a time. */
  beat(): Promise<void> {
    this.#beating ??= this.#beatOnce().finally(() => {
      this.#beating = null
    })
    return this.#beating
  }

  /** Reads the live set again without beating (each sweep, so the split follows deaths promptly). */
  async refresh(): Promise<RevocationShare> {
    const now = this.#clock.now().getTime()
    this.#share = new RevocationShare(
      this.#o.workerId,
      await this.#nodes.listLive(new Date(now - this.#o.leaseMs)),
    )
    return this.#share
  }

  async #beatOnce(): Promise<void> {
    await this.#nodes.beat(this.#o.workerId, this.#clock.now())
    await this.refresh()
  }
}

/** Rows of nodes silent this many leases are deleted at a node's start: long dead, they would only grow the table. */
const FORGET_AFTER_LEASES = 100
