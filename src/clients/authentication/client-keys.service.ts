import { Injectable } from '@nestjs/common';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  JSONWebKeySet,
  JWTVerifyGetKey,
} from 'jose';
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
    const version = `${client.updatedAt.getTime()}|${client.jwksUri ?? ''}`;
    const cached = this.sets.get(client.clientId);
    if (cached?.version === version) {
      return cached.getKey;
    }
    const getKey = client.jwks
      ? createLocalJWKSet(JSON.parse(client.jwks) as JSONWebKeySet)
      : createRemoteJWKSet(new URL(client.jwksUri!), {
          timeoutDuration: REMOTE_JWKS.timeoutMs,
          cooldownDuration: REMOTE_JWKS.cooldownMs,
          cacheMaxAge: REMOTE_JWKS.cacheMaxAgeMs,
          [customFetch]: this.safeFetch,
        });
    this.sets.delete(client.clientId);
    if (this.sets.size >= MAX_CACHED_CLIENTS) {
      this.sets.delete(this.sets.keys().next().value!);
    }
    this.sets.set(client.clientId, { version, getKey });
    return getKey;
  }
}
