import os from 'node:os';
export function machineInfo() {
    const cpus = os.cpus();
    return {
        cores: os.availableParallelism(),
        cpuModel: cpus[0]?.model.trim() ?? 'unknown',
        memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
        node: process.version,
        platform: `${os.type()} ${os.release()} ${os.arch()}`,
        loadAverage1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    };
}
export function describeMachine(m) {
    return `${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}, load ${m.loadAverage1m}`;
}
