import { performance } from 'node:perf_hooks'
import {
  ConnectorError,
  type ConnectorInstance,
  type OperationOptions,
  type RevokeOutcome,
} from '../connectors/connector.js'

/** The connector calls that reach a target; the rest (privilegesFor, close) are local. */
export const OBSERVED_OPERATIONS = ['issue', 'revoke', 'inspect', 'list', 'removeAccess', 'verifyConfig'] as const
export type ObservedOperation = (typeof OBSERVED_OPERATIONS)[number]

export interface ConnectorOperation {
  kind: string
  op: ObservedOperation
  /** `ok`, the ConnectorError reason, `timeout` when the call's signal had fired, else `error`. */
  outcome: string
  seconds: number
}

export type ConnectorOperationObserver = (operation: ConnectorOperation) => void

/**
 * Wraps an instance so every target call reports its outcome and duration, whichever use case
 * made it (issue, revoke, verification, reconciliation). Kind-specific extras (jwks, caPublicKey)
 * pass through untouched, so the host's callers see the instance they always did.
 */
export function instrumentConnector<T extends ConnectorInstance>(
  instance: T,
  kind: string,
  observe: ConnectorOperationObserver,
): T {
  // Keyed by the method itself, so a method replaced on the instance is wrapped afresh.
  const wrapped = new WeakMap<object, unknown>()
  return new Proxy(instance, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target)
      if (typeof value !== 'function') return value
      const method = value as (...args: unknown[]) => unknown
      const cached = wrapped.get(method)
      if (cached) return cached
      if (property === 'revokeMany' || property === 'revokeManyInStore') {
        const batched = revokeManyObserved(method.bind(target), kind, observe)
        wrapped.set(method, batched)
        return batched
      }
      // An issue inside our own transaction is still an issue, for the operation metrics.
      const op = property === 'issueInStore' ? 'issue' : property
      if (!isObserved(op)) return method.bind(target)
      const timed = async (...args: unknown[]): Promise<unknown> => {
        const started = performance.now()
        const report = (outcome: string) => {
          observe({ kind, op, outcome, seconds: (performance.now() - started) / 1000 })
        }
        try {
          const result = await method.apply(target, args)
          report('ok')
          return result
        } catch (error) {
          report(outcomeOf(error, signalOf(args)))
          throw error
        }
      }
      wrapped.set(method, timed)
      return timed
    },
  })
}

/** A batch revoke counts as one `revoke` per handle, each with the batch's outcome for it. */
function revokeManyObserved(
  revokeMany: (...args: unknown[]) => unknown,
  kind: string,
  observe: ConnectorOperationObserver,
): (...args: unknown[]) => Promise<unknown> {
  return async (...args: unknown[]): Promise<unknown> => {
    const started = performance.now()
    const signal = signalOf(args)
    const report = (outcome: string) => {
      observe({ kind, op: 'revoke', outcome, seconds: (performance.now() - started) / 1000 })
    }
    try {
      const outcomes = (await revokeMany(...args)) as RevokeOutcome[]
      for (const o of outcomes) report(o.ok ? 'ok' : outcomeOf(o.error, signal))
      return outcomes
    } catch (error) {
      const handles = args[0]
      for (let i = 0; i < (Array.isArray(handles) ? handles.length : 1); i++) {
        report(outcomeOf(error, signal))
      }
      throw error
    }
  }
}

function isObserved(property: PropertyKey): property is ObservedOperation {
  return (OBSERVED_OPERATIONS as readonly PropertyKey[]).includes(property)
}

/** Every observed operation takes its options last. */
function signalOf(args: readonly unknown[]): AbortSignal | undefined {
  const last = args[args.length - 1] as Partial<OperationOptions> | undefined
  return last?.signal instanceof AbortSignal ? last.signal : undefined
}

function outcomeOf(error: unknown, signal: AbortSignal | undefined): string {
  if (signal?.aborted === true) return 'timeout'
  return error instanceof ConnectorError ? error.reason : 'error'
}
