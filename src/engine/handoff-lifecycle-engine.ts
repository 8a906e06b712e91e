import type { AppDeps } from '../app/deps.js'
import { releaseIssuanceClaims } from '../app/release-issuance-claims.js'
import type { InMemoryIssuanceHandoff } from './issuance-handoff.js'
import { LifecycleEngine, type LifecycleEngineOptions } from './lifecycle-engine.js'

/**
 * The lifecycle engine, accepting grants claimed at submission while it runs. On stop, the claims
 * whose issuance never started are released, so another node issues them at its next sweep
 * instead of after their leases run out.
 */
export class HandoffLifecycleEngine extends LifecycleEngine {
  readonly #deps: AppDeps
  readonly #handoff: InMemoryIssuanceHandoff

  constructor(deps: AppDeps, options: LifecycleEngineOptions, handoff: InMemoryIssuanceHandoff) {
    super(deps, options)
    this.#deps = deps
    this.#handoff = handoff
  }

  override async start(): Promise<void> {
    this.#handoff.open()
    await super.start()
  }

  override async stop(): Promise<void> {
    await super.stop()
    await releaseIssuanceClaims(this.#deps, this.#handoff.close())
  }
}
