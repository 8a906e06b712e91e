import { KeyObject } from 'node:crypto'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey } from 'jose'
import { z } from 'zod'
import { ConnectorError, type ConnectorStateStore } from '../connector.js'

/** The fields of a public Ed25519 JWK; built field by field so `d` can never slip through. */
export interface PublicJwk {
  kty: 'OKP'
  crv: 'Ed25519'
  x: string
  /** RFC 7638 thumbprint of the public key. */
  kid: string
  alg: 'EdDSA'
  use: 'sig'
}

export interface SigningKey {
  kid: string
  /** For node:crypto's synchronous sign (sign-token.ts), as the audit keys are held. */
  privateKey: KeyObject
  publicKey: CryptoKey
  publicJwk: PublicJwk
}

const SIGNING_KEY = 'signing-key'

const storedKey = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().min(1),
  d: z.string().min(1),
})

/**
 * Returns this target's Ed25519 signing key, creating it on first use. `putIfAbsent` makes two
 * processes that race on first use agree on one key: the loser adopts the winner's.
 *
 * Errors here never carry a cause: the state value and its parse or import errors may contain
 * the private key, and the redacting decorator does not know it.
 */
export async function loadSigningKey(state: ConnectorStateStore): Promise<SigningKey> {
  return importStoredKey((await state.get(SIGNING_KEY)) ?? (await createKey(state)))
}

/** The stored signing key, or null when none was created yet (nothing is written). */
export async function readSigningKey(state: ConnectorStateStore): Promise<SigningKey | null> {
  const stored = await state.get(SIGNING_KEY)
  return stored === null ? null : importStoredKey(stored)
}

async function importStoredKey(stored: string): Promise<SigningKey> {
  const jwk = parseStoredKey(stored)
  const publicFields = { kty: jwk.kty, crv: jwk.crv, x: jwk.x }
  try {
    const kid = await calculateJwkThumbprint(publicFields, 'sha256')
    const privateKey = await importJWK({ ...jwk, alg: 'EdDSA' }, 'EdDSA')
    const publicKey = await importJWK({ ...publicFields, alg: 'EdDSA' }, 'EdDSA')
    if (!isCryptoKey(privateKey) || !isCryptoKey(publicKey))
      throw new Error('not an asymmetric key')
    return {
      kid,
      privateKey: KeyObject.from(privateKey),
      publicKey,
      publicJwk: { ...publicFields, kid, alg: 'EdDSA', use: 'sig' },
    }
  } catch {
    throw malformed()
  }
}

async function createKey(state: ConnectorStateStore): Promise<string> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
  const { kty, crv, x, d } = await exportJWK(privateKey)
  try {
    return await state.putIfAbsent(SIGNING_KEY, JSON.stringify({ kty, crv, x, d }))
  } catch (error) {
    const kind = error instanceof Error ? error.name : typeof error
    throw new ConnectorError(
      'unreachable',
      `the connector state store failed to keep the signing key (${kind})`,
      {
        retryable: true,
      },
    )
  }
}

function parseStoredKey(stored: string): z.output<typeof storedKey> {
  try {
    const parsed = storedKey.safeParse(JSON.parse(stored))
    if (parsed.success) return parsed.data
  } catch {
    // fall through: a JSON syntax error quotes the stored text
  }
  throw malformed()
}

function malformed(): ConnectorError {
  return new ConnectorError(
    'conflict',
    'the stored jwt signing key is malformed; restore or remove it',
    {
      retryable: false,
    },
  )
}

function isCryptoKey(key: CryptoKey | Uint8Array): key is CryptoKey {
  return !(key instanceof Uint8Array)
}
