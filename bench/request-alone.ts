import { copyFileSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/*
 * One request at a time through the in-process app, in rounds, with the process's CPU time per
 * request beside wall time: the figure to compare builds side by side on a shared machine (wall
 * time follows the other processes; CPU time mostly does not). Run under `node --cpu-prof` to
 * see where a request's time goes. Usage:
 *   node dist-bench/bench/request-alone.js [--pg URL] [--rounds 5] [--samples 300] [--load SECONDS]
 *     [--profile FILE]
 * `--load` also runs the 16-client closed loop for that long before the rounds; `--profile`
 * writes a CPU profile of the measured part only (the load, then the rounds).
 */
const buildRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
copyFileSync(path.join(buildRoot, '..', 'package.json'), path.join(buildRoot, 'package.json'))

const { servedWorld, CONCURRENCY } = await import('./support/served-world.js')
const { mainThreadCpuMs } = await import('./support/main-thread-cpu.js')

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`)
  return at === -1 ? undefined : process.argv[at + 1]
}

const pgUrl = option('pg')
const rounds = Number(option('rounds') ?? 5)
const samples = Number(option('samples') ?? 300)
const loadSeconds = Number(option('load') ?? 0)
const profileFile = option('profile')
const profiler = new Session()

const served = await servedWorld(pgUrl)
try {
  await served.oneAtATime(100)
  if (profileFile !== undefined) {
    profiler.connect()
    await profiler.post('Profiler.enable')
    await profiler.post('Profiler.setSamplingInterval', { interval: 100 })
    await profiler.post('Profiler.start')
  }
  if (loadSeconds > 0) {
    await served.driver.closed(CONCURRENCY, 2_000)
    const a0 = served.activations()
    const t0 = performance.now()
    await served.driver.closed(CONCURRENCY, loadSeconds * 1000)
    const perSecond = ((served.activations() - a0) * 1000) / (performance.now() - t0)
    process.stdout.write(`closed loop, ${CONCURRENCY} clients: ${perSecond.toFixed(0)}/s\n`)
  }
  for (let r = 0; r < rounds; r++) {
    const cpu0 = process.cpuUsage()
    const main0 = mainThreadCpuMs()
    const t0 = performance.now()
    const alone = await served.oneAtATime(samples)
    const wall = (performance.now() - t0) / samples
    const cpu = process.cpuUsage(cpu0)
    const cpuMs = (cpu.user + cpu.system) / 1000 / samples
    const mainMs = (mainThreadCpuMs() - main0) / samples
    process.stdout.write(
      `round ${r}: submit ${alone.submitMs.toFixed(3)} ms, until active ${alone.issueMs.toFixed(3)} ms, ` +
        `wall ${wall.toFixed(3)} ms, CPU ${cpuMs.toFixed(3)} ms (main thread ${mainMs.toFixed(3)} ms) per request\n`,
    )
  }
  if (profileFile !== undefined) {
    const { profile } = await profiler.post('Profiler.stop')
    writeFileSync(profileFile, JSON.stringify(profile))
  }
} finally {
  await served.close()
}
