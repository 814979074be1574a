import { createPublicKey, KeyObject } from 'node:crypto';
import {
  calculateJwkThumbprint,
  compactVerify,
  createRemoteJWKSet,
  decodeProtectedHeader,
  exportJWK,
  JWK,
  ProtectedHeaderParameters,
} from 'jose';
import { AccessTokenClaims, checkAccessTokenClaims, ClaimRejection } from './access-token-claims';
import { PathRejection, validateCertificatePath } from './certificate-path';
import { x509 } from './x509';

/** Why a token was refused: a claim, the certificate path, or the JWS itself. */
export type VerifierRejection =
  | ClaimRejection
  | PathRejection
  | 'malformed'
  | 'alg_not_allowed'
  | 'kid_missing'
  | 'kid_unknown'
  | 'jwks_unavailable'
  | 'jwk_mismatch'
  | 'signature_invalid';

export type VerifierResult =
  | { ok: true; claims: AccessTokenClaims; header: ProtectedHeaderParameters }
  | { ok: false; reason: VerifierRejection };

/** Checks one compact JWS access token; never throws for a bad token. */
export type TokenVerifier = (token: string) => Promise<VerifierResult>;

/** What every verifier checks besides the key. */
export interface VerifierOptions {
  /** The exact `iss` expected. */
  issuer: string;
  /** The audience the token must name. */
  audience: string;
  /** Leeway on exp, nbf and iat, in seconds [60]. */
  clockSkewSeconds?: number;
  /** Algorithms accepted [RS256, PS256, ES256, EdDSA]; never `none` or HMAC. */
  algorithms?: readonly string[];
  /** The current time [the system clock]; tests pass a fixed one. */
  now?: () => Date;
}

export interface JwksVerifierOptions extends VerifierOptions {
  jwksUri: string | URL;
  /** After fetching, an unknown kid triggers no new fetch for this long [30 000 ms]. */
  cooldownMs?: number;
  /** The key set is refetched after this long even for known kids [600 000 ms]. */
  cacheMaxAgeMs?: number;
  /** Fetch timeout [5 000 ms]. */
  timeoutMs?: number;
}

export interface X5cVerifierOptions extends VerifierOptions {
  /** The trusted roots (see `parseTrustAnchors`). */
  trustAnchors: readonly x509.X509Certificate[];
}

const DEFAULT_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

class Rejection extends Error {
  constructor(readonly reason: VerifierRejection) {
    super(reason);
  }
}

function decodeHeader(token: string, options: VerifierOptions): ProtectedHeaderParameters {
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new Rejection('malformed');
  }
  if (typeof header.alg !== 'string' || !allowedAlgorithms(options).includes(header.alg)) {
    throw new Rejection('alg_not_allowed');
  }
  return header;
}

const allowedAlgorithms = (options: VerifierOptions): readonly string[] =>
  options.algorithms ?? DEFAULT_ALGORITHMS;

/** The shared RFC 9068 claim checks (the server's guard runs the same function). */
function checkClaims(
  header: ProtectedHeaderParameters,
  payload: Uint8Array,
  options: VerifierOptions,
): VerifierResult {
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return { ok: false, reason: 'payload_invalid' };
  }
  const result = checkAccessTokenClaims(header.typ, claims, {
    issuer: options.issuer,
    audience: options.audience,
    nowSeconds: Math.floor((options.now?.() ?? new Date()).getTime() / 1000),
    clockSkewSeconds: options.clockSkewSeconds ?? 60,
  });
  return result.ok ? { ok: true, claims: result.claims, header } : result;
}

/** Runs a check, turning a Rejection into a refusal. */
async function decide(check: () => Promise<VerifierResult>): Promise<VerifierResult> {
  try {
    return await check();
  } catch (error) {
    if (error instanceof Rejection) {
      return { ok: false, reason: error.reason };
    }
    throw error;
  }
}

function jwksFailure(error: unknown): VerifierRejection {
  switch ((error as { code?: unknown }).code) {
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'kid_unknown';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'alg_not_allowed';
    case 'ERR_JWS_INVALID':
      return 'malformed';
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
    case 'ERR_JOSE_GENERIC':
      return 'jwks_unavailable';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'signature_invalid';
    default:
      // fetch() failures (connection refused, DNS) carry no jose code.
      return error instanceof TypeError ? 'jwks_unavailable' : 'signature_invalid';
  }
}

/**
 * JWKS mode: keys come from `jwksUri`, cached; a kid missing from the cache triggers one
 * refetch, then no other until the cooldown has passed (so junk kids cannot flood the issuer).
 */
export function createJwksVerifier(options: JwksVerifierOptions): TokenVerifier {
  const keySet = createRemoteJWKSet(new URL(options.jwksUri), {
    cooldownDuration: options.cooldownMs ?? 30_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
    timeoutDuration: options.timeoutMs ?? 5_000,
  });
  return (token) =>
    decide(async () => {
      const header = decodeHeader(token, options);
      if (typeof header.kid !== 'string' || header.kid === '') {
        throw new Rejection('kid_missing');
      }
      let verified: Awaited<ReturnType<typeof compactVerify>>;
      try {
        verified = await compactVerify(token, keySet, { algorithms: [header.alg!] });
      } catch (error) {
        throw new Rejection(jwksFailure(error));
      }
      return checkClaims(header, verified.payload, options);
    });
}

/**
 * x5c mode: the token carries its certificate chain (`x5c`, or `jwk.x5c`), validated against
 * the trust anchors (RFC 5280); the leaf's key must have signed the token. No network.
 */
export function createX5cVerifier(options: X5cVerifierOptions): TokenVerifier {
  return (token) =>
    decide(async () => {
      const header = decodeHeader(token, options);
      const embedded = embeddedJwk(header);
      const x5c = header.x5c ?? embedded?.x5c;
      const path = await validateCertificatePath(
        x5c,
        options.trustAnchors,
        options.now?.() ?? new Date(),
      );
      if (!path.ok) {
        throw new Rejection(path.reason);
      }
      const leafKey = createPublicKey({
        key: Buffer.from(path.leaf.publicKey.rawData),
        format: 'der',
        type: 'spki',
      });
      if (embedded) {
        await checkEmbeddedJwk(embedded, header.x5c, leafKey);
      }
      let verified: Awaited<ReturnType<typeof compactVerify>>;
      try {
        verified = await compactVerify(token, leafKey, { algorithms: [header.alg!] });
      } catch {
        throw new Rejection('signature_invalid');
      }
      return checkClaims(header, verified.payload, options);
    });
}

function embeddedJwk(header: ProtectedHeaderParameters): JWK | undefined {
  if (header.jwk === undefined) {
    return undefined;
  }
  if (typeof header.jwk !== 'object' || header.jwk === null || Array.isArray(header.jwk)) {
    throw new Rejection('malformed');
  }
  return header.jwk;
}

/** A `jwk` header must be the leaf's key, and carry the same chain as any `x5c` header. */
async function checkEmbeddedJwk(
  jwk: JWK,
  headerX5c: string[] | undefined,
  leafKey: KeyObject,
): Promise<void> {
  if (headerX5c !== undefined && JSON.stringify(headerX5c) !== JSON.stringify(jwk.x5c)) {
    throw new Rejection('jwk_mismatch');
  }
  let matches: boolean;
  try {
    const [embedded, leaf] = await Promise.all([
      calculateJwkThumbprint(jwk, 'sha256'),
      exportJWK(leafKey).then((leafJwk) => calculateJwkThumbprint(leafJwk, 'sha256')),
    ]);
    matches = embedded === leaf;
  } catch {
    matches = false;
  }
  if (!matches) {
    throw new Rejection('jwk_mismatch');
  }
}
