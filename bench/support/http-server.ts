import { serve, type ServerType } from '@hono/node-server'
import type { Hono } from 'hono'

export interface Listening {
  url: string
  close(): Promise<void>
}

/** Serves the app on a kernel-chosen loopback port, as `hourglass serve` does on its own. */
export async function listenOnLoopback(app: Hono): Promise<Listening> {
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => {
      resolve(s)
    })
  })
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  }
}
