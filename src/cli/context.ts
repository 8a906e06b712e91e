import type { Command } from 'commander'
import { HourglassClient } from './client.js'
import { createOutput, type Output } from './output.js'

export const DEFAULT_SERVER = 'http://127.0.0.1:7300'

export interface CliContext {
  client: HourglassClient
  out: Output
}

/** Global options live on the root program: --server, --token, --json. */
export function contextOf(command: Command): CliContext {
  const opts = command.optsWithGlobals<{ server?: string; token?: string; json?: boolean }>()
  const client = new HourglassClient({
    baseUrl: opts.server ?? process.env.HOURGLASS_URL ?? DEFAULT_SERVER,
    token: opts.token ?? process.env.HOURGLASS_TOKEN,
  })
  return { client, out: createOutput(opts.json === true) }
}
