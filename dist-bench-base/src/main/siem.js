import { SiemStreamer } from '../siem/siem-streamer.js';
import { PACKAGE_VERSION } from './version.js';
/** Wires the SIEM streamer from `config.siem`, its metrics fed at the two seams it has. */
export function createSiemStreamer(config, deps) {
    const s = config.siem;
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
            deps.metrics.siemDeliveries.inc({ sink, outcome });
        },
        onLag: (sink, lag) => {
            deps.metrics.siemSinkLag.set({ sink }, lag);
        },
    });
}
