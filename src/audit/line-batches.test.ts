import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lineBatches } from './line-batches.js'

/** Lines of 2-, 3- and 4-byte characters, long enough that reads of 64 KiB end inside them. */
function textLines(count: number): string[] {
  const chars = ['é', '€', '𝄞', '\u2028', 'a']
  return Array.from({ length: count }, (_, i) => `${String(i)}:${(chars[i % chars.length] ?? 'a').repeat(97 + (i % 13))}`)
}

async function readAll(file: string): Promise<{ lines: string[]; batches: number }> {
  const lines: string[] = []
  let batches = 0
  for await (const batch of lineBatches(file)) {
    batches++
    lines.push(...batch)
  }
  return { lines, batches }
}

describe('lineBatches', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'line-batches-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('reads every line of a multi-MiB file whole, multi-byte characters across read boundaries included', async () => {
    const lines = textLines(20_000)
    const file = path.join(dir, 'many.jsonl')
    await writeFile(file, lines.join('\n') + '\n')
    const read = await readAll(file)
    expect(read.batches).toBeGreaterThan(2)
    expect(read.lines).toEqual(lines)
  })

  it('gives the text after the last newline as the last line, and keeps empty lines', async () => {
    const file = path.join(dir, 'unterminated.jsonl')
    await writeFile(file, 'a\n\nb\n€ end')
    expect((await readAll(file)).lines).toEqual(['a', '', 'b', '€ end'])
  })

  it('reads a file with no newline at all as one line, and an empty file as none', async () => {
    const file = path.join(dir, 'one.jsonl')
    await writeFile(file, '𝄞'.repeat(300_000))
    expect((await readAll(file)).lines).toEqual(['𝄞'.repeat(300_000)])
    const empty = path.join(dir, 'empty.jsonl')
    await writeFile(empty, '')
    expect(await readAll(empty)).toEqual({ lines: [], batches: 0 })
  })
})
