import { serve, type ServerType } from '@hono/node-server'
import type { AddressInfo } from 'node:net'

/** Serves an app on a free loopback port, so tests speak real HTTP (raw bytes, real headers). */
export async function serveApp(app: { fetch: (request: Request) => Response | Promise<Response> }, listenPort = 0): Promise<{
  url: string
  stop(): Promise<void>
}> {
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: listenPort }, () => {
      resolve(s)
    })
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve()
        })
        if ('closeAllConnections' in server) server.closeAllConnections()
      }),
  }
}
