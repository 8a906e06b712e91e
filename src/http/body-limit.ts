import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'

/**
 * Refuses a request body over `maxBytes` with `onTooLarge`. A body that declares its length
 * (nearly every client's) is judged by the header alone: Node's parser has already rejected a
 * malformed Content-Length, and it delivers no more bytes than declared. Only a chunked body, or
 * one a test hands in without the header, is counted while it streams, by Hono's limiter.
 *
 * Why not Hono's limiter for everything: it reads `c.req.raw.body` first, which makes
 * @hono/node-server build a full WHATWG Request and stream for every call, a GET included,
 * where the lightweight request would read the body straight from the socket.
 */
export function limitBody(maxBytes: number, onTooLarge: () => never): MiddlewareHandler {
  const streaming = bodyLimit({ maxSize: maxBytes, onError: onTooLarge })
  return async (c, next) => {
    const declared = c.req.header('content-length')
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number.parseInt(declared, 10) > maxBytes) onTooLarge()
      await next()
      return
    }
    return streaming(c, next)
  }
}
