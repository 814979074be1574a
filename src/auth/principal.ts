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
