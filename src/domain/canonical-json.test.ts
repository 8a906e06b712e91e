import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalJson, canonicalJsonReference } from './canonical-json.js'

type Outcome = { ok: true; text: string | undefined } | { ok: false; error: string }

function outcome(f: () => string): Outcome {
  try {
    return { ok: true, text: f() }
  } catch (error) {
    return { ok: false, error: String(error) }
  }
}

const sameAsReference = (value: unknown) => {
  expect(outcome(() => canonicalJson(value))).toEqual(outcome(() => canonicalJsonReference(value)))
}

describe('canonicalJson', () => {
  it('sorts keys, drops undefined members and writes dates as ISO strings', () => {
    expect(
      canonicalJson({ b: 1, a: [undefined, new Date(0)], c: undefined, d: { z: null, y: 2n } }),
    ).toBe('{"a":[null,"1970-01-01T00:00:00.000Z"],"b":1,"d":{"y":"2","z":null}}')
  })

  it('rejects non-finite numbers', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError)
    expect(() => canonicalJson([Infinity])).toThrow(TypeError)
  })

  it('matches the reference on the cases it hands over to it', () => {
    for (const value of [
      { 10: 'a', 2: 'b', x: 1, '1x': 2 },
      { toJSON: () => 'replaced', a: 1 },
      { a: () => 1, b: Symbol('s'), c: [() => 1, Symbol('t')] },
      JSON.parse('{"__proto__": {"a": 1}, "b": 2}') as unknown,
      new Uint8Array([1, 2]),
      Object.assign(Object.create(null) as object, { b: 1, a: 2 }),
      () => 1,
    ]) {
      sameAsReference(value)
    }
  })

  it('writes exactly what the reference writes, for arbitrary JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), sameAsReference), { numRuns: 2_000 })
  })

  it('writes exactly what the reference writes, for arbitrary values', () => {
    const anything = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withNullPrototype: true,
      withObjectString: true,
      withSet: true,
      withSparseArray: true,
      withTypedArray: true,
      stringUnit: 'binary',
      key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'toJSON', '1', '10', '2', '')),
    })
    fc.assert(fc.property(anything, sameAsReference), { numRuns: 1_000 })
  })

  it('writes exactly what the reference writes, for audit-event-like bodies', () => {
    const body = fc.record({
      seq: fc.nat(),
      id: fc.uuid(),
      at: fc.date({ noInvalidDate: true }),
      type: fc.string(),
      actor: fc.string(),
      requestId: fc.option(fc.uuid()),
      grantId: fc.option(fc.uuid()),
      data: fc.dictionary(fc.string(), fc.jsonValue()),
      prevHash: fc.string({
        unit: fc.constantFrom(
          '0',
          '1',
          '2',
          '3',
          '4',
          '5',
          '6',
          '7',
          '8',
          '9',
          'a',
          'b',
          'c',
          'd',
          'e',
          'f',
        ),
        minLength: 64,
        maxLength: 64,
      }),
    })
    fc.assert(fc.property(body, sameAsReference), { numRuns: 1_000 })
  })
})
