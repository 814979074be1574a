import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-jwt';
import { VerificationKey } from '../keys/key-store.service';
import { AccessTokenVerifier, TokenRejection } from '../tokens/access-token.verifier';
import { AccessTokenClaims } from '../verifier/access-token-claims';
import { AuthenticatedPrincipal, principalFromClaims } from './principal';

export const ACCESS_TOKEN_STRATEGY = 'signet-access-token';

/**
 * What AccessTokenGuard leaves on the request: the bearer token it parsed (one parser, in
 * common/http) and its app's verifier. Passport keeps strategies in a process-wide registry,
 * so the strategy itself holds no app state: the guard of each app hands over its own.
 */
export const BEARER = Symbol('signet.bearer');
export interface BearerContext {
  token: string;
  verifier: AccessTokenVerifier;
}
export type RequestWithBearer = FastifyRequest & { user?: unknown; [BEARER]?: BearerContext };

/** The "secretOrKey" passport-jwt carries from the key provider to the verifier. */
interface ResolvedKey {
  key: VerificationKey;
  verifier: AccessTokenVerifier;
}

type VerifyCallback = (error: Error | null, claims?: AccessTokenClaims) => void;
type JwtVerifier = (
  token: string,
  resolved: ResolvedKey,
  options: unknown,
  done: VerifyCallback,
) => void;

// passport-jwt checks signatures with jsonwebtoken, which has no EdDSA and parses the key
// again on every call. Its verifier seam, JwtStrategy.JwtVerifier, is pointed once at jose,
// with the KeyObject that secretOrKeyProvider took from the key store.
const joseVerifier: JwtVerifier = (token, resolved, _options, done) => {
  resolved.verifier.verifyWithKey(token, resolved.key).then(
    (claims) => done(null, claims),
    (error: unknown) =>
      done(error instanceof Error ? error : new TokenRejection('signature_invalid')),
  );
};
(Strategy as unknown as { JwtVerifier: JwtVerifier }).JwtVerifier = joseVerifier;

function resolveKey(
  request: RequestWithBearer,
  token: string,
  done: (error: Error | null, resolved?: string) => void,
): void {
  const verifier = request[BEARER]!.verifier;
  verifier.resolveKey(token).then(
    // passport-jwt's types expect a PEM string; the object is only handed to joseVerifier.
    (key) => done(null, { key, verifier } as unknown as string),
    (error: unknown) => done(error as Error),
  );
}

/** passport-jwt strategy: key by kid from the key store, then Signet's claim checks. */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, ACCESS_TOKEN_STRATEGY) {
  constructor() {
    super({
      jwtFromRequest: (request: RequestWithBearer) => request[BEARER]?.token ?? null,
      secretOrKeyProvider: resolveKey,
    });
  }

  validate(claims: AccessTokenClaims): AuthenticatedPrincipal | false {
    return principalFromClaims(claims) ?? false;
  }
}
