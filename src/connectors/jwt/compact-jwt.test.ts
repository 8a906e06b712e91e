import { KeyObject } from 'node:crypto'
import { generateKeyPair, jwtVerify, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { signCompactJwt } from './compact-jwt.js'

describe('signCompactJwt', () => {
  it('produces exactly the token jose signs for the same header and claims', async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
    const cases = [
      { scope: 'orders:read', hg_grant: 'grt_a', hg_entitlement: 'orders-read' },
      { scope: '', hg_grant: 'grt_"quoted"\u00e9\u{1f511}', hg_entitlement: 'x/y' },
    ]
    for (const [i, claims] of cases.entries()) {
      const header = { alg: 'EdDSA', kid: `kid-${i}`, typ: 'hourglass+jwt' }
      const jose = await new SignJWT(claims)
        .setProtectedHeader(header)
        .setIssuer('https://hourglass.example')
        .setSubject('alice')
        .setAudience('orders-api')
        .setJti(`jti-${i}`)
        .setIssuedAt(1_800_000_000)
        .setNotBefore(1_800_000_001)
        .setExpirationTime(1_800_003_600)
        .sign(privateKey)
      const ours = signCompactJwt(
        header,
        {
          ...claims,
          iss: 'https://hourglass.example',
          sub: 'alice',
          aud: 'orders-api',
          jti: `jti-${i}`,
          iat: 1_800_000_000,
          nbf: 1_800_000_001,
          exp: 1_800_003_600,
        },
        KeyObject.from(privateKey),
      )
      expect(ours).toBe(jose)
      const verified = await jwtVerify(ours, publicKey, { currentDate: new Date(1_800_000_100_000) })
      expect(verified.payload.hg_grant).toBe(claims.hg_grant)
    }
  })

  it('signs with the key it is given', async () => {
    const one = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
    const other = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
    const token = signCompactJwt({ alg: 'EdDSA' }, { sub: 'a' }, KeyObject.from(one.privateKey))
    await expect(jwtVerify(token, other.publicKey)).rejects.toThrow()
    await expect(jwtVerify(token, one.publicKey)).resolves.toBeDefined()
  })
})
