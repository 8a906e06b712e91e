import os from 'node:os'

export interface MachineInfo {
  cores: number
  cpuModel: string
  memoryGiB: number
  node: string
  platform: string
  /** 1-minute load average at the start: a busy machine makes every figure preliminary. */
  loadAverage1m: number
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus()
  return {
    cores: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  }
}

export function describeMachine(m: MachineInfo): string {
  return `${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}, load ${m.loadAverage1m}`
}
