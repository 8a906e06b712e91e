import { copyFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { CONCURRENCY } from './support/served-world.js'

/*
 * Two builds of the request path side by side in one process: each build's world (runtime, store,
 * Cedar) is served in process, and short rounds of one-request-at-a-time alternate between them,
 * so both see the same machine. On a shared machine the wall time of a whole run swings by a
 * third between back-to-back runs of one build; paired rounds a few hundred ms apart do not.
 *   node dist-bench/bench/request-ab.js BUILD_A BUILD_B [--pairs 40] [--samples 50] [--closed MS]
 * With `--closed MS`, a round is instead MS of the benchmark's closed-loop clients over the
 * loopback socket, and the figure is requests per second: contention between requests (for
 * SQLite's one connection, the event loop) shows up only there, never one request at a time.
 * BUILD_* are build roots (`dist-bench`, or a copy of an earlier build under it). SQLite only (two
 * worlds would seed one PostgreSQL database twice). Not for a change to process-wide state (async
 * hooks, V8 flags): both builds share the process, so compare those in separate runs.
 */
const buildRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
copyFileSync(path.join(buildRoot, '..', 'package.json'), path.join(buildRoot, 'package.json'))

type ServedWorldModule = typeof import('./support/served-world.js')

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`)
  return at === -1 ? undefined : process.argv[at + 1]
}

const [rootA, rootB] = process.argv.slice(2, 4)
if (rootA === undefined || rootB === undefined) throw new Error('usage: request-ab BUILD_A BUILD_B')
const pairs = Number(option('pairs') ?? 40)
const samples = Number(option('samples') ?? 50)
const closedMs = option('closed') === undefined ? undefined : Number(option('closed'))

async function load(root: string): Promise<ServedWorldModule> {
  const file = path.resolve(root, 'bench/support/served-world.js')
  return (await import(pathToFileURL(file).href)) as ServedWorldModule
}

const a = await (await load(rootA)).servedWorld(undefined)
const b = await (await load(rootB)).servedWorld(undefined)
try {
  await a.oneAtATime(150)
  await b.oneAtATime(150)
  const ratios: number[] = []
  const cpuRatios: number[] = []
  const totals = { a: 0, b: 0, aCpu: 0, bCpu: 0 }
  const round = async (world: typeof a): Promise<{ wall: number; cpu: number }> => {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    let done = samples
    if (closedMs === undefined) await world.oneAtATime(samples)
    else {
      const res = await world.driver.closed(CONCURRENCY, closedMs)
      if (res.failed > 0) throw new Error(`closed round failed: ${res.firstFailure ?? 'unknown'}`)
      done = Math.max(1, res.completed)
    }
    const c = process.cpuUsage(c0)
    return { wall: (performance.now() - t0) / done, cpu: (c.user + c.system) / 1000 / done }
  }
  for (let i = 0; i < pairs; i++) {
    // Alternate which goes first, so neither always follows the other's garbage.
    let ra: { wall: number; cpu: number }
    let rb: { wall: number; cpu: number }
    if (i % 2 === 0) {
      ra = await round(a)
      rb = await round(b)
    } else {
      rb = await round(b)
      ra = await round(a)
    }
    ratios.push(rb.wall / ra.wall)
    cpuRatios.push(rb.cpu / ra.cpu)
    totals.a += ra.wall
    totals.b += rb.wall
    totals.aCpu += ra.cpu
    totals.bCpu += rb.cpu
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? Number.NaN
  process.stdout.write(
    `A ${rootA}: wall ${(totals.a / pairs).toFixed(3)} ms, CPU ${(totals.aCpu / pairs).toFixed(3)} ms per request\n` +
      `B ${rootB}: wall ${(totals.b / pairs).toFixed(3)} ms, CPU ${(totals.bCpu / pairs).toFixed(3)} ms per request\n` +
      `B ÷ A, median of ${pairs} paired rounds: wall ${median(ratios).toFixed(3)}, CPU ${median(cpuRatios).toFixed(3)}\n` +
      (closedMs === undefined
        ? ''
        : `closed loop of ${CONCURRENCY}: A ${(1000 / (totals.a / pairs)).toFixed(0)}/s, B ${(1000 / (totals.b / pairs)).toFixed(0)}/s\n`),
  )
} finally {
  await a.close()
  await b.close()
}
