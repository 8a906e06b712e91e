import { createReadStream } from 'node:fs'

/**
 * Reads of 64 KiB: each batch's text is then a string V8 keeps in its young generation, whose
 * memory is reused from batch to batch. At 1 MiB every batch's string went to the large-object
 * space on pages of its own, freshly mapped each time; on a machine where touching fresh memory is
 * slow that was most of the read (200,000 exported events: read and split 400-440 ms at 1 MiB,
 * 120-140 ms at 64 KiB, 160-170 ms at 32 KiB).
 */
const READ_BYTES = 1 << 16

const NEWLINE = 0x0a

/**
 * The lines of a text file, a batch per read, so a file of any size is read in bounded memory.
 * Lines end at `\n`; the text after the last one, if any, is the last line.
 *
 * Read as bytes and decoded up to each read's last newline: a newline byte never occurs inside a
 * UTF-8 sequence, so no character is cut, and no StringDecoder is needed. Decoding through one
 * (a stream with an encoding) took a third of `audit verify --file`'s time on a machine where
 * Buffer#toString's own decoder runs several times faster.
 */
export async function* lineBatches(file: string): AsyncGenerator<string[]> {
  const stream = createReadStream(file, { highWaterMark: READ_BYTES })
  let carry: Buffer | null = null
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const bytes: Buffer = carry === null ? chunk : Buffer.concat([carry, chunk])
    const end = bytes.lastIndexOf(NEWLINE)
    if (end === -1) {
      carry = bytes
      continue
    }
    carry = end + 1 < bytes.length ? bytes.subarray(end + 1) : null
    yield bytes.toString('utf8', 0, end).split('\n')
  }
  if (carry !== null) yield [carry.toString('utf8')]
}
