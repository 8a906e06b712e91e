import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type { AuthorizationAnswer, StatefulAuthorizationCall } from '@cedar-policy/cedar-wasm/nodejs'
import { failureAnswer, type CedarAuthorizer, type Installation } from './authorizer.js'

export interface ThreadAuthorizerOptions {
  /** A decision not answered by then denies, and the thread is replaced (it may be stuck). */
  decisionTimeoutMs?: number
  /** Told when the thread stopped under us (crashed, or replaced after a timeout). */
  onStopped?: (reason: string) => void
  /** Told of each thread as it starts (tests stop one to see the engine recover). */
  onStarted?: (thread: Worker) => void
}

const DEFAULT_DECISION_TIMEOUT_MS = 10_000

/**
 * Plain JavaScript evaluated in the worker, so it runs the same from the TypeScript sources
 * (tests) and from the build. Cedar's calls only: building the request and reading the answer
 * stay on the caller's thread. The V8 flag is process-wide already (v8-flags.ts); set again so
 * the thread never depends on import order.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
require('node:v8').setFlagsFromString('--no-turbo-inline-js-wasm-calls')
const cedar = require(workerData.cedar)
const messageOf = (error) => (error instanceof Error ? error.message : String(error))
const failure = (message) => ({
  type: 'failure',
  errors: [{ message, help: null, code: null, url: null, severity: null }],
  warnings: [],
})
parentPort.on('message', (m) => {
  if (m.type === 'authorize') {
    let answer
    try {
      answer = cedar.statefulIsAuthorized(m.call)
    } catch (error) {
      answer = failure(messageOf(error))
    }
    parentPort.postMessage({ id: m.id, answer })
  } else if (m.type === 'install') {
    let errors
    try {
      const parsed = [
        cedar.preparseSchema(m.schemaName, m.schema),
        cedar.preparsePolicySet(m.policySetId, { staticPolicies: m.staticPolicies }),
      ]
      errors = parsed.flatMap((a) => (a.type === 'failure' ? a.errors.map((e) => e.message) : []))
    } catch (error) {
      errors = [messageOf(error)]
    }
    parentPort.postMessage({ id: m.id, errors })
  } else if (m.type === 'release') {
    try {
      cedar.preparsePolicySet(m.policySetId, { staticPolicies: {} })
      cedar.preparseSchema(m.schemaName, '')
    } catch {}
  }
})
`

type Pending =
  | { kind: 'authorize'; resolve: (answer: AuthorizationAnswer) => void; timer: NodeJS.Timeout }
  | { kind: 'install'; resolve: (errors: string[]) => void }

type Reply = { id: number; answer?: AuthorizationAnswer; errors?: string[] }

/**
 * Cedar on a worker thread of its own, so decisions run beside the event loop instead of on it
 * (about a fifth of a request's main-thread time on the request benchmark). Messages to one
 * worker are handled in order, which is what keeps a reload atomic: a decision sent before the
 * old set's release still finds it, one sent after the new set's install finds that.
 *
 * A thread that dies, or does not answer within the timeout, is replaced: its unanswered
 * decisions answer as failures (the engine denies on them: fail closed), and the next call starts
 * a new thread with every installed set parsed again before anything else.
 */
export function threadAuthorizer(options: ThreadAuthorizerOptions = {}): CedarAuthorizer {
  const timeoutMs = options.decisionTimeoutMs ?? DEFAULT_DECISION_TIMEOUT_MS
  const cedarModule = createRequire(import.meta.url).resolve('@cedar-policy/cedar-wasm/nodejs')
  const installed = new Map<string, Installation>()
  const pending = new Map<number, Pending>()
  let worker: Worker | null = null
  let nextId = 0
  let closed = false

  function settleAll(reason: string): void {
    for (const [id, p] of pending) {
      if (p.kind === 'authorize') {
        clearTimeout(p.timer)
        p.resolve(failureAnswer(reason))
      } else p.resolve([reason])
      pending.delete(id)
    }
  }

  function stop(stopped: Worker, reason: string): void {
    if (worker !== stopped) return
    worker = null
    settleAll(reason)
    if (!closed) options.onStopped?.(reason)
  }

  function current(): Worker {
    if (worker !== null) return worker
    const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { cedar: cedarModule } })
    // Never what keeps a process alive; the server's listener does that.
    started.unref()
    started.on('message', (reply: Reply) => {
      const p = pending.get(reply.id)
      if (p === undefined) return
      pending.delete(reply.id)
      if (p.kind === 'authorize') {
        clearTimeout(p.timer)
        p.resolve(reply.answer ?? failureAnswer('the decision thread sent no answer'))
      } else p.resolve(reply.errors ?? [])
    })
    started.on('error', (error) => {
      stop(started, `the decision thread failed: ${error.message}`)
    })
    started.on('exit', (code) => {
      stop(started, `the decision thread exited (${String(code)})`)
    })
    worker = started
    options.onStarted?.(started)
    // Before anything else it is asked: every set a caller may still name.
    for (const installation of installed.values()) started.postMessage({ type: 'install', id: -1, ...installation })
    return started
  }

  return {
    install(installation) {
      if (closed) return Promise.resolve(['the policy engine is closed'])
      installed.set(installation.policySetId, installation)
      const id = nextId++
      return new Promise<string[]>((resolve) => {
        pending.set(id, { kind: 'install', resolve })
        current().postMessage({ type: 'install', id, ...installation })
      }).then((errors) => {
        if (errors.length > 0) installed.delete(installation.policySetId)
        return errors
      })
    },

    release(names) {
      installed.delete(names.policySetId)
      worker?.postMessage({ type: 'release', ...names })
    },

    authorize(call: StatefulAuthorizationCall) {
      if (closed) return Promise.resolve(failureAnswer('the policy engine is closed'))
      const id = nextId++
      const target = current()
      return new Promise<AuthorizationAnswer>((resolve) => {
        const timer = setTimeout(() => {
          // Stuck (or starved): deny this one and every other it holds, and start afresh.
          stop(target, `no decision within ${timeoutMs} ms`)
          void target.terminate()
        }, timeoutMs)
        timer.unref()
        pending.set(id, { kind: 'authorize', resolve, timer })
        target.postMessage({ type: 'authorize', id, call })
      })
    },

    async close() {
      if (closed) return
      closed = true
      installed.clear()
      const last = worker
      if (last === null) return
      stop(last, 'the policy engine is closed')
      await last.terminate()
    },
  }
}
