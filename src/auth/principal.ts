import { AccessTokenClaims } from '../verifier/access-token-claims';
import { parseScopeString, SCOPES } from './scopes';

/** Who made a request, as the access token says (never the raw request). */
export interface AuthenticatedPrincipal {
  /** User id, or client_id for client tokens. */
  sub: string;
  clientId: string;
  scopes: readonly string[];
  username?: string;
  /** The verified token's claims, for endpoints that echo them. */
  claims: Readonly<Record<string, unknown>>;
}

/** The principal of verified claims; undefined for event tokens, which no HTTP route accepts. */
export function principalFromClaims(claims: AccessTokenClaims): AuthenticatedPrincipal | undefined {
  const scopes = parseScopeString(claims.scope);
  // CONTRACT §3: event tokens (adoptions:process) are for consumers, never for HTTP routes.
  if (scopes.includes(SCOPES.adoptionsProcess)) {
    return undefined;
  }
  return {
    sub: claims.sub,
    clientId: claims.client_id,
    scopes,
    username: claims.username,
    claims: claims.raw,
  };
}
