import { KeyObject } from 'node:crypto'
import { generateKeyPair, jwtVerify, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { signEdDsaJwt } from './sign-token.js'

/** The synchronous signer writes jose's bytes, and jose verifies what it writes. */
describe('signEdDsaJwt', () => {
  it("writes exactly the token jose's SignJWT writes, and jose verifies it", async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
    const header = { alg: 'EdDSA', kid: 'k1', typ: 'at+jwt' }
    // Unicode and JSON escapes in the claims: both must encode them byte for byte alike.
    const base = { scope: 'orders:read orders:write', hg_grant: 'grt_01', hg_entitlement: 'orders-read', note: 'é "q" \\ \u2028' }
    const times = { iat: 1_800_000_000, nbf: 1_800_000_000, exp: 1_800_003_600 }
    const ours = signEdDsaJwt(
      header,
      { ...base, iss: 'https://hg.example', sub: 'alice', aud: 'orders-api', jti: 'abc', ...times },
      KeyObject.from(privateKey),
    )
    const jose = await new SignJWT(base)
      .setProtectedHeader(header)
      .setIssuer('https://hg.example')
      .setSubject('alice')
      .setAudience('orders-api')
      .setJti('abc')
      .setIssuedAt(times.iat)
      .setNotBefore(times.nbf)
      .setExpirationTime(times.exp)
      .sign(privateKey)
    expect(ours).toBe(jose)
    const { payload, protectedHeader } = await jwtVerify(ours, publicKey, {
      algorithms: ['EdDSA'],
      issuer: 'https://hg.example',
      audience: 'orders-api',
      currentDate: new Date(1_800_000_100_000),
    })
    expect(protectedHeader).toEqual(header)
    expect(payload).toMatchObject({ ...base, sub: 'alice', jti: 'abc' })
  })

  it('signs with the key it is given: another key does not verify', async () => {
    const a = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
    const b = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
    const token = signEdDsaJwt({ alg: 'EdDSA' }, { sub: 'x' }, KeyObject.from(a.privateKey))
    await expect(jwtVerify(token, b.publicKey, { algorithms: ['EdDSA'] })).rejects.toThrow()
    await expect(jwtVerify(token, a.publicKey, { algorithms: ['EdDSA'] })).resolves.toBeDefined()
  })
})
