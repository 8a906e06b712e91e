import { createHash } from 'node:crypto'
import { jwtVerify } from 'jose'
import { z } from 'zod'
import { Secret } from '../../config/secret.js'
import {
  ConnectorError,
  type ConnectorDeps,
  type ConnectorInstance,
  type ConnectorStateStore,
  type GrantSpec,
  type IssueResult,
  type Liveness,
  type OperationOptions,
  type RevokeOutcome,
  type StateEntry,
} from '../connector.js'
import { jwtParamsSchema, type JwtConfig, type JwtParams } from './config.js'
import { loadSigningKey, readSigningKey, type PublicJwk, type SigningKey } from './signing-key.js'
import { signEdDsaJwt } from './sign-token.js'
import { checkAborted } from '../abort.js'
import { isRecordedRevoked, recordExp, revocationRecordKey, tokenRecordKey } from './revocation-records.js'

export type { PublicJwk } from './signing-key.js'

/** RFC 7662 answer. An inactive token says nothing else, so a prober learns nothing. */
export type IntrospectionResponse = { active: false } | ActiveTokenIntrospection

export interface ActiveTokenIntrospection {
  active: true
  sub: string
  scope: string
  aud: string
  iss: string
  exp: number
  iat: number
  nbf: number
  jti: string
  token_type: 'Bearer'
  hg_grant: string
}

export interface JwtConnectorInstance extends ConnectorInstance {
  issueInStore(grant: GrantSpec, state: ConnectorStateStore, options: OperationOptions): Promise<IssueResult>
  inspect(handle: Record<string, unknown>, options: OperationOptions): Promise<Liveness>
  /** The public signing keys, for resource servers that verify signatures themselves. */
  jwks(): Promise<{ keys: PublicJwk[] }>
  /** RFC 7662 introspection; never throws: anything wrong is `{ active: false }`. */
  introspect(token: string): Promise<IntrospectionResponse>
}

/** Far larger than any token we mint; bounds the work an introspection caller can cause. */
const MAX_TOKEN_LENGTH = 8192
const JTI_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
const TOKEN_TYPE = 'at+jwt'

const issuedHandle = z.object({
  jti: z.string().regex(JTI_PATTERN),
  exp: z.number().int(),
  kid: z.string(),
})
/** What a revoke gets when issuance crashed before its handle was stored. */
const intentHandle = z.object({ grantId: z.string().min(1) })

const tokenClaims = z.object({
  iss: z.string(),
  sub: z.string(),
  aud: z.string(),
  scope: z.string(),
  exp: z.number().int(),
  iat: z.number().int(),
  nbf: z.number().int(),
  jti: z.string().regex(JTI_PATTERN),
  hg_grant: z.string(),
})

/**
 * The token id is derived from the grant id, so a retried issue mints the same identity and a
 * revoke that only knows the grant id still finds it.
 */
export function jtiForGrant(grantId: string): string {
  return createHash('sha256')
    .update(`hourglass/jwt/jti\n${grantId}`)
    .digest('base64url')
    .slice(0, 32)
}

export function createJwtConnector(config: JwtConfig, deps: ConnectorDeps): JwtConnectorInstance {
  const { state } = deps
  let keyLoad: Promise<SigningKey> | undefined
  const signingKey = (): Promise<SigningKey> => {
    keyLoad ??= guardState(() => loadSigningKey(state)).catch((error: unknown) => {
      keyLoad = undefined
      throw error
    })
    return keyLoad
  }
  const isRevoked = async (jti: string): Promise<boolean> =>
    (await guardState(() => state.get(tokenRecordKey(jti)))) !== null
  const nowSeconds = (): number => secondsOf(deps.now())

  return {
    async issue(grant: GrantSpec, { signal }: OperationOptions): Promise<IssueResult> {
      return issueWith(grant, signal, state, signingKey)
    },

    async issueInStore(grant: GrantSpec, inStore: ConnectorStateStore, { signal }: OperationOptions): Promise<IssueResult> {
      // A key read from the caller's transaction was committed by someone, so it may be kept; a
      // key created in it may yet be rolled back, so it is only used (the next issue reads it).
      const key = async (): Promise<SigningKey> => {
        if (keyLoad) return keyLoad
        const stored = await guardState(() => readSigningKey(inStore))
        if (stored) {
          keyLoad ??= Promise.resolve(stored)
          return stored
        }
        return guardState(() => loadSigningKey(inStore))
      }
      return issueWith(grant, signal, inStore, key)
    },

    async revoke(handle: Record<string, unknown>, { signal }: OperationOptions): Promise<void> {
      checkAborted(signal)
      const ref = parseHandle(handle)
      // Recorded even when unknown or past exp (then by its expiry second): another node's
      // clock may run behind ours.
      const now = deps.now()
      const record = JSON.stringify({ exp: ref.exp, revokedAt: now.toISOString() })
      const key = revocationRecordKey(ref, secondsOf(now))
      await guardState(() => state.putIfAbsent(key, record, recordExp(ref)))
    },

    async revokeMany(handles, options): Promise<RevokeOutcome[]> {
      checkAborted(options.signal)
      if (state.putManyIfAbsent === undefined || (state.getMany === undefined && state.hasMany === undefined)) {
        return Promise.all(handles.map((h) => revokeAndInspect(this, h, options)))
      }
      return await revokeAllIn(state, handles, deps.now())
    },

    async revokeManyInStore(handles, inStore, options): Promise<RevokeOutcome[]> {
      checkAborted(options.signal)
      return await revokeAllIn(inStore, handles, deps.now())
    },

    async inspect(
      handle: Record<string, unknown>,
      { signal }: OperationOptions,
    ): Promise<Liveness> {
      checkAborted(signal)
      const ref = parseHandle(handle)
      if (ref.exp !== null && ref.exp <= nowSeconds()) return 'gone'
      if (await isRevoked(ref.jti)) return 'gone'
      return 'live'
    },

    async jwks(): Promise<{ keys: PublicJwk[] }> {
      const key = await signingKey()
      return { keys: [{ ...key.publicJwk }] }
    },

    async introspect(token: string): Promise<IntrospectionResponse> {
      if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return { active: false }
      try {
        const key = await signingKey()
        // Only our own key and only EdDSA: rejects alg none, HS256 keyed with the public key, RS/ES.
        const { payload, protectedHeader } = await jwtVerify(token, key.publicKey, {
          algorithms: ['EdDSA'],
          issuer: config.issuer,
          typ: TOKEN_TYPE,
          currentDate: deps.now(),
        })
        const claims = tokenClaims.safeParse(payload)
        if (protectedHeader.kid !== key.kid || !claims.success) return { active: false }
        const c = claims.data
        if (c.jti !== jtiForGrant(c.hg_grant)) return { active: false }
        if (!(await isIssuedAudience(c.aud))) return { active: false }
        if (await guardState(() => isRecordedRevoked(state, c.jti, c.exp))) return { active: false }
        return {
          active: true,
          sub: c.sub,
          scope: c.scope,
          aud: c.aud,
          iss: c.iss,
          exp: c.exp,
          iat: c.iat,
          nbf: c.nbf,
          jti: c.jti,
          token_type: 'Bearer',
          hg_grant: c.hg_grant,
        }
      } catch {
        // Fail closed: a state outage must not turn into "active".
        return { active: false }
      }
    },

    close(): Promise<void> {
      keyLoad = undefined
      return Promise.resolve()
    },
  }

  /** Signs the grant's token; `st` is where the revocation list and audiences are (ours, or a transaction's). */
  async function issueWith(
    grant: GrantSpec,
    signal: AbortSignal,
    st: ConnectorStateStore,
    key: () => Promise<SigningKey>,
  ): Promise<IssueResult> {
    checkAborted(signal)
    const params = parseParams(grant.params)
    const now = nowSeconds()
    // Never outlive the grant, never start before it: exp rounds down, nbf rounds up.
    const exp = Math.min(Math.floor(grant.expiresAt.getTime() / 1000), now + config.maxTtlSeconds)
    const nbf = Math.ceil(grant.startsAt.getTime() / 1000)
    if (exp <= now) {
      throw new ConnectorError('rejected', 'the grant window has ended; no token was issued', {
        retryable: false,
      })
    }
    if (exp <= nbf) {
      // A token minted now would expire before the grant starts; later it will not.
      throw new ConnectorError('rejected', 'the grant starts later than maxTtlSeconds from now', {
        retryable: true,
      })
    }
    const jti = jtiForGrant(grant.grantId)
    // A grant revoked before its token was minted (an intent handle's revoke after a crash) must
    // not get one; a grant nobody else has seen cannot have been, and its read is a round trip.
    if (grant.uncommitted !== true && (await guardState(() => st.get(tokenRecordKey(jti)))) !== null) {
      throw new ConnectorError('conflict', 'this grant was already revoked on the target', {
        retryable: false,
      })
    }
    const aud = params.audience ?? config.audience
    if (aud !== config.audience) await guardState(() => st.putIfAbsent(audienceKey(aud), aud))
    const signing = await key()
    checkAborted(signal)
    // jose's claim order (payload, then iss, sub, aud, jti, iat, nbf, exp): the same token bytes.
    const token = signEdDsaJwt(
      { alg: 'EdDSA', kid: signing.kid, typ: TOKEN_TYPE },
      {
        scope: scopeClaim(config.defaultScopes ?? [], params.scopes),
        hg_grant: grant.grantId,
        hg_entitlement: grant.entitlementId,
        iss: config.issuer,
        sub: grant.subjectId,
        aud,
        jti,
        iat: now,
        nbf,
        exp,
      },
      signing.privateKey,
    )
    const expiresAt = new Date(exp * 1000)
    return {
      handle: { jti, exp, kid: signing.kid },
      credential: new Secret(token),
      expiresAt,
      instructions: instructionsFor(config, aud, expiresAt),
    }
  }

  async function isIssuedAudience(aud: string): Promise<boolean> {
    if (aud === config.audience) return true
    return (await state.get(audienceKey(aud))) === aud
  }
}

async function revokeAndInspect(
  instance: Pick<JwtConnectorInstance, 'revoke' | 'inspect'>,
  handle: Record<string, unknown>,
  options: OperationOptions,
): Promise<RevokeOutcome> {
  try {
    await instance.revoke(handle, options)
    return { ok: true, liveness: await instance.inspect(handle, options) }
  } catch (error) {
    return { ok: false, error }
  }
}

/**
 * Writes the revocation records of a batch in one call and reads them back: a record found is
 * the verification that the token is refused from now on. Keys are written in sorted order, so
 * two nodes writing overlapping batches on PostgreSQL take their row locks in the same order.
 */
async function revokeAllIn(
  state: ConnectorStateStore,
  handles: ReadonlyArray<Record<string, unknown>>,
  now: Date,
): Promise<RevokeOutcome[]> {
  const refs = handles.map((handle): { jti: string; exp: number | null } | Error => {
    try {
      return parseHandle(handle)
    } catch (error) {
      return error instanceof Error ? error : new Error('not a jwt connector handle')
    }
  })
  const revokedAt = now.toISOString()
  const nowSeconds = secondsOf(now)
  const entries = new Map<string, StateEntry>()
  for (const ref of refs) {
    if (ref instanceof Error) continue
    const key = revocationRecordKey(ref, nowSeconds)
    // Tokens of one expiry second share a record: the first one's exp says what all of theirs is.
    if (!entries.has(key)) {
      entries.set(key, [key, JSON.stringify({ exp: ref.exp, revokedAt }), recordExp(ref)])
    }
  }
  const sorted = [...entries.values()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const keys = sorted.map(([key]) => key)
  let stored: ReadonlySet<string> | ReadonlyMap<string, string>
  try {
    await guardState(async () => {
      if (state.putManyIfAbsent) await state.putManyIfAbsent(sorted)
      else for (const [k, value, exp] of sorted) await state.putIfAbsent(k, value, exp)
    })
    stored = await guardState<ReadonlySet<string> | ReadonlyMap<string, string>>(async () => {
      if (state.hasMany) return state.hasMany(keys)
      if (state.getMany) return state.getMany(keys)
      const found = new Set<string>()
      for (const k of keys) if ((await state.get(k)) !== null) found.add(k)
      return found
    })
  } catch (error) {
    return refs.map(() => ({ ok: false, error }))
  }
  return refs.map((ref): RevokeOutcome => {
    if (ref instanceof Error) return { ok: false, error: ref }
    return { ok: true, liveness: stored.has(revocationRecordKey(ref, nowSeconds)) ? 'gone' : 'live' }
  })
}

function parseParams(raw: Record<string, unknown>): JwtParams {
  const parsed = jwtParamsSchema.safeParse(raw)
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
  throw new ConnectorError('rejected', `invalid jwt entitlement params: ${issues.join('; ')}`, {
    retryable: false,
  })
}

function parseHandle(handle: Record<string, unknown>): { jti: string; exp: number | null } {
  const issued = issuedHandle.safeParse(handle)
  if (issued.success) return { jti: issued.data.jti, exp: issued.data.exp }
  const intent = intentHandle.safeParse(handle)
  if (intent.success) return { jti: jtiForGrant(intent.data.grantId), exp: null }
  throw new ConnectorError('rejected', 'not a jwt connector handle', { retryable: false })
}

function scopeClaim(defaults: string[], granted: string[]): string {
  return [...new Set([...defaults, ...granted])].join(' ')
}

function instructionsFor(config: JwtConfig, aud: string, expiresAt: Date): string {
  return [
    `Send the token as an HTTP header: Authorization: Bearer <token>, to services that accept audience "${aud}".`,
    `It expires at ${expiresAt.toISOString()}. Services verify it against the JWKS of issuer`,
    `${config.issuer} (alg EdDSA) or ask introspection, which reports it inactive once access is revoked.`,
  ].join(' ')
}

function secondsOf(date: Date): number {
  return Math.floor(date.getTime() / 1000)
}

/** Hashed so that an audience, whatever its characters, is a fixed-shape key. */
function audienceKey(aud: string): string {
  return `audience:${createHash('sha256').update(aud).digest('base64url')}`
}


async function guardState<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation()
  } catch (error) {
    if (error instanceof ConnectorError) throw error
    throw new ConnectorError('unreachable', 'the connector state store failed', {
      retryable: true,
      cause: error,
    })
  }
}
