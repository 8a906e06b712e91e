import { describe, expect, it } from 'vitest'
import { HeldUntilReady } from './held-until-ready.js'

describe('HeldUntilReady', () => {
  it('hands messages that came before ready to the handler, in order, then the rest as they come', () => {
    const inbox = new HeldUntilReady<string>()
    inbox.deliver('policy-reload')
    inbox.deliver('collect 1')
    const seen: string[] = []
    inbox.ready((m) => seen.push(m))
    expect(seen).toEqual(['policy-reload', 'collect 1'])
    inbox.deliver('collect 2')
    expect(seen).toEqual(['policy-reload', 'collect 1', 'collect 2'])
  })

  it('hands each kept message over once', () => {
    const inbox = new HeldUntilReady<number>()
    inbox.deliver(1)
    const seen: number[] = []
    inbox.ready((m) => seen.push(m))
    inbox.deliver(2)
    expect(seen).toEqual([1, 2])
  })
})
