import { Injectable } from '@nestjs/common';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors as joseErrors,
  JSONWebKeySet,
  JWTVerifyGetKey,
} from 'jose';
import { OAuthError } from '../../common/errors/signet.errors';
import { Client } from '../client.entity';
import { createSafeFetch } from '../remote-jwks/safe-fetch';

/** jwks_uri limits (issue 3): a slow or huge answer is a failed authentication, quickly. */
const REMOTE_JWKS = {
  timeoutMs: 2000,
  maxBytes: 64 * 1024,
  /** An unknown kid refetches at most this often. */
  cooldownMs: 10_000,
  cacheMaxAgeMs: 10 * 60_000,
};
const MAX_CACHED_CLIENTS = 1000;

/**
 * Each client's public keys as a jose key resolver, cached per client and version. Remote
 * sets are fetched by jose through a fetch that refuses redirects, forbidden addresses and
 * oversized answers. A cache only: any instance can rebuild it from the database.
 */
@Injectable()
export class ClientKeysService {
  private readonly sets = new Map<string, { version: string; getKey: JWTVerifyGetKey }>();
  private readonly safeFetch = createSafeFetch({ maxBytes: REMOTE_JWKS.maxBytes });

  keysOf(client: Client): JWTVerifyGetKey {
    // The key material itself, not updatedAt: two changes within one millisecond (or an
    // instance's clock behind another's) must not keep serving the old keys.
    const version = client.jwks ?? `jwks_uri:${client.jwksUri}`;
    const cached = this.sets.get(client.clientId);
    if (cached?.version === version) {
      return cached.getKey;
    }
    const getKey = client.jwks
      ? createLocalJWKSet(JSON.parse(client.jwks) as JSONWebKeySet)
      : withFetchReasons(
          createRemoteJWKSet(new URL(client.jwksUri!), {
            timeoutDuration: REMOTE_JWKS.timeoutMs,
            cooldownDuration: REMOTE_JWKS.cooldownMs,
            cacheMaxAge: REMOTE_JWKS.cacheMaxAgeMs,
            [customFetch]: this.safeFetch,
          }),
        );
    this.sets.delete(client.clientId);
    if (this.sets.size >= MAX_CACHED_CLIENTS) {
      this.sets.delete(this.sets.keys().next().value!);
    }
    this.sets.set(client.clientId, { version, getKey });
    return getKey;
  }
}

/**
 * A failed jwks_uri download reaches jwtVerify as a bare JOSEError (or a network error); name
 * it for logs and metrics. A key missing from a fetched set stays jose's JWKSNoMatchingKey, and
 * several matching keys stay JWKSMultipleMatchingKeys (the caller tries each).
 */
function withFetchReasons(getKey: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await getKey(header, token);
    } catch (error) {
      if (
        error instanceof joseErrors.JWKSNoMatchingKey ||
        error instanceof joseErrors.JWKSMultipleMatchingKeys ||
        error instanceof joseErrors.JOSENotSupported
      ) {
        throw error;
      }
      const reason =
        error instanceof joseErrors.JWKSTimeout ? 'jwks_uri_timeout' : 'jwks_uri_unavailable';
      throw new OAuthError('invalid_client', 'Client authentication failed', reason);
    }
  };
}
