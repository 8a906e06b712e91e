import { Worker } from 'node:worker_threads'
import type { LoadCommand, LoadRoundResult, LoadWorkerData } from './load-protocol.js'
import { nowMs } from './stats.js'

/** Drives the load worker from the server's thread: one round at a time. */
export class LoadDriver {
  readonly #worker: Worker
  #pending: { resolve(result: LoadRoundResult): void; reject(error: Error): void } | null = null
  #failure: Error | null = null

  constructor(data: LoadWorkerData) {
    this.#worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: data })
    this.#worker.on('message', (result: LoadRoundResult) => {
      const pending = this.#pending
      this.#pending = null
      pending?.resolve(result)
    })
    this.#worker.on('error', (error) => {
      this.#failure = error
      this.#pending?.reject(error)
      this.#pending = null
    })
  }

  /**
   * Call from the server side the moment a grant's activation committed; or, for a server in
   * another process, with `at`, when its activation was recorded (epoch ms).
   */
  activated(grantId: string, at = nowMs()): void {
    this.#send({ type: 'active', grantId, at })
  }

  closed(concurrency: number, durationMs: number, untilActive = true): Promise<LoadRoundResult> {
    return this.#round({ type: 'closed', concurrency, durationMs, untilActive })
  }

  open(rate: number, durationMs: number, untilActive = true): Promise<LoadRoundResult> {
    return this.#round({ type: 'open', rate, durationMs, untilActive })
  }

  async stop(): Promise<void> {
    this.#send({ type: 'stop' })
    await this.#worker.terminate()
  }

  #round(command: LoadCommand): Promise<LoadRoundResult> {
    if (this.#failure) return Promise.reject(this.#failure)
    if (this.#pending) return Promise.reject(new Error('a load round is already running'))
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject }
      this.#send(command)
    })
  }

  #send(command: LoadCommand): void {
    this.#worker.postMessage(command)
  }
}
