import { inspect } from 'node:util'

const REDACTED = '[redacted]'

/** A value that must never reach logs, errors or the audit log. Read it with `reveal()`. */
export class Secret {
  readonly #value: string
  constructor(value: string) {
    this.#value = value
  }
  reveal(): string {
    return this.#value
  }
  toString(): string {
    return REDACTED
  }
  toJSON(): string {
    return REDACTED
  }
  [inspect.custom](): string {
    return REDACTED
  }
}

export function isSecret(value: unknown): value is Secret {
  return value instanceof Secret
}
