/**
 * A CI platform's OIDC issuer on 127.0.0.1, as GitHub Actions or GitLab run one: a discovery
 * document and a JWKS over HTTP, and job tokens signed with the matching private key. Tokens are
 * stamped with the test's clock so expiry is tested by moving time, not by waiting.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import type { CryptoKey, JWK } from 'jose'

import type { Clock } from '../../src/domain/ports.js'

export interface JobTokenOptions {
  audience?: string
  /** Seconds; defaults to 300 (GitHub's job tokens live about that long). */
  lifetimeSeconds?: number
  issuedAt?: Date
  notBefore?: Date
  /** Defaults to a fresh UUID; null leaves the claim out. */
  jti?: string | null
  /** Sign with a key this issuer does not publish (a forgery). */
  foreignKey?: boolean
  /** Put another `iss` in the token than this issuer's URL. */
  issuer?: string
}

export interface WorkloadIssuer {
  /** `http://127.0.0.1:<port>`, the `iss` of its tokens. */
  issuer: string
  jwksUri: string
  sign(claims: Record<string, unknown>, options?: JobTokenOptions): Promise<string>
  stop(): Promise<void>
}

async function newKey(): Promise<{ privateKey: CryptoKey; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  const jwk = await exportJWK(publicKey)
  return { privateKey, jwk: { ...jwk, alg: 'ES256', use: 'sig', kid: randomBytes(6).toString('hex') } }
}

export async function startWorkloadIssuer(options: { clock: Clock; audience: string }): Promise<WorkloadIssuer> {
  const key = await newKey()
  const foreign = await newKey()
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const jwksUri = `${issuer}/.well-known/jwks`
  server.on('request', (req, res) => {
    const send = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    if (req.url === '/.well-known/openid-configuration') send({ issuer, jwks_uri: jwksUri })
    else if (req.url === '/.well-known/jwks') send({ keys: [key.jwk] })
    else res.writeHead(404).end()
  })
  return {
    issuer,
    jwksUri,
    async sign(claims, o = {}) {
      const signer = o.foreignKey ? foreign : key
      const iat = Math.floor((o.issuedAt ?? options.clock.now()).getTime() / 1000)
      const jwt = new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: signer.jwk.kid ?? '' , typ: 'JWT' })
        .setIssuer(o.issuer ?? issuer)
        .setAudience(o.audience ?? options.audience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + (o.lifetimeSeconds ?? 300))
      if (o.notBefore) jwt.setNotBefore(Math.floor(o.notBefore.getTime() / 1000))
      const jti = o.jti === undefined ? randomUUID() : o.jti
      if (jti !== null) jwt.setJti(jti)
      return jwt.sign(signer.privateKey)
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error === undefined) resolve()
          else reject(error)
        })
        server.closeAllConnections()
      }),
  }
}
