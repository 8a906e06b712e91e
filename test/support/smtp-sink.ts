import { createServer, type Server, type Socket } from 'node:net'

/** One message as the sink received it. */
export interface ReceivedMail {
  from: string
  to: string[]
  /** The DATA section with dot-stuffing undone, CRLF line breaks. */
  raw: string
  /** Header names lower-cased; folded lines joined; RFC 2047 `=?UTF-8?B?…?=` words decoded. */
  headers: Record<string, string>
  /** The body, base64 decoded when the message says so. */
  body: string
  /** The AUTH PLAIN credentials the client sent, if any. */
  auth: { username: string; password: string } | null
}

export interface SmtpSinkOptions {
  /** Advertise AUTH PLAIN and require these credentials. */
  auth?: { username: string; password: string }
  /** Answer RCPT TO for these addresses with 550 (no such mailbox). */
  unknownMailboxes?: readonly string[]
}

export interface SmtpSink {
  host: string
  port: number
  messages: ReceivedMail[]
  /** Every command line received, AUTH arguments included (tests look for leaks elsewhere). */
  commands: string[]
  /** The next `n` messages are refused at the end of DATA with 451 (try again later). */
  failNext(n: number): void
  /** Resolves once at least `count` messages arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>
  close(): Promise<void>
}

/**
 * A minimal SMTP server on 127.0.0.1 for tests: EHLO/HELO, AUTH PLAIN, MAIL, RCPT, DATA (with
 * dot-stuffing undone), RSET, NOOP, QUIT. It keeps what it receives.
 */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = []
  const commands: string[] = []
  let failing = 0
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    serve(socket, {
      options,
      commands,
      deliver: (mail) => {
        if (failing > 0) {
          failing--
          return false
        }
        messages.push(mail)
        return true
      },
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  return {
    host: '127.0.0.1',
    port: address.port,
    messages,
    commands,
    failNext(n) {
      failing = n
    },
    async waitFor(count, timeoutMs = 5_000) {
      const until = Date.now() + timeoutMs
      while (messages.length < count) {
        if (Date.now() > until)
          throw new Error(`expected ${count} messages, got ${messages.length}`)
        await new Promise((r) => setTimeout(r, 10))
      }
      return messages
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve()
        })
      })
    },
  }
}

interface Session {
  options: SmtpSinkOptions
  commands: string[]
  deliver(mail: ReceivedMail): boolean
}

function serve(socket: Socket, session: Session): void {
  const { options } = session
  let buffer = ''
  let from: string | null = null
  let to: string[] = []
  let auth: ReceivedMail['auth'] = null
  let data: string[] | null = null
  const reply = (line: string) => socket.write(`${line}\r\n`)
  socket.setEncoding('utf8')
  reply('220 sink.test ESMTP ready')

  const onLine = (line: string) => {
    if (data !== null) {
      if (line !== '.') {
        data.push(line.startsWith('.') ? line.slice(1) : line)
        return
      }
      const raw = data.join('\r\n')
      data = null
      const mail = { from: from ?? '', to, raw, ...parse(raw), auth }
      from = null
      to = []
      reply(session.deliver(mail) ? '250 2.0.0 queued' : '451 4.3.0 try again later')
      return
    }
    session.commands.push(line)
    const [verb = '', ...rest] = line.split(' ')
    const arg = rest.join(' ')
    switch (verb.toUpperCase()) {
      case 'EHLO':
        reply('250-sink.test greets you')
        reply('250-8BITMIME')
        if (options.auth) reply('250-AUTH PLAIN')
        reply('250 SIZE 1048576')
        return
      case 'HELO':
        reply('250 sink.test')
        return
      case 'AUTH': {
        const [mechanism, token = ''] = arg.split(' ')
        const [, username = '', password = ''] = Buffer.from(token, 'base64')
          .toString('utf8')
          .split('\0')
        if (mechanism?.toUpperCase() !== 'PLAIN' || !options.auth)
          return reply('504 5.5.4 unsupported')
        if (username !== options.auth.username || password !== options.auth.password) {
          return reply('535 5.7.8 authentication failed')
        }
        auth = { username, password }
        return reply('235 2.7.0 authenticated')
      }
      case 'MAIL':
        if (options.auth && auth === null) return reply('530 5.7.0 authentication required')
        from = /^FROM:<([^>]*)>/i.exec(arg)?.[1] ?? ''
        return reply('250 2.1.0 ok')
      case 'RCPT': {
        const address = /^TO:<([^>]*)>/i.exec(arg)?.[1] ?? ''
        if (from === null) return reply('503 5.5.1 MAIL first')
        if (options.unknownMailboxes?.includes(address)) return reply('550 5.1.1 no such mailbox')
        to.push(address)
        return reply('250 2.1.5 ok')
      }
      case 'DATA':
        if (to.length === 0) return reply('554 5.5.1 no valid recipients')
        data = []
        return reply('354 end with <CRLF>.<CRLF>')
      case 'RSET':
        from = null
        to = []
        return reply('250 ok')
      case 'NOOP':
        return reply('250 ok')
      case 'QUIT':
        reply('221 2.0.0 bye')
        socket.end()
        return
      default:
        reply('502 5.5.2 unknown command')
    }
  }

  socket.on('data', (chunk: string) => {
    buffer += chunk
    let index = buffer.indexOf('\r\n')
    while (index >= 0) {
      onLine(buffer.slice(0, index))
      buffer = buffer.slice(index + 2)
      index = buffer.indexOf('\r\n')
    }
  })
  socket.on('error', () => undefined)
}

function parse(raw: string): { headers: Record<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n')
  const head = split >= 0 ? raw.slice(0, split) : raw
  const rawBody = split >= 0 ? raw.slice(split + 4) : ''
  const headers: Record<string, string> = {}
  let last: string | null = null
  for (const line of head.split('\r\n')) {
    if (/^[ \t]/.test(line) && last !== null) {
      headers[last] = `${headers[last] ?? ''}${line.trimStart()}`
      continue
    }
    const colon = line.indexOf(':')
    last = line.slice(0, colon).toLowerCase()
    headers[last] = line.slice(colon + 1).trim()
  }
  for (const [name, value] of Object.entries(headers)) {
    headers[name] = value.replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/gi, (_m, b64: string) =>
      Buffer.from(b64, 'base64').toString('utf8'),
    )
  }
  const body =
    headers['content-transfer-encoding']?.toLowerCase() === 'base64'
      ? Buffer.from(rawBody.replace(/\s+/g, ''), 'base64').toString('utf8')
      : rawBody
  return { headers, body }
}
