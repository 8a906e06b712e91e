/** The clock the domain and use cases read; tests substitute a fake one and move it. */
export interface Clock {
  now(): Date
}

/** Source of identifiers and random bytes; tests substitute a deterministic one. */
export interface IdSource {
  /** A new unique, URL-safe, lower-case id with the given prefix, e.g. `req_…`. */
  newId(prefix: string): string
  randomBytes(size: number): Uint8Array
}

export const systemClock: Clock = { now: () => new Date() }
