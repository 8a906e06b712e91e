import { createServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { Secret } from '../config/secret.js'
import { startSmtpSink, type SmtpSink } from '../../test/support/smtp-sink.js'
import { composeEmail, encodeHeader } from './email-sender.js'
import { DeliveryError } from './sender.js'
import { dotStuff, sendMail, type SmtpSettings } from './smtp-client.js'

const FROM = 'hourglass@example.com'
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.()
})

async function sink(options: Parameters<typeof startSmtpSink>[0] = {}): Promise<SmtpSink> {
  const s = await startSmtpSink(options)
  cleanups.push(() => s.close())
  return s
}

function settings(
  s: { host: string; port: number },
  extra: Partial<SmtpSettings> = {},
): SmtpSettings {
  return { host: s.host, port: s.port, clientName: 'hourglass.test', ...extra }
}

function mail(text: string, subject = 'Review needed') {
  return composeEmail({
    from: FROM,
    to: 'olivia@example.com',
    subject,
    text,
    messageId: '<ntf_1@example.com>',
    date: new Date(0),
  })
}

const timeout = () => AbortSignal.timeout(2_000)

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(DeliveryError)
  return error as DeliveryError
}

describe('sendMail over a real SMTP socket', () => {
  it('delivers with dot-stuffing, so a lone "." in the text cannot end the message early', async () => {
    const s = await sink()
    const text = 'first\n.\n.hidden line\n..two dots\nlast'
    await sendMail(
      settings(s),
      { from: FROM, to: ['olivia@example.com'], data: mail(text) },
      timeout(),
    )
    const [received] = await s.waitFor(1)
    expect(received).toMatchObject({ from: FROM, to: ['olivia@example.com'], auth: null })
    expect(received?.body).toBe(text.replace(/\n/g, '\r\n'))
    expect(received?.headers).toMatchObject({
      subject: 'Review needed',
      'message-id': '<ntf_1@example.com>',
      'content-transfer-encoding': '7bit',
    })
    expect(s.commands.slice(0, 1)).toEqual(['EHLO hourglass.test'])
    expect(s.commands.at(-1)).toBe('QUIT')
  })

  it('round-trips non-ASCII subjects (RFC 2047) and bodies (base64)', async () => {
    const s = await sink()
    const subject = 'Zugriff für Jürgen — bitte prüfen, es eilt sehr, wirklich sehr, sehr'
    const text = 'Grüße aus Köln ✓\nzweite Zeile'
    expect(encodeHeader(subject)).toMatch(/^=\?UTF-8\?B\?/)
    for (const word of encodeHeader(subject).split('\n '))
      expect(word.length).toBeLessThanOrEqual(75)
    await sendMail(
      settings(s),
      { from: FROM, to: ['olivia@example.com'], data: mail(text, subject) },
      timeout(),
    )
    const [received] = await s.waitFor(1)
    expect(received?.headers.subject).toBe(subject)
    expect(received?.body).toBe(text)
  })

  it('authenticates with AUTH PLAIN; a wrong password fails without quoting it', async () => {
    const s = await sink({ auth: { username: 'hourglass', password: 'correct horse' } })
    const ok = settings(s, { username: 'hourglass', password: new Secret('correct horse') })
    await sendMail(ok, { from: FROM, to: ['olivia@example.com'], data: mail('hi') }, timeout())
    expect((await s.waitFor(1))[0]?.auth).toEqual({
      username: 'hourglass',
      password: 'correct horse',
    })

    const bad = settings(s, { username: 'hourglass', password: new Secret('battery staple') })
    const error = await failure(
      sendMail(bad, { from: FROM, to: ['olivia@example.com'], data: mail('hi') }, timeout()),
    )
    expect(error.message).toMatch(/^SMTP AUTH refused by 127\.0\.0\.1:\d+: 535/)
    expect(error.permanent).toBe(false)
    const token = Buffer.from('\0hourglass\0battery staple').toString('base64')
    expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain('battery')
    expect(error.message).not.toContain(token)
  })

  it('refuses to authenticate when the server does not offer AUTH PLAIN', async () => {
    const s = await sink()
    const auth = settings(s, { username: 'u', password: new Secret('p') })
    const error = await failure(
      sendMail(auth, { from: FROM, to: ['olivia@example.com'], data: mail('x') }, timeout()),
    )
    expect(error.message).toContain('does not offer AUTH PLAIN')
    expect(s.commands.some((c) => c.startsWith('AUTH') || c.startsWith('MAIL'))).toBe(false)
  })

  it('a 4xx is retryable; an unknown mailbox (550) is permanent', async () => {
    const s = await sink({ unknownMailboxes: ['ghost@example.com'] })
    s.failNext(1)
    const later = await failure(
      sendMail(settings(s), { from: FROM, to: ['olivia@example.com'], data: mail('x') }, timeout()),
    )
    expect(later).toMatchObject({ permanent: false })
    expect(later.message).toContain('451')
    const ghost = await failure(
      sendMail(settings(s), { from: FROM, to: ['ghost@example.com'], data: mail('x') }, timeout()),
    )
    expect(ghost).toMatchObject({ permanent: true })
    expect(ghost.message).toContain('RCPT TO refused')
  })

  it('never writes an address that could inject a command', async () => {
    const s = await sink()
    const evil = 'eve@example.com>\r\nRCPT TO:<spy@example.com'
    const error = await failure(
      sendMail(settings(s), { from: FROM, to: [evil], data: mail('x') }, timeout()),
    )
    expect(error.permanent).toBe(true)
    expect(s.commands).toEqual([])
  })

  it('reports an unreachable server and a silent one by reason, without hanging', async () => {
    const closed = await sink()
    const port = closed.port
    await closed.close()
    cleanups.pop()
    const refused = await failure(
      sendMail(
        { host: '127.0.0.1', port, clientName: 'x' },
        { from: FROM, to: [FROM], data: 'x' },
        timeout(),
      ),
    )
    expect(refused.message).toBe(`SMTP 127.0.0.1:${port} ECONNREFUSED`)

    const silent = createServer(() => undefined)
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          silent.close(() => {
            resolve()
          })
        }),
    )
    const address = silent.address()
    if (address === null || typeof address === 'string') throw new Error('no address')
    const started = Date.now()
    const quiet = await failure(
      sendMail(
        { host: '127.0.0.1', port: address.port, clientName: 'x' },
        { from: FROM, to: [FROM], data: 'x' },
        AbortSignal.timeout(200),
      ),
    )
    expect(quiet.message).toBe(`SMTP 127.0.0.1:${address.port} timed out`)
    expect(Date.now() - started).toBeLessThan(2_000)
  })
})

describe('dotStuff', () => {
  it('normalises line breaks and doubles leading dots', () => {
    expect(dotStuff('a\n.b\r\n.\rc')).toBe('a\r\n..b\r\n..\r\nc\r\n')
    expect(dotStuff('.first\r\n')).toBe('..first\r\n')
  })
})
