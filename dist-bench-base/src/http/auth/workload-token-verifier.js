import { decodeJwt } from 'jose';
import { AppError } from '../../domain/errors.js';
import { jobClaimsSummary, mapWorkloadClaims, templateClaims, } from '../../domain/workload-exchange.js';
import { createOidcVerifier } from './oidc-verifier.js';
const MAX_TOKEN_ID_LENGTH = 256;
export function createWorkloadTokenVerifier(options) {
    const byIssuer = new Map();
    for (const rule of options.issuers) {
        byIssuer.set(rule.issuer, {
            rule,
            verifier: createOidcVerifier({
                issuer: rule.issuer,
                audience: rule.audience,
                jwksUri: rule.jwksUri,
                clock: options.clock,
                clockToleranceSeconds: options.clockToleranceSeconds,
            }),
        });
    }
    return {
        async verify(token) {
            const trusted = byIssuer.get(unverifiedIssuer(token));
            if (trusted === undefined) {
                throw new AppError('exchange.untrusted_issuer', 'The token comes from an issuer this server does not trust');
            }
            const { issuer, subject, claims } = await trusted.verifier.verify(token);
            const jti = claims.jti;
            if (typeof jti !== 'string' || jti === '' || jti.length > MAX_TOKEN_ID_LENGTH) {
                throw invalid('claim_invalid', 'the token has no usable "jti" claim, so its reuse could not be detected', 'jti');
            }
            const exp = claims.exp ?? 0;
            const issuedAt = typeof claims.iat === 'number' ? claims.iat : Math.floor(options.clock.now().getTime() / 1000);
            if (exp - issuedAt > options.maxTokenLifetimeSeconds) {
                throw invalid('lifetime_too_long', `the token lives longer than ${options.maxTokenLifetimeSeconds}s`);
            }
            const record = claims;
            return {
                issuer,
                subject,
                tokenId: jti,
                expiresAt: new Date(exp * 1000),
                mapping: mapWorkloadClaims(trusted.rule, record),
                claims: jobClaimsSummary(record, [
                    ...templateClaims(trusted.rule.claimMapping),
                    ...Object.keys(trusted.rule.requiredClaims),
                ]),
            };
        },
    };
}
/** Only to choose which issuer's keys to check the signature with; nothing else is trusted yet. */
function unverifiedIssuer(token) {
    let iss;
    try {
        iss = decodeJwt(token).iss;
    }
    catch {
        throw invalid('malformed', 'the subject token is not a well-formed JWT');
    }
    if (typeof iss !== 'string')
        throw invalid('claim_invalid', 'the subject token has no issuer', 'iss');
    return iss;
}
function invalid(reason, message, claim) {
    return new AppError('auth.invalid_token', message, {
        details: claim === undefined ? { reason } : { reason, claim },
    });
}
