/** Instants are stored as integer epoch milliseconds on both engines. */
export function toMs(date: Date): number {
  return date.getTime()
}

export function toMsOrNull(date: Date | null): number | null {
  return date === null ? null : date.getTime()
}

export function fromMs(ms: number): Date {
  return new Date(ms)
}

export function fromMsOrNull(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms)
}

export function toJson(value: unknown): string {
  return JSON.stringify(value)
}

/** Callers assert the shape: the text was written by toJson from a value of that type. */
export function fromJson(text: string): unknown {
  return JSON.parse(text)
}

/** Compare-and-swap and conditional writes succeed when exactly one row changed. */
export function changedOne(
  result: { numUpdatedRows: bigint } | { numInsertedOrUpdatedRows?: bigint | undefined },
): boolean {
  const n = 'numUpdatedRows' in result ? result.numUpdatedRows : result.numInsertedOrUpdatedRows
  return n === 1n
}
