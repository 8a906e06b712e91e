import type { Clock } from '../../src/domain/ports.js'

/** A clock tests move by hand: expiry is tested by moving time, never by waiting. */
export class FakeClock implements Clock {
  #ms: number
  constructor(start = Date.parse('2026-11-23T09:00:00Z')) {
    this.#ms = start
  }
  now(): Date {
    return new Date(this.#ms)
  }
  advance(ms: number): void {
    this.#ms += ms
  }
  set(date: Date): void {
    this.#ms = date.getTime()
  }
}
