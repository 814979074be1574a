/**
 * The claim checks of an RFC 9068 access token, shared by the server's guard and the
 * standalone verifier. Pure: the caller has already checked the signature and supplies "now".
 */

/** Why a token was refused; private detail for logs and metrics, never shown to clients as-is. */
export type ClaimRejection =
  | 'typ_invalid'
  | 'payload_invalid'
  | 'claims_missing'
  | 'issuer_mismatch'
  | 'audience_mismatch'
  | 'expired'
  | 'not_yet_valid'
  | 'issued_in_future';

/** The claims Signet relies on, validated and typed; `raw` keeps every claim. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  jti: string;
  client_id: string;
  scope: string;
  username?: string;
  raw: Readonly<Record<string, unknown>>;
}

export interface ClaimCheckOptions {
  issuer: string;
  /** The audience this token must name; null accepts any (introspection). */
  audience: string | null;
  /** Seconds since the epoch. */
  nowSeconds: number;
  clockSkewSeconds: number;
}

export type ClaimCheckResult =
  { ok: true; claims: AccessTokenClaims } | { ok: false; reason: ClaimRejection };

// RFC 9068 §2.1: typ "at+jwt"; the media-type form "application/at+jwt" is accepted too.
const ACCESS_TOKEN_TYPES = ['at+jwt', 'application/at+jwt'];

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function audienceMatches(aud: unknown, audience: string | null): aud is string | string[] {
  if (typeof aud === 'string') {
    return audience === null || aud === audience;
  }
  return (
    Array.isArray(aud) &&
    aud.length > 0 &&
    aud.every((a) => typeof a === 'string') &&
    (audience === null || aud.includes(audience))
  );
}

export function checkAccessTokenClaims(
  typ: unknown,
  payload: unknown,
  options: ClaimCheckOptions,
): ClaimCheckResult {
  if (typeof typ !== 'string' || !ACCESS_TOKEN_TYPES.includes(typ.toLowerCase())) {
    return { ok: false, reason: 'typ_invalid' };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { ok: false, reason: 'payload_invalid' };
  }
  const c = payload as Record<string, unknown>;
  const { nowSeconds: now, clockSkewSeconds: skew } = options;
  if (
    !isNonEmptyString(c.iss) ||
    !isNonEmptyString(c.sub) ||
    !isNumericDate(c.exp) ||
    !isNumericDate(c.iat) ||
    !isNonEmptyString(c.jti) ||
    !isNonEmptyString(c.client_id) ||
    typeof c.scope !== 'string' ||
    (c.nbf !== undefined && !isNumericDate(c.nbf)) ||
    (c.username !== undefined && typeof c.username !== 'string')
  ) {
    return { ok: false, reason: 'claims_missing' };
  }
  if (c.iss !== options.issuer) {
    return { ok: false, reason: 'issuer_mismatch' };
  }
  if (!audienceMatches(c.aud, options.audience)) {
    return { ok: false, reason: 'audience_mismatch' };
  }
  if (now >= c.exp + skew) {
    return { ok: false, reason: 'expired' };
  }
  if (isNumericDate(c.nbf) && c.nbf - skew > now) {
    return { ok: false, reason: 'not_yet_valid' };
  }
  if (c.iat - skew > now) {
    return { ok: false, reason: 'issued_in_future' };
  }
  return {
    ok: true,
    claims: {
      iss: c.iss,
      sub: c.sub,
      aud: c.aud,
      exp: c.exp,
      iat: c.iat,
      jti: c.jti,
      client_id: c.client_id,
      scope: c.scope,
      username: c.username,
      raw: c,
    },
  };
}
