import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-jwt';
import { AccessTokenVerifier, TokenRejection } from '../tokens/access-token.verifier';
import { VerificationKey } from '../keys/key-store.service';
import { AccessTokenClaims } from '../verifier/access-token-claims';
import { AuthenticatedPrincipal } from './principal';
import { parseScopeString, SCOPES } from './scopes';

export const ACCESS_TOKEN_STRATEGY = 'signet-access-token';

/** Where AccessTokenGuard leaves the bearer token it parsed (one parser, in common/http). */
export const BEARER_TOKEN = Symbol('signet.bearerToken');
type RequestWithToken = Request & { [BEARER_TOKEN]?: string };

type VerifyCallback = (error: Error | null, claims?: AccessTokenClaims) => void;
type JwtVerifier = (
  token: string,
  key: unknown,
  options: { signet?: AccessTokenVerifier },
  done: VerifyCallback,
) => void;

// passport-jwt checks signatures with jsonwebtoken, which has no EdDSA and parses the key
// again on every call. Its verifier seam, JwtStrategy.JwtVerifier, is pointed once at jose:
// it receives the KeyObject that secretOrKeyProvider took from the key store.
const joseVerifier: JwtVerifier = (token, key, options, done) => {
  options
    .signet!.verifyWithKey(token, key as VerificationKey)
    .then((claims) => done(null, claims))
    .catch((error: unknown) =>
      done(error instanceof Error ? error : new TokenRejection('signature_invalid')),
    );
};
(Strategy as unknown as { JwtVerifier: JwtVerifier }).JwtVerifier = joseVerifier;

/** passport-jwt strategy: key by kid from the key store, then Signet's claim checks. */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, ACCESS_TOKEN_STRATEGY) {
  constructor(verifier: AccessTokenVerifier) {
    super({
      jwtFromRequest: (request: RequestWithToken) => request[BEARER_TOKEN] ?? null,
      // The key object travels to joseVerifier; passport-jwt's types expect a PEM or secret.
      secretOrKeyProvider: (
        _request: Request,
        token: string,
        done: (error: Error | null, key?: string) => void,
      ) => {
        verifier.resolveKey(token).then(
          (key) => done(null, key as unknown as string),
          (error: unknown) => done(error as Error),
        );
      },
      jsonWebTokenOptions: { signet: verifier } as object,
    });
  }

  validate(claims: AccessTokenClaims): AuthenticatedPrincipal | false {
    const scopes = parseScopeString(claims.scope);
    // CONTRACT §3: event tokens (adoptions:process) are for consumers, never for HTTP routes.
    if (scopes.includes(SCOPES.adoptionsProcess)) {
      return false;
    }
    return {
      sub: claims.sub,
      clientId: claims.client_id,
      scopes,
      username: claims.username,
      claims: claims.raw,
    };
  }
}
