import { once } from 'node:events'
import { Worker } from 'node:worker_threads'

/**
 * Whether decisions use both cores when spread over worker threads: each thread runs its own
 * CedarPolicyEngine, all start together, and the figure is decisions per second summed.
 */

export interface DecisionThreadData {
  policyDir: string
  warmupMs: number
}
export type DecisionThreadCommand = { type: 'round'; durationMs: number } | { type: 'stop' }
export type DecisionThreadReply =
  { type: 'ready' } | { type: 'done'; decisions: number; ms: number }

export interface DecisionThreads {
  /** Decisions per second over `threads` of the pool, run together for `durationMs`. */
  round(threads: number, durationMs: number): Promise<number>
  close(): Promise<void>
}

function nextReply(worker: Worker): Promise<DecisionThreadReply> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      worker.off('message', onMessage)
      reject(error)
    }
    const onMessage = (message: DecisionThreadReply) => {
      worker.off('error', onError)
      resolve(message)
    }
    worker.once('message', onMessage)
    worker.once('error', onError)
  })
}

export async function startDecisionThreads(
  size: number,
  data: DecisionThreadData,
): Promise<DecisionThreads> {
  const workers = Array.from(
    { length: size },
    () => new Worker(new URL('./decision-worker.js', import.meta.url), { workerData: data }),
  )
  // Warm-ups run one after another would leave the first thread cold by the time the last is
  // ready; all warm together, and the rounds start only when every thread is ready.
  await Promise.all(workers.map((w) => nextReply(w)))
  return {
    async round(threads, durationMs) {
      const taking = workers.slice(0, threads)
      const replies = taking.map((w) => nextReply(w))
      for (const w of taking)
        w.postMessage({ type: 'round', durationMs } satisfies DecisionThreadCommand)
      let perSecond = 0
      for (const reply of await Promise.all(replies)) {
        if (reply.type !== 'done') throw new Error('a decision thread answered out of turn')
        perSecond += (reply.decisions / reply.ms) * 1000
      }
      return perSecond
    },
    async close() {
      await Promise.all(
        workers.map(async (w) => {
          const exited = once(w, 'exit')
          w.postMessage({ type: 'stop' } satisfies DecisionThreadCommand)
          await exited
        }),
      )
    },
  }
}
