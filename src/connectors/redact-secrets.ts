import { inspect } from 'node:util'
import { isSecret } from '../config/secret.js'
import { ConnectorError, type ConnectorInstance } from './connector.js'

const REDACTED = '[redacted]'
/** An instance lives as long as its target, so the credentials it remembers must be bounded. */
const MAX_REMEMBERED_CREDENTIALS = 1024
/** Deep enough for driver → socket → system error chains; a cycle must not hang the scrubber. */
const MAX_CAUSE_DEPTH = 8

type Redact = (text: string) => string
type Method = (...args: unknown[]) => unknown

/**
 * Wraps a connector instance so that nothing it throws can carry a secret (Vault's error
 * sanitizer middleware). Every method, including kind-specific extras, is guarded: a thrown error
 * becomes a ConnectorError whose message, stack and cause chain have each known secret value
 * replaced by `[redacted]`; anything that is not a ConnectorError becomes a retryable
 * 'unreachable' one. Results pass through untouched.
 *
 * `secrets` is read at failure time, so it sees the target's current configuration. Credentials
 * the instance issues are remembered here and scrubbed too.
 *
 * @example
 * const instance = redactSecrets(definition.create(config, deps), () => [config.password.reveal()])
 */
export function redactSecrets<T extends ConnectorInstance>(
  instance: T,
  secrets: () => string[],
): T {
  const issued = new Set<string>()
  const remember = (result: unknown): void => {
    const credential = credentialOf(result)
    if (credential === undefined) return
    issued.delete(credential)
    issued.add(credential)
    if (issued.size > MAX_REMEMBERED_CREDENTIALS) {
      for (const oldest of issued) {
        issued.delete(oldest)
        break
      }
    }
  }
  const scrub = (error: unknown): ConnectorError =>
    sanitizeError(error, redactor([...secrets(), ...issued]))

  // Keyed by the method itself, so a method replaced on the instance is wrapped afresh.
  const guarded = new WeakMap<Method, Method>()
  return new Proxy(instance, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target)
      if (typeof value !== 'function') return value
      const method = value as Method
      const cached = guarded.get(method)
      if (cached) return cached
      const wrapper: Method = (...args) => {
        let result: unknown
        try {
          result = method.apply(target, args)
        } catch (error) {
          throw scrub(error)
        }
        if (!isThenable(result)) return result
        return Promise.resolve(result).then(
          (settled: unknown) => {
            if (property === 'issue') remember(settled)
            return settled
          },
          (error: unknown) => {
            throw scrub(error)
          },
        )
      }
      guarded.set(method, wrapper)
      return wrapper
    },
  })
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    'then' in value &&
    typeof value.then === 'function'
  )
}

function credentialOf(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null || !('credential' in result)) return undefined
  const credential: unknown = result.credential
  return isSecret(credential) ? credential.reveal() : undefined
}

/**
 * A secret can reach a message verbatim, percent-encoded (URLs, DSNs) or JSON-escaped (echoed
 * request bodies); longest first, so a secret that contains another is replaced whole.
 */
function redactor(values: string[]): Redact {
  const forms = new Set<string>()
  for (const value of values) {
    if (value === '') continue
    forms.add(value)
    forms.add(encodeURIComponent(value))
    forms.add(JSON.stringify(value).slice(1, -1))
  }
  const ordered = [...forms].sort((a, b) => b.length - a.length)
  return (text) => ordered.reduce((acc, form) => acc.split(form).join(REDACTED), text)
}

function sanitizeError(error: unknown, redact: Redact): ConnectorError {
  const result =
    error instanceof ConnectorError
      ? new ConnectorError(error.reason, redact(error.message), {
          retryable: error.retryable,
          cause: scrubValue(error.cause, redact, 1),
        })
      : new ConnectorError('unreachable', redact(describe(error)), {
          retryable: true,
          cause: scrubValue(error, redact, 1),
        })
  if (error instanceof ConnectorError && error.stack !== undefined)
    result.stack = redact(error.stack)
  return result
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  if (typeof error === 'string') return error
  return `connector threw a non-error value: ${inspect(error, { depth: 2 })}`
}

function scrubValue(value: unknown, redact: Redact, depth: number): unknown {
  if (value === undefined || value === null) return value
  if (depth > MAX_CAUSE_DEPTH) return '[cause chain truncated]'
  if (value instanceof Error) return scrubError(value, redact, depth)
  if (typeof value === 'string') return redact(value)
  if (typeof value === 'number' || typeof value === 'boolean') return value
  return redact(inspect(value, { depth: 3, breakLength: Infinity }))
}

/**
 * Rebuilds an error rather than editing it: the original may be shared with a driver, and its
 * non-string fields (a pg error's query parameters, say) are dropped because they cannot be
 * scrubbed reliably. Primitive fields such as `code` survive for diagnosis.
 */
function scrubError(error: Error, redact: Redact, depth: number): Error {
  const cause = scrubValue(error.cause, redact, depth + 1)
  const options = cause === undefined ? undefined : { cause }
  const message = redact(error.message)
  let copy: Error
  if (error instanceof ConnectorError) {
    copy = new ConnectorError(error.reason, message, { retryable: error.retryable, cause })
  } else if (error instanceof AggregateError) {
    const inner: unknown[] = Array.isArray(error.errors) ? error.errors : []
    copy = new AggregateError(
      inner.map((e) => scrubValue(e, redact, depth + 1)),
      message,
      options,
    )
  } else {
    copy = new Error(message, options)
  }
  copy.name = error.name
  if (error.stack !== undefined) copy.stack = redact(error.stack)
  const fields = copy as unknown as Record<string, unknown>
  for (const [key, field] of Object.entries(error)) {
    if (key === 'cause' || key === 'errors' || key in copy) continue
    if (typeof field === 'string') fields[key] = redact(field)
    else if (typeof field === 'number' || typeof field === 'boolean') fields[key] = field
  }
  return copy
}
