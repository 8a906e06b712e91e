import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

/**
 * Whether decisions use both cores when spread out: each child process runs its own
 * CedarPolicyEngine, all start together, and the figure is decisions per second summed.
 * Processes, each its own V8: threads were measured first and aborted V8 on Node 20.20 until
 * src/policy/cedar/v8-flags.ts turned off JS→Wasm call inlining (docs/benchmarks.md).
 */

export interface DecisionProcessData {
  policyDir: string
  warmupMs: number
}
export type DecisionProcessCommand = { type: 'round'; durationMs: number } | { type: 'stop' }
export type DecisionProcessReply =
  { type: 'ready' } | { type: 'done'; decisions: number; ms: number }

export interface DecisionProcesses {
  /** Decisions per second over `count` of the children, run together for `durationMs`. */
  round(count: number, durationMs: number): Promise<number>
  close(): Promise<void>
}

function nextReply(child: ChildProcess): Promise<DecisionProcessReply> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null) => {
      child.off('message', onMessage)
      reject(new Error(`a decision process ended (${signal ?? String(code)})`))
    }
    const onMessage = (message: DecisionProcessReply) => {
      child.off('exit', onExit)
      resolve(message)
    }
    child.once('message', onMessage)
    child.once('exit', onExit)
  })
}

export async function startDecisionProcesses(
  size: number,
  data: DecisionProcessData,
): Promise<DecisionProcesses> {
  const script = fileURLToPath(new URL('./decision-process.js', import.meta.url))
  const children = Array.from({ length: size }, () =>
    fork(script, [JSON.stringify(data)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  )
  // All warm up together, and the rounds start only when every child is ready.
  await Promise.all(children.map((c) => nextReply(c)))
  return {
    async round(count, durationMs) {
      const taking = children.slice(0, count)
      const replies = taking.map((c) => nextReply(c))
      for (const c of taking) c.send({ type: 'round', durationMs } satisfies DecisionProcessCommand)
      let perSecond = 0
      for (const reply of await Promise.all(replies)) {
        if (reply.type !== 'done') throw new Error('a decision process answered out of turn')
        perSecond += (reply.decisions / reply.ms) * 1000
      }
      return perSecond
    },
    async close() {
      await Promise.all(
        children.map(async (c) => {
          if (c.exitCode !== null || c.signalCode !== null) return
          const exited = once(c, 'exit')
          c.send({ type: 'stop' } satisfies DecisionProcessCommand)
          await exited
        }),
      )
    },
  }
}
