import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
/**
 * Only public-key algorithms: with HS* anyone who knows the shared secret (every relying party)
 * could mint tokens, and `none` is no signature at all.
 */
export const ASYMMETRIC_JWS_ALGS = [
    'RS256',
    'RS384',
    'RS512',
    'PS256',
    'PS384',
    'PS512',
    'ES256',
    'ES384',
    'ES512',
    'EdDSA',
    'Ed25519',
];
const DiscoveryDocument = z.object({ issuer: z.string(), jwks_uri: z.string() });
export function createOidcVerifier(options) {
    const issuer = options.issuer;
    const issuerUrl = parseEndpoint(issuer, 'issuer');
    const algorithms = checkAlgorithms(options.allowedAlgs ?? ASYMMETRIC_JWS_ALGS);
    const timeoutMs = options.timeoutMs ?? 5000;
    const clockTolerance = options.clockToleranceSeconds ?? 30;
    const configuredJwksUri = options.jwksUri === undefined ? undefined : parseEndpoint(options.jwksUri, 'jwksUri');
    let keySet;
    const loadKeySet = async () => {
        try {
            const jwksUri = configuredJwksUri ?? (await discoverJwksUri(issuerUrl, issuer, timeoutMs));
            return createRemoteJWKSet(jwksUri, { timeoutDuration: timeoutMs });
        }
        catch (cause) {
            // Forget the failure so the next request tries again once the provider is back.
            keySet = undefined;
            throw rejection('issuer_unreachable', 'the identity provider could not be reached', {
                cause,
            });
        }
    };
    // jose calls this only after the header passed the algorithm check, so garbage and HS256
    // tokens never cause a network round trip to the provider.
    const getKey = async (header, token) => {
        keySet ??= loadKeySet();
        return (await keySet)(header, token);
    };
    return {
        async verify(token) {
            let verified;
            try {
                verified = await jwtVerify(token, getKey, {
                    issuer,
                    audience: options.audience,
                    algorithms: [...algorithms],
                    clockTolerance,
                    requiredClaims: ['sub', 'exp'],
                    ...(options.clock === undefined ? {} : { currentDate: options.clock.now() }),
                });
            }
            catch (error) {
                throw toRejection(error);
            }
            const payload = verified.payload;
            if (typeof payload.sub !== 'string' || payload.sub === '') {
                throw rejection('claim_invalid', 'bearer token has no subject', { claim: 'sub' });
            }
            return { issuer, subject: payload.sub, claims: payload };
        },
    };
}
async function discoverJwksUri(issuerUrl, issuer, timeoutMs) {
    const base = issuerUrl.href.endsWith('/') ? issuerUrl.href : `${issuerUrl.href}/`;
    const url = new URL('.well-known/openid-configuration', base);
    const response = await fetch(url, {
        headers: { accept: 'application/json' },
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
        throw new AppError('internal', `OIDC discovery answered HTTP ${response.status}`);
    }
    const document = DiscoveryDocument.parse(await response.json());
    // OpenID Connect Discovery 1.0 §4.3: a document naming another issuer must not be used.
    if (document.issuer !== issuer) {
        throw new AppError('internal', 'OIDC discovery document names a different issuer', {
            details: { expected: issuer, actual: document.issuer },
        });
    }
    return parseEndpoint(document.jwks_uri, 'jwks_uri');
}
const JOSE_REJECTIONS = {
    [errors.JWTExpired.code]: ['expired', 'bearer token has expired'],
    [errors.JOSEAlgNotAllowed.code]: [
        'algorithm_not_allowed',
        'bearer token is signed with a refused algorithm',
    ],
    [errors.JWSSignatureVerificationFailed.code]: [
        'signature_invalid',
        'bearer token signature is not valid',
    ],
    [errors.JWKSNoMatchingKey.code]: ['signature_invalid', 'bearer token signature is not valid'],
    [errors.JWKSMultipleMatchingKeys.code]: [
        'signature_invalid',
        'bearer token signature is not valid',
    ],
    [errors.JWSInvalid.code]: ['malformed', 'bearer token is not a well-formed JWT'],
    [errors.JWTInvalid.code]: ['malformed', 'bearer token is not a well-formed JWT'],
    [errors.JOSENotSupported.code]: ['malformed', 'bearer token is not a well-formed JWT'],
};
function toRejection(error) {
    if (error instanceof AppError)
        return error;
    if (error instanceof errors.JWTClaimValidationFailed) {
        return rejection('claim_invalid', claimMessage(error.claim), { claim: error.claim });
    }
    const known = error instanceof errors.JOSEError ? JOSE_REJECTIONS[error.code] : undefined;
    if (known !== undefined)
        return rejection(...known);
    // Timeouts, refused connections, bad JWKS documents: the provider, not the token, failed.
    return rejection('issuer_unreachable', 'the identity provider could not be reached', {
        cause: error,
    });
}
function claimMessage(claim) {
    switch (claim) {
        case 'aud':
            return 'bearer token was not issued for this service';
        case 'iss':
            return 'bearer token comes from an untrusted issuer';
        case 'nbf':
        case 'iat':
            return 'bearer token is not valid yet';
        default:
            return `bearer token has a missing or invalid "${claim}" claim`;
    }
}
function rejection(reason, message, extra = {}) {
    const details = extra.claim === undefined ? { reason } : { reason, claim: extra.claim };
    return new AppError('auth.invalid_token', message, { details, cause: extra.cause });
}
function checkAlgorithms(allowed) {
    const asymmetric = new Set(ASYMMETRIC_JWS_ALGS);
    const refused = allowed.filter((alg) => !asymmetric.has(alg));
    if (allowed.length === 0 || refused.length > 0) {
        throw new AppError('config.invalid', 'OIDC allowedAlgs must list only asymmetric algorithms', {
            details: { refused },
        });
    }
    return allowed;
}
/** Plain HTTP only on loopback (test providers); anywhere else keys must come over TLS. */
function parseEndpoint(value, name) {
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw new AppError('config.invalid', `OIDC ${name} is not a URL`);
    }
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
        throw new AppError('config.invalid', `OIDC ${name} must use https`);
    }
    return url;
}
