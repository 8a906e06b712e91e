import { readFileSync } from 'node:fs'

/**
 * CPU time of this process's main thread alone, in ms (Linux; 10 ms ticks): the process figure
 * also counts worker threads (load clients, the WAL checkpointer, the policy decision thread) and
 * V8's helpers, which swing with the machine's load. NaN where /proc is not there.
 */
export function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
  } catch {
    return Number.NaN
  }
}
