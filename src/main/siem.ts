import type { Logger } from '../app/deps.js'
import type { Config } from '../config/schema.js'
import type { Clock } from '../domain/ports.js'
import type { Metrics } from '../observability/metrics.js'
import { SiemStreamer } from '../siem/siem-streamer.js'
import type { Store } from '../storage/store.js'
import { PACKAGE_VERSION } from './version.js'

/** Wires the SIEM streamer from `config.siem`, its metrics fed at the two seams it has. */
export function createSiemStreamer(
  config: Config,
  deps: {
    store: Pick<Store, 'audit' | 'siemCursors' | 'requests'>
    clock: Clock
    random(): number
    log: Logger
    metrics: Metrics
    owner: string
  },
): SiemStreamer {
  const s = config.siem
  return new SiemStreamer({
    audit: deps.store.audit,
    cursors: deps.store.siemCursors,
    requests: deps.store.requests,
    sinks: s.sinks,
    clock: deps.clock,
    random: () => deps.random(),
    log: deps.log,
    owner: deps.owner,
    retry: { baseMs: s.baseMs, capMs: s.capMs },
    timeoutMs: s.timeoutMs,
    product: { name: 'Hourglass', vendorName: 'Hourglass', version: PACKAGE_VERSION },
    onDelivery: (sink, outcome) => {
      deps.metrics.siemDeliveries.inc({ sink, outcome })
    },
    onLag: (sink, lag) => {
      deps.metrics.siemSinkLag.set({ sink }, lag)
    },
  })
}
