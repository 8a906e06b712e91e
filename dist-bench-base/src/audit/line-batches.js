import { createReadStream } from 'node:fs';
/** Large reads: fewer, bigger batches keep the per-batch overhead out of the verification rate. */
const READ_BYTES = 1 << 20;
/**
 * The lines of a text file, a batch per read, so a file of any size is read in bounded memory.
 * Lines end at `\n`; the text after the last one, if any, is the last line.
 */
export async function* lineBatches(file) {
    const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: READ_BYTES });
    let carry = '';
    for await (const chunk of stream) {
        const lines = (carry + chunk).split('\n');
        carry = lines.pop() ?? '';
        if (lines.length > 0)
            yield lines;
    }
    if (carry !== '')
        yield [carry];
}
