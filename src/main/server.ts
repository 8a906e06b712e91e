import { serve, type ServerType } from '@hono/node-server'
import type { Logger } from '../app/deps.js'
import type { Config } from '../config/schema.js'
import { createRuntime, publicUrlOf, type Runtime, type RuntimeOverrides } from './runtime.js'

export interface RunningServer {
  runtime: Runtime
  url: string
  stop(): Promise<void>
}

/** Starts the API and the lifecycle engine; overdue grants are revoked before it reports ready. */
export async function startServer(config: Config, log: Logger, overrides: RuntimeOverrides = {}): Promise<RunningServer> {
  const runtime = await createRuntime(config, log, overrides)
  await runtime.engine.start()
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: runtime.app.fetch, hostname: config.listen.host, port: config.listen.port }, () => {
      resolve(s)
    })
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.listen.port
  const url = config.publicUrl ?? `http://${config.listen.host}:${port}`
  log.info({ url, engine: runtime.deps.store.engine, policyHash: runtime.deps.policy.policyHash() }, 'hourglass serving')
  return {
    runtime,
    url: url || publicUrlOf(config),
    async stop() {
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
      await runtime.close()
    },
  }
}
