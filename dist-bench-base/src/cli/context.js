import { HourglassClient } from './client.js';
import { createOutput } from './output.js';
export const DEFAULT_SERVER = 'http://127.0.0.1:7300';
/** Global options live on the root program: --server, --token, --json. */
export function contextOf(command) {
    const opts = command.optsWithGlobals();
    const client = new HourglassClient({
        baseUrl: opts.server ?? process.env.HOURGLASS_URL ?? DEFAULT_SERVER,
        token: opts.token ?? process.env.HOURGLASS_TOKEN,
    });
    return { client, out: createOutput(opts.json === true) };
}
