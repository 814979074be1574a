import { readFileSync } from 'node:fs';
import {
  createJwksVerifier,
  createX5cVerifier,
  parseTrustAnchors,
  TokenVerifier,
} from '../verifier/index';
import { parseRouteScopes, RouteScopes, routeOfMethodArn, scopesForRoute } from './route-scopes';

/** An API Gateway TOKEN authorizer event. */
export interface TokenAuthorizerEvent {
  type: 'TOKEN';
  authorizationToken?: string;
  methodArn: string;
}

export interface AuthorizerResult {
  principalId: string;
  policyDocument: {
    Version: '2012-10-17';
    Statement: { Action: 'execute-api:Invoke'; Effect: 'Allow' | 'Deny'; Resource: string }[];
  };
  context: { sub: string; scope: string; client_id: string };
}

export interface AuthorizerConfig {
  issuer: string;
  audience: string;
  jwksUri?: string;
  /** PEM text of the trust anchors (x5c mode). */
  trustAnchorsPem?: string;
  routeScopes: RouteScopes;
  clockSkewSeconds?: number;
}

/**
 * A Lambda authorizer for `config`: Allow when the token is valid and holds every scope of
 * the route; Deny when a scope is missing or the route is unknown; `Error("Unauthorized")`
 * (API Gateway's 401) for a missing or invalid token.
 */
export function createAuthorizer(
  config: AuthorizerConfig,
): (event: TokenAuthorizerEvent) => Promise<AuthorizerResult> {
  const verify = verifierFor(config);
  return async (event) => {
    const token = bearerToken(event.authorizationToken);
    const result = token ? await verify(token) : undefined;
    if (!result?.ok) {
      // The reason goes to the function's log only; the caller sees API Gateway's 401.
      console.warn(JSON.stringify({ msg: 'token refused', reason: result?.reason ?? 'no_token' }));
      throw new Error('Unauthorized');
    }
    const { sub, scope, client_id } = result.claims;
    const route = routeOfMethodArn(event.methodArn);
    const needed = route === undefined ? undefined : scopesForRoute(config.routeScopes, route);
    const held = new Set(scope.split(' '));
    const allowed = needed !== undefined && needed.every((s) => held.has(s));
    return {
      principalId: sub,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: allowed ? 'Allow' : 'Deny',
            Resource: event.methodArn,
          },
        ],
      },
      context: { sub, scope, client_id },
    };
  };
}

function verifierFor(config: AuthorizerConfig): TokenVerifier {
  const common = {
    issuer: config.issuer,
    audience: config.audience,
    clockSkewSeconds: config.clockSkewSeconds,
  };
  if (config.trustAnchorsPem !== undefined) {
    return createX5cVerifier({
      ...common,
      trustAnchors: parseTrustAnchors(config.trustAnchorsPem),
    });
  }
  if (config.jwksUri !== undefined) {
    return createJwksVerifier({ ...common, jwksUri: config.jwksUri });
  }
  throw new Error('set JWKS_URI or TRUST_ANCHORS_FILE');
}

// RFC 6750 §2.1: "Bearer" is case-insensitive, followed by one space and the token.
function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header?.trim() ?? '');
  return match?.[1];
}

/**
 * The function's configuration. A Lambda has no Nest and no src/config: its environment is
 * read here, once per cold start.
 */
export function authorizerConfigFromEnv(env: NodeJS.ProcessEnv): AuthorizerConfig {
  const required = (name: string): string => {
    const value = env[name];
    if (!value) {
      throw new Error(`${name} is required`);
    }
    return value;
  };
  return {
    issuer: required('ISSUER'),
    audience: env.AUDIENCE || 'pets-api',
    jwksUri: env.JWKS_URI || undefined,
    trustAnchorsPem: env.TRUST_ANCHORS_FILE
      ? readFileSync(env.TRUST_ANCHORS_FILE, 'utf8')
      : undefined,
    routeScopes: parseRouteScopes(env.ROUTE_SCOPES || '{}'),
    clockSkewSeconds: env.CLOCK_SKEW ? Number(env.CLOCK_SKEW) : undefined,
  };
}

let authorize: ReturnType<typeof createAuthorizer> | undefined;

/** The Lambda entry point (dist/lambda/authorizer.js); the verifier lives across invocations. */
export function handler(event: TokenAuthorizerEvent): Promise<AuthorizerResult> {
  authorize ??= createAuthorizer(authorizerConfigFromEnv(process.env));
  return authorize(event);
}
