import { FakeClock } from './fake-clock.js'

/**
 * Wall-clock time that tests can still move forward. The lifecycle engine arms real timers
 * (`setTimeout` against `Date.now()`), so a world whose engine is started needs its clock to
 * follow real time; a plain FakeClock parked in the past would make those timers spin.
 */
export class LiveClock extends FakeClock {
  #offsetMs = 0
  override now(): Date {
    return new Date(Date.now() + this.#offsetMs)
  }
  override advance(ms: number): void {
    this.#offsetMs += ms
  }
  override set(date: Date): void {
    this.#offsetMs = date.getTime() - Date.now()
  }
}
